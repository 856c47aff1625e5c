/**
 * A layer × layer similarity matrix as a heatmap (0 light yellow … 1 dark violet, viridis), with
 * its colour legend inside the SVG (so an exported chart keeps it), values on hover and in the
 * label, and an optional note under it.
 */
import { interpolateViridis, scaleBand, scaleSequential } from 'd3';
import { COLOUR_RAMP_LEGEND_PX, ColourRampLegend } from './ColourRampLegend';

export interface CovarianceHeatmapProps {
  title: string;
  /** n × n row-major values in [0, 1] (NaN: no variance). */
  matrix: readonly number[];
  size: number;
  testId?: string;
  /** A sentence under the chart, e.g. where the definition comes from. */
  note?: string;
}

const AXIS_PX = 20;
/** Room for the legend under the matrix. */
const LEGEND_PX = COLOUR_RAMP_LEGEND_PX + 10;

export function CovarianceHeatmap({ title, matrix, size, testId, note }: CovarianceHeatmapProps) {
  const n = Math.round(Math.sqrt(matrix.length));
  const layers = Array.from({ length: n }, (_, i) => i);
  const band = scaleBand<number>().domain(layers).range([AXIS_PX, size]).padding(0.04);
  const colour = scaleSequential((t) => interpolateViridis(1 - t))
    .domain([0, 1])
    .clamp(true);
  const value = (i: number, j: number) => matrix[i * n + j];
  const rows = layers.map((i) => `layer ${i}: ${layers.map((j) => value(i, j).toFixed(2)).join(' ')}`).join('; ');
  const hasNoVariance = matrix.some((v) => !Number.isFinite(v));
  const rampWidth = Math.min(160, size - AXIS_PX);
  return (
    <figure className="heatmap" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg width={size} height={size + LEGEND_PX} role="img" aria-label={`${title}. ${rows}`}>
        {layers.map((i) => (
          <g key={i}>
            <text x={AXIS_PX - 4} y={band(i)! + band.bandwidth() / 2 + 4} textAnchor="end" className="heatmap__tick">
              {i}
            </text>
            <text x={band(i)! + band.bandwidth() / 2} y={AXIS_PX - 6} textAnchor="middle" className="heatmap__tick">
              {i}
            </text>
            {layers.map((j) => (
              <rect
                key={j}
                x={band(j)}
                y={band(i)}
                width={band.bandwidth()}
                height={band.bandwidth()}
                fill={Number.isFinite(value(i, j)) ? colour(value(i, j)) : '#ccc'}
                data-testid={testId ? `${testId}.cell` : undefined}
                data-value={value(i, j)}
              >
                <title>{`layers ${i} and ${j}: ${value(i, j).toFixed(3)}`}</title>
              </rect>
            ))}
          </g>
        ))}
        <ColourRampLegend
          colourAt={(t) => colour(t)}
          x={AXIS_PX}
          y={size + 8}
          width={rampWidth}
          low="0"
          high="1"
          meaning="similarity"
          testId={testId ? `${testId}.legend` : undefined}
        />
        {hasNoVariance && (
          <g transform={`translate(${AXIS_PX + rampWidth + 10}, ${size + 8})`}>
            <rect width={8} height={8} fill="#ccc" />
            <text x={12} y={8} className="heatmap__tick">
              no variance
            </text>
          </g>
        )}
      </svg>
      {note && (
        <p className="heatmap__note" data-testid={testId ? `${testId}.note` : undefined}>
          {note}
        </p>
      )}
    </figure>
  );
}
