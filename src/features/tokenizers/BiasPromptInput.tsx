/** A mid-word prompt to look at the next byte after: the demo prompts as buttons, and the prompt as typed. */
import { BIAS_DEMO_PROMPTS } from '../../core/tokenizers';
import { visibleToken } from '../../core/tokenization/visibleText';

export function BiasPromptInput({
  prompt,
  onChange,
  testId,
}: {
  prompt: string;
  onChange: (prompt: string) => void;
  testId: string;
}) {
  return (
    <>
      <div className="tlab-bias__demos">
        {BIAS_DEMO_PROMPTS.map((d) => (
          <button
            key={d.text}
            type="button"
            aria-pressed={d.text === prompt}
            title={d.note}
            onClick={() => onChange(d.text)}
          >
            {visibleToken(d.text)}
          </button>
        ))}
      </div>
      <input
        className="tlab-bias__prompt"
        value={prompt}
        spellCheck={false}
        maxLength={200}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </>
  );
}
