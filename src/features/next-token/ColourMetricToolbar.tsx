/** The colour-by toolbar: the metric picker, GLTR's rank buckets (for rank), the legend, and the metric's explanation. */
import { useState } from 'react';
import {
  COLOUR_METRICS,
  parseThresholds,
  thresholdsProblem,
  type ColourMetric,
  type MetricScale,
} from '../../core/lab/tokenColours';
import { updateSettings } from '../../state/engineActions';

export type ColourMetricInfo = (typeof COLOUR_METRICS)[number];

export function ColourMetricToolbar({
  colourMetric,
  thresholds,
  scale,
  metricInfo,
}: {
  colourMetric: ColourMetric;
  /** The buckets in force: the field starts from them, then keeps what is typed (even when invalid). */
  thresholds: readonly number[];
  scale: MetricScale;
  metricInfo: ColourMetricInfo;
}) {
  const [thresholdText, setThresholdText] = useState(thresholds.join(', '));
  const thresholdsError = thresholdsProblem(thresholdText);

  return (
    <>
      <div className="next-token__toolbar">
        <label>
          Colour by{' '}
          <select
            value={colourMetric}
            data-testid="text.metric"
            onChange={(e) => updateSettings({ colourMetric: e.target.value as ColourMetric })}
          >
            {COLOUR_METRICS.map((m) => (
              <option key={m.metric} value={m.metric}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {colourMetric === 'rank' && (
          <>
            <label>
              Buckets{' '}
              <input
                className="next-token__thresholds"
                value={thresholdText}
                data-testid="text.thresholds"
                aria-invalid={thresholdsError !== null}
                onChange={(e) => {
                  setThresholdText(e.target.value);
                  const parsed = parseThresholds(e.target.value);
                  if (parsed) updateSettings({ gltrThresholds: parsed });
                }}
              />
            </label>
            {thresholdsError && (
              <span className="error" data-testid="text.thresholds.problem">
                {thresholdsError}
              </span>
            )}
          </>
        )}
        <span className="legend" data-testid="text.legend" aria-label={`Legend: ${metricInfo.label}`}>
          {scale.legend.map((stop) => (
            <span key={stop.label} className="legend__stop">
              <span className="legend__swatch" style={{ background: stop.colour }} />
              {stop.label}
            </span>
          ))}
        </span>
      </div>
      <small className="hint">{metricInfo.explanation}</small>
    </>
  );
}
