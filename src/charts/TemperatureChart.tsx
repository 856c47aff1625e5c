/**
 * A value against sampling temperature, one line per series (a model), with optional interval
 * bars: the ToM study's accuracy and entropy plots. Props in, nothing out.
 */
import { BottomAxis } from './BottomAxis';
import { line, scaleLinear } from 'd3';
import { valueDomain } from './valueDomain';

export interface TemperaturePoint {
  x: number;
  y: number;
  /** An interval around y (drawn as a bar), e.g. a 95% confidence interval. */
  low?: number;
  high?: number;
}

export interface TemperatureSeries {
  label: string;
  points: readonly TemperaturePoint[];
  colour: string;
}

export interface TemperatureChartProps {
  title: string;
  series: readonly TemperatureSeries[];
  yLabel: string;
  /** y range; default [0, the largest value or interval end]. */
  yDomain?: [number, number];
  width: number;
  height?: number;
  format?: (value: number) => string;
  testId?: string;
}

const MARGIN = { top: 10, right: 14, bottom: 34, left: 46 };

export function TemperatureChart({
  title,
  series,
  yLabel,
  yDomain,
  width,
  height = 180,
  format = (v) => v.toFixed(2),
  testId,
}: TemperatureChartProps) {
  const points = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...points.map((p) => p.x));
  const x = scaleLinear()
    .domain([0, xMax])
    .nice()
    .range([MARGIN.left, width - MARGIN.right]);
  const y = scaleLinear()
    .domain(yDomain ?? valueDomain(points.map((p) => Math.max(p.y, p.high ?? p.y))))
    .nice()
    .range([height - MARGIN.bottom, MARGIN.top]);
  const path = line<TemperaturePoint>()
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  const describe = series
    .map((s) => `${s.label}: ${s.points.map((p) => `temperature ${p.x} ${format(p.y)}`).join(', ')}`)
    .join('; ');
  return (
    <figure className="temperature-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={`${title}. ${describe || 'No values yet.'}`}>
        {y.ticks(4).map((t) => (
          <g key={`y${t}`}>
            <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} className="chart__grid" />
            <text x={MARGIN.left - 4} y={y(t) + 4} textAnchor="end" className="temperature-chart__tick">
              {format(t)}
            </text>
          </g>
        ))}
        <BottomAxis
          ticks={x.ticks(5)}
          at={x}
          left={MARGIN.left}
          right={width - MARGIN.right}
          height={height}
          bottomMargin={MARGIN.bottom}
          label="temperature"
          tickClass="temperature-chart__tick"
          labelClass="temperature-chart__axis"
        />
        <text
          transform={`translate(11 ${(height - MARGIN.bottom + MARGIN.top) / 2}) rotate(-90)`}
          textAnchor="middle"
          className="temperature-chart__axis"
        >
          {yLabel}
        </text>
        {series.map((s) => (
          <g key={s.label}>
            <path d={path([...s.points]) ?? ''} fill="none" stroke={s.colour} strokeWidth={2} />
            {s.points.map((p) => (
              <g key={p.x}>
                {p.low !== undefined && p.high !== undefined && (
                  <line
                    x1={x(p.x)}
                    x2={x(p.x)}
                    y1={y(p.low)}
                    y2={y(p.high)}
                    stroke={s.colour}
                    strokeOpacity={0.5}
                    strokeWidth={6}
                  />
                )}
                <circle cx={x(p.x)} cy={y(p.y)} r={3.5} fill={s.colour}>
                  <title>{`${s.label}, temperature ${p.x}: ${format(p.y)}${p.low !== undefined && p.high !== undefined ? ` (${format(p.low)}–${format(p.high)})` : ''}`}</title>
                </circle>
              </g>
            ))}
          </g>
        ))}
      </svg>
      <ul className="temperature-chart__legend">
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
