/**
 * Step and generate: one greedy or seeded-sample step at the shown position, or N tokens with
 * a stop button. The seed is visible and editable; each position draws from its own stream
 * (positionSeed), so the same seed and settings give the same tokens, step by step or at once.
 */
import { useEffect, useState } from 'react';
import { checkWholeNumber } from '../../core/fields';
import { generate, stepOnce, stopGeneration } from '../../state/nextTokenActions';
import { updateSettings } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';

export function GenerateControls() {
  const lab = useSession((s) => s.nextToken);
  const seed = useSession((s) => s.settings.seed);
  const cautious = useSession((s) => s.settings.cautious);
  const [countText, setCountText] = useState('20');
  const countCheck = checkWholeNumber(countText, 'Tokens', 1, 500);
  const [seedText, setSeedText] = useState(String(seed));
  const busy = lab.generation !== null || lab.status === 'running';
  const seedValid = /^\d+$/.test(seedText) && Number(seedText) <= 0xffffffff;
  // An opened experiment or share link changes the seed from outside: show it.
  useEffect(() => {
    setSeedText((shown) => (Number(shown) === seed && /^\d+$/.test(shown) ? shown : String(seed)));
  }, [seed]);
  return (
    <fieldset className="generate" data-testid="generate.controls">
      <legend>Step and generate</legend>
      <label>
        Seed{' '}
        <input
          className="generate__seed"
          value={seedText}
          inputMode="numeric"
          data-testid="generate.seed"
          aria-invalid={!seedValid}
          onChange={(e) => {
            setSeedText(e.target.value);
            if (/^\d+$/.test(e.target.value) && Number(e.target.value) <= 0xffffffff)
              updateSettings({ seed: Number(e.target.value) });
          }}
        />
      </label>
      {!seedValid && <span className="error">The seed is a whole number from 0 to 4294967295.</span>}
      {/* aria-disabled, not disabled, while a step runs: a disabled button drops the keyboard focus to the page. */}
      <button
        type="button"
        aria-disabled={busy}
        data-testid="generate.greedy"
        onClick={() => {
          if (!busy) void stepOnce('greedy');
        }}
      >
        Greedy step
      </button>
      <button
        type="button"
        aria-disabled={busy}
        disabled={!seedValid}
        data-testid="generate.sample"
        onClick={() => {
          if (!busy) void stepOnce('sample');
        }}
      >
        Sample step
      </button>
      <label>
        Tokens{' '}
        <input
          className="generate__count"
          value={countText}
          inputMode="numeric"
          data-testid="generate.count"
          aria-invalid={!countCheck.ok}
          onChange={(e) => setCountText(e.target.value)}
        />
      </label>
      {!countCheck.ok && (
        <span className="error" data-testid="generate.count.problem">
          {countCheck.problem}
        </span>
      )}
      <label title="Cautious Next Token Prediction (Wang et al. 2025): where the entropy is high, sample several trials to the next punctuation and keep the one with the lowest perplexity.">
        <input
          type="checkbox"
          checked={cautious}
          data-testid="generate.cautious"
          onChange={(e) => updateSettings({ cautious: e.target.checked })}
        />{' '}
        Cautious (CNTP)
      </label>
      {lab.generation ? (
        <button type="button" data-testid="generate.stop" onClick={stopGeneration}>
          Stop ({lab.generation.done}/{lab.generation.total})
        </button>
      ) : (
        <button
          type="button"
          disabled={busy || !seedValid || !countCheck.ok}
          data-testid="generate.run"
          onClick={() => {
            if (countCheck.ok) void generate(countCheck.value, 'sample');
          }}
        >
          Generate {countCheck.ok ? countCheck.value : ''}
        </button>
      )}
    </fieldset>
  );
}
