/** The lab's text box with its stated limit, and the notice when a text is over it (kept, not scored). */
import { bytesProblem, LIMITS, limitSentence } from '../../core/limits';
import { utf8Length } from '../../core/tokenizers/words';
import { setText } from '../../state/engineActions';
import { refuseText } from '../../state/nextTokenActions';
import { useSession } from '../../state/sessionStore';
import { LongTextBox } from '../common/LongTextBox';

/** Stated by the text box, before any work. */
const TEXT_LIMIT = limitSentence(LIMITS.nextTokenLab);

export function NextTokenTextInput({
  text,
  textBytes,
  tooLong,
}: {
  text: string;
  /** UTF-8 length of `text`, counted by the panel. */
  textBytes: number;
  tooLong: string | null;
}) {
  const onTextChange = (value: string) => {
    if (bytesProblem(LIMITS.nextTokenLab, utf8Length(value))) {
      // Kept (nothing typed is lost) but not scored: the refusal below says why.
      useSession.setState({ text: value });
      refuseText();
      return;
    }
    setText(value);
  };

  return (
    <>
      <label className="next-token__label" htmlFor="text-input">
        Text <span className="hint">({TEXT_LIMIT})</span>
      </label>
      <LongTextBox
        id="text-input"
        testId="text.input"
        className="next-token__text"
        value={text}
        valueBytes={textBytes}
        onChange={onTextChange}
        rows={4}
      />
      {tooLong && (
        <p className="notice notice--error" role="alert" data-testid="text.too-long">
          {tooLong} It is kept here but not scored: shorten it, or score the whole file with the CLI:{' '}
          <code>npm run cli -- score file.txt</code>.
        </p>
      )}
    </>
  );
}
