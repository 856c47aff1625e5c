/** A small vertical-bar histogram with optional per-bin colours. Props in, nothing out. */
import { scaleLinear } from 'd3';

export interface HistogramBar {
  label: string;
  count: number;
  colour?: string;
}

export interface HistogramProps {
  title: string;
  bars: readonly HistogramBar[];
  width: number;
  height?: number;
  testId?: string;
}

const AXIS_PX = 16;

export function Histogram({ title, bars, width, height = 90, testId }: HistogramProps) {
  const max = Math.max(1, ...bars.map((b) => b.count));
  const y = scaleLinear()
    .domain([0, max])
    .range([0, height - AXIS_PX - 12]);
  const slot = width / Math.max(1, bars.length);
  return (
    <figure className="histogram" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.count}`).join(', ')}`}
      >
        {bars.map((bar, i) => (
          <g key={i} transform={`translate(${i * slot}, 0)`} data-count={bar.count}>
            <title>{`${bar.label}: ${bar.count}`}</title>
            <rect
              x={2}
              width={Math.max(1, slot - 4)}
              y={height - AXIS_PX - y(bar.count)}
              height={y(bar.count)}
              // A style, not the fill attribute: attributes do not resolve var(), so the theme's accent would be lost.
              style={{ fill: bar.colour ?? 'var(--accent)' }}
            />
            {bar.count > 0 && (
              <text
                x={slot / 2}
                y={height - AXIS_PX - y(bar.count) - 3}
                textAnchor="middle"
                className="histogram__count"
              >
                {bar.count}
              </text>
            )}
            {(bars.length <= 6 || i % 2 === 0) && (
              <text x={slot / 2} y={height - 3} textAnchor="middle" className="histogram__label">
                {bar.label}
              </text>
            )}
          </g>
        ))}
      </svg>
    </figure>
  );
}
