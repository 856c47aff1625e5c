/** Values per layer (x: layer 0..L), one line per series, with a legend. Props in, nothing out. */
import { line, scaleLinear } from 'd3';
import { valueDomain } from './valueDomain';

export interface LayerSeries {
  label: string;
  /** One value per layer; NaN leaves a gap. */
  values: readonly number[];
  colour: string;
}

export interface LayerLineChartProps {
  title: string;
  series: readonly LayerSeries[];
  /** y range; default [min, max] of the values (and 0). */
  yDomain?: [number, number];
  width: number;
  height?: number;
  format?: (value: number) => string;
  testId?: string;
}

const MARGIN = { top: 8, right: 12, bottom: 22, left: 40 };

export function LayerLineChart({
  title,
  series,
  yDomain,
  width,
  height = 150,
  format = (v) => v.toFixed(2),
  testId,
}: LayerLineChartProps) {
  const layers = Math.max(1, ...series.map((s) => s.values.length));
  const domain = yDomain ?? valueDomain(series.flatMap((s) => s.values));
  const x = scaleLinear()
    .domain([0, Math.max(1, layers - 1)])
    .range([MARGIN.left, width - MARGIN.right]);
  const y = scaleLinear()
    .domain(domain)
    .nice()
    .range([height - MARGIN.bottom, MARGIN.top]);
  const path = line<number>()
    .defined((v) => Number.isFinite(v))
    .x((_, i) => x(i))
    .y((v) => y(v));
  const describe = series
    .map((s) => `${s.label}: ${s.values.map((v, i) => `layer ${i} ${format(v)}`).join(', ')}`)
    .join('; ');
  return (
    <figure className="layer-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={`${title}. ${describe}`}>
        {y.ticks(4).map((t) => (
          <g key={t}>
            <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} className="chart__grid" />
            <text x={MARGIN.left - 4} y={y(t) + 4} textAnchor="end" className="layer-chart__tick">
              {format(t)}
            </text>
          </g>
        ))}
        {Array.from({ length: layers }, (_, i) => (
          <text key={i} x={x(i)} y={height - 6} textAnchor="middle" className="layer-chart__tick">
            {i}
          </text>
        ))}
        {series.map((s) => (
          <g key={s.label}>
            <path d={path([...s.values]) ?? ''} fill="none" stroke={s.colour} strokeWidth={2} />
            {s.values.map(
              (v, i) =>
                Number.isFinite(v) && (
                  <circle key={i} cx={x(i)} cy={y(v)} r={3} fill={s.colour}>
                    <title>{`${s.label}, layer ${i}: ${format(v)}`}</title>
                  </circle>
                ),
            )}
          </g>
        ))}
      </svg>
      <ul className="layer-chart__legend">
        {series.map((s) => (
          <li key={s.label}>
            <span style={{ background: s.colour }} />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
