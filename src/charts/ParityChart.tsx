/**
 * Tokenization parity as a dot plot: one line per language, one dot per tokenizer at its
 * tokens relative to English (1 = as many tokens as English). Props in, nothing out.
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
}

const ROW_PX = 18;
const LABEL_PX = 110;
const TOP_PX = 22;

export function seriesColour(index: number): string {
  return schemeTableau10[index % schemeTableau10.length];
}

export function ParityChart({ languages, series, width }: ParityChartProps) {
  const max = Math.max(2, ...series.flatMap((s) => Object.values(s.relative)));
  const x = scaleLinear().domain([0, max]).range([LABEL_PX, width - 12]).nice();
  const height = TOP_PX + languages.length * ROW_PX + 6;
  const ticks = x.ticks(Math.max(2, Math.floor((width - LABEL_PX) / 60)));
  return (
    <figure className="tlab-parity-chart" data-testid="tokenizers.parity.chart">
      <svg width={width} height={height} role="img" aria-label="Tokens per language relative to English, per tokenizer">
        {ticks.map((t) => (
          <g key={t} transform={`translate(${x(t)}, 0)`}>
            <line y1={TOP_PX - 4} y2={height - 4} className={t === 1 ? 'tlab-parity-chart__one' : 'tlab-parity-chart__grid'} />
            <text y={TOP_PX - 8} textAnchor="middle" className="tlab-parity-chart__tick">{`${t}×`}</text>
          </g>
        ))}
        {languages.map((language, row) => {
          const y = TOP_PX + row * ROW_PX + ROW_PX / 2;
          return (
            <g key={language.code}>
              <text x={LABEL_PX - 6} y={y + 4} textAnchor="end" className="tlab-parity-chart__label">{language.name}</text>
              {series.map((s, i) => {
                const value = s.relative[language.code];
                if (value === undefined) return null;
                return (
                  <circle key={s.id} cx={x(value)} cy={y} r={4.5} fill={seriesColour(i)} fillOpacity={0.85}>
                    <title>{`${s.label}, ${language.name}: ${value.toFixed(2)}× English`}</title>
                  </circle>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s, i) => (
          <span key={s.id}><span className="legend__swatch" style={{ background: seriesColour(i) }} /> {s.label}</span>
        ))}
      </figcaption>
    </figure>
  );
}
