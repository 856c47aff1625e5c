/**
 * Step and generate: one greedy or seeded-sample step at the shown position, or N tokens with
 * a stop button. The seed is visible and editable; each position draws from its own stream
 * (positionSeed), so the same seed and settings give the same tokens, step by step or at once.
 */
import { useEffect, useState } from 'react';
import { generate, stepOnce, stopGeneration } from '../../state/labActions';
import { updateSettings } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';

export function GenerateControls() {
  const lab = useSession((s) => s.lab);
  const seed = useSession((s) => s.settings.seed);
  const cautious = useSession((s) => s.settings.cautious);
  const [count, setCount] = useState(20);
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
        <input className="generate__seed" value={seedText} inputMode="numeric" data-testid="generate.seed" aria-invalid={!seedValid}
          onChange={(e) => {
            setSeedText(e.target.value);
            if (/^\d+$/.test(e.target.value) && Number(e.target.value) <= 0xffffffff) updateSettings({ seed: Number(e.target.value) });
          }} />
      </label>
      {!seedValid && <span className="error">The seed is a whole number from 0 to 4294967295.</span>}
      <button type="button" disabled={busy} data-testid="generate.greedy" onClick={() => void stepOnce('greedy')}>Greedy step</button>
      <button type="button" disabled={busy || !seedValid} data-testid="generate.sample" onClick={() => void stepOnce('sample')}>Sample step</button>
      <label>
        Tokens{' '}
        <input type="number" min={1} max={500} value={count} data-testid="generate.count" onChange={(e) => setCount(Math.min(500, Math.max(1, Math.floor(Number(e.target.value) || 1))))} />
      </label>
      <label title="Cautious Next Token Prediction (Wang et al. 2025): where the entropy is high, sample several trials to the next punctuation and keep the one with the lowest perplexity.">
        <input type="checkbox" checked={cautious} data-testid="generate.cautious" onChange={(e) => updateSettings({ cautious: e.target.checked })} /> Cautious (CNTP)
      </label>
      {lab.generation ? (
        <button type="button" data-testid="generate.stop" onClick={stopGeneration}>Stop ({lab.generation.done}/{lab.generation.total})</button>
      ) : (
        <button type="button" disabled={busy || !seedValid} data-testid="generate.run" onClick={() => void generate(count, 'sample')}>Generate {count}</button>
      )}
    </fieldset>
  );
}
