/**
 * A dot plot per language: one line per language, one dot per series. By default tokenization
 * parity (tokens relative to English, 1 = as many as English); the axis, the reference line
 * and the labels can be set for other per-language figures (the bias across languages).
 * Props in, nothing out.
 */
import { scaleLinear, schemeTableau10 } from 'd3';

export interface ParitySeries {
  id: string;
  label: string;
  /** Language code → tokens relative to the reference language. */
  relative: Record<string, number>;
}

export interface ParityChartProps {
  languages: readonly { code: string; name: string }[];
  series: readonly ParitySeries[];
  width: number;
  /** The axis: from 0 to this (default: the largest value, at least 2). */
  domainMax?: number;
  tickFormat?: (value: number) => string;
  /** Where the reference line is drawn (default 1, English's own value); null for none. */
  referenceValue?: number | null;
  /** What a dot says on hover, and the chart's accessible name. */
  describe?: (value: number) => string;
  ariaLabel?: string;
  testId?: string;
}

const ROW_PX = 18;
const LABEL_PX = 110;
const TOP_PX = 22;

export function seriesColour(index: number): string {
  return schemeTableau10[index % schemeTableau10.length];
}

const parityDescription = (value: number) => `${value.toFixed(2)}× English`;

export function ParityChart({
  languages,
  series,
  width,
  domainMax,
  tickFormat = (t) => `${t}×`,
  referenceValue = 1,
  describe = parityDescription,
  ariaLabel = 'Tokens per language relative to English, per tokenizer',
  testId = 'tokenizers.parity.chart',
}: ParityChartProps) {
  const max = domainMax ?? Math.max(2, ...series.flatMap((s) => Object.values(s.relative)));
  const x = scaleLinear()
    .domain([0, max])
    .range([LABEL_PX, width - 12])
    .nice();
  const height = TOP_PX + languages.length * ROW_PX + 6;
  const ticks = x.ticks(Math.max(2, Math.floor((width - LABEL_PX) / 60)));
  return (
    <figure className="tlab-parity-chart" data-testid={testId}>
      <svg width={width} height={height} role="img" aria-label={ariaLabel}>
        {ticks.map((t) => (
          <g key={t} transform={`translate(${x(t)}, 0)`}>
            <line
              y1={TOP_PX - 4}
              y2={height - 4}
              className={t === referenceValue ? 'tlab-parity-chart__one' : 'tlab-parity-chart__grid'}
            />
            <text y={TOP_PX - 8} textAnchor="middle" className="tlab-parity-chart__tick">
              {tickFormat(t)}
            </text>
          </g>
        ))}
        {languages.map((language, row) => {
          const y = TOP_PX + row * ROW_PX + ROW_PX / 2;
          return (
            <g key={language.code}>
              <text x={LABEL_PX - 6} y={y + 4} textAnchor="end" className="tlab-parity-chart__label">
                {language.name}
              </text>
              {series.map((s, i) => {
                const value = s.relative[language.code];
                if (value === undefined) return null;
                return (
                  <circle key={s.id} cx={x(value)} cy={y} r={4.5} fill={seriesColour(i)} fillOpacity={0.85}>
                    <title>{`${s.label}, ${language.name}: ${describe(value)}`}</title>
                  </circle>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s, i) => (
          <span key={s.id}>
            <span className="legend__swatch" style={{ background: seriesColour(i) }} /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
