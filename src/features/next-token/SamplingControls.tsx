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
      <SliderRow
        label="Top-k"
        shown={settings.topK === 0 ? 'off' : String(settings.topK)}
        range={[0, 200, 1]}
        value={settings.topK}
        testId="sampling.topK"
        onChange={(topK) => updateSettings({ topK })}
        hint="Keeps only the k most probable tokens (0 = off), then renormalises."
      />
      <SliderRow
        label="Top-p"
        shown={settings.topP === 1 ? 'off' : settings.topP.toFixed(2)}
        range={[0, 1, 0.01]}
        value={settings.topP}
        testId="sampling.topP"
        onChange={(topP) => updateSettings({ topP })}
        hint="Keeps the most probable tokens until their mass reaches p (1 = off)."
      />
      <SliderRow
        label="Min-p"
        shown={settings.minP === 0 ? 'off' : settings.minP.toFixed(2)}
        range={[0, 1, 0.01]}
        value={settings.minP}
        testId="sampling.minP"
        onChange={(minP) => updateSettings({ minP })}
        hint="Drops tokens less likely than min-p × the top token’s probability (0 = off)."
      />
    </fieldset>
  );
}

/** One filter's slider: its name and value shown as the user reads it, the range input, a one-line explanation. */
function SliderRow({
  label,
  shown,
  range: [min, max, step],
  value,
  testId,
  onChange,
  hint,
}: {
  label: string;
  shown: string;
  /** min, max, step */
  range: [number, number, number];
  value: number;
  testId: string;
  onChange: (value: number) => void;
  hint: string;
}) {
  return (
    <label className="sampling__row">
      <span>
        {label} <output>{shown}</output>
      </span>
      <input
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        data-testid={testId}
        onChange={(e) => onChange(Number(e.target.value))}
      />
      <small>{hint}</small>
    </label>
  );
}
