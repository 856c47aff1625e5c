/**
 * Temperature, top-k, top-p and min-p, each with a one-line explanation. Moving a slider only
 * changes settings: the bars recompute from the kept logits (src/core), never the model.
 */
import { updateSettings } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';

/** The temperatures of the Theory-of-Mind study (docs/PAPERS.md section 7). */
const TEMPERATURE_PRESETS = [0.01, 0.5, 1, 2];

export function SamplingControls() {
  const settings = useSession((s) => s.settings);
  return (
    <fieldset className="sampling" data-testid="sampling.controls">
      <legend>Sampling</legend>
      <label className="sampling__row">
        <span>
          Temperature <output data-testid="sampling.temperature.value">{settings.temperature.toFixed(2)}</output>
        </span>
        <input
          type="range"
          min={0.01}
          max={3}
          step={0.01}
          value={settings.temperature}
          data-testid="sampling.temperature"
          onChange={(e) => updateSettings({ temperature: Number(e.target.value) })}
        />
        <span className="sampling__presets">
          {TEMPERATURE_PRESETS.map((t) => (
            <button
              key={t}
              type="button"
              aria-pressed={settings.temperature === t}
              data-testid={`sampling.temperature.preset.${t}`}
              onClick={() => updateSettings({ temperature: t })}
            >
              {t}
            </button>
          ))}
        </span>
        <small>Divides the logits before the softmax: below 1 sharpens the distribution, above 1 flattens it.</small>
      </label>
      <label className="sampling__row">
        <span>
          Top-k <output>{settings.topK === 0 ? 'off' : settings.topK}</output>
        </span>
        <input
          type="range"
          min={0}
          max={200}
          step={1}
          value={settings.topK}
          data-testid="sampling.topK"
          onChange={(e) => updateSettings({ topK: Number(e.target.value) })}
        />
        <small>Keeps only the k most probable tokens (0 = off), then renormalises.</small>
      </label>
      <label className="sampling__row">
        <span>
          Top-p <output>{settings.topP === 1 ? 'off' : settings.topP.toFixed(2)}</output>
        </span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={settings.topP}
          data-testid="sampling.topP"
          onChange={(e) => updateSettings({ topP: Number(e.target.value) })}
        />
        <small>Keeps the most probable tokens until their mass reaches p (1 = off).</small>
      </label>
      <label className="sampling__row">
        <span>
          Min-p <output>{settings.minP === 0 ? 'off' : settings.minP.toFixed(2)}</output>
        </span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={settings.minP}
          data-testid="sampling.minP"
          onChange={(e) => updateSettings({ minP: Number(e.target.value) })}
        />
        <small>Drops tokens less likely than min-p × the top token’s probability (0 = off).</small>
      </label>
    </fieldset>
  );
}
