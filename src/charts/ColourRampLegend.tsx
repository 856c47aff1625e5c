/**
 * A colour scale's legend as an SVG group, drawn inside the chart's own <svg> so an exported
 * chart keeps it: a ramp sampled from `colourAt(t)` for t in [0, 1], the values at both ends and
 * what the colour means in the middle.
 */
import { useId } from 'react';

const STOPS = 11;
export const COLOUR_RAMP_LEGEND_PX = 24;

export function ColourRampLegend({
  colourAt,
  x,
  y,
  width,
  low,
  high,
  meaning,
  testId,
}: {
  colourAt: (t: number) => string;
  x: number;
  y: number;
  width: number;
  /** The labels at t = 0 and t = 1. */
  low: string;
  high: string;
  meaning: string;
  testId?: string;
}) {
  // useId's ":r1:" is not a valid url(#…) reference in every renderer: keep letters and digits.
  const gradientId = `ramp-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  return (
    <g transform={`translate(${x}, ${y})`} className="colour-ramp" data-testid={testId}>
      <defs>
        <linearGradient id={gradientId}>
          {Array.from({ length: STOPS }, (_, k) => k / (STOPS - 1)).map((t) => (
            <stop key={t} offset={t} stopColor={colourAt(t)} />
          ))}
        </linearGradient>
      </defs>
      <rect width={width} height={8} fill={`url(#${gradientId})`} />
      <text x={0} y={20} className="chart__tick">
        {low}
      </text>
      <text x={width / 2} y={20} textAnchor="middle" className="chart__tick">
        {meaning}
      </text>
      <text x={width} y={20} textAnchor="end" className="chart__tick">
        {high}
      </text>
    </g>
  );
}
