/**
 * A 2-D map of a few keys (the top-N candidates on the keys' first two principal axes),
 * coloured by probability (log scale), the top K outlined. Props in, callbacks out.
 */
import { selectableMarkProps } from './selectableMark';
import { scaleLinear, scaleSequentialLog, interpolateViridis } from 'd3';
import { COLOUR_RAMP_LEGEND_PX, ColourRampLegend } from './ColourRampLegend';

export interface KeyScatterPoint {
  tokenId: number;
  x: number;
  y: number;
  /** In (0, 1]. */
  probability: number;
  rank: number;
  label: string;
  description: string;
}

export interface KeyScatterProps {
  points: readonly KeyScatterPoint[];
  topK: number;
  /** Pixels. */
  width: number;
  height?: number;
  focusTokenId?: number | null;
  onSelect?: (tokenId: number) => void;
}

const PAD = 24;

const LOWEST_PROBABILITY = 1e-5;

/** The colour of a probability on the maps' shared scale (1e-5 … 1, log). */
export function probabilityColour(probability: number): string {
  return scaleSequentialLog(interpolateViridis).domain([LOWEST_PROBABILITY, 1]).clamp(true)(
    Math.max(probability, LOWEST_PROBABILITY),
  );
}

/** t in [0, 1] along the legend → the colour of 10^(−5 + 5t). */
const probabilityColourAt = (t: number) => probabilityColour(LOWEST_PROBABILITY ** (1 - t));

export function KeyScatter({ points, topK, width, height = 300, focusTokenId = null, onSelect }: KeyScatterProps) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = scaleLinear()
    .domain([Math.min(...xs), Math.max(...xs)])
    .range([PAD, width - PAD]);
  const y = scaleLinear()
    .domain([Math.min(...ys), Math.max(...ys)])
    .range([height - PAD, PAD]);
  // Draw the most probable last so they sit on top.
  const ordered = [...points].sort((a, b) => b.rank - a.rank);
  return (
    <svg
      className="key-scatter"
      width={width}
      height={height + COLOUR_RAMP_LEGEND_PX}
      role="group"
      aria-label="Top candidates' keys on the first two principal axes"
      data-testid="keyspace.map.candidates"
    >
      {ordered.map((p) => (
        <g
          key={p.tokenId}
          transform={`translate(${x(p.x)}, ${y(p.y)})`}
          className={`key-scatter__point${p.rank <= topK ? ' key-scatter__point--top' : ''}${p.tokenId === focusTokenId ? ' key-scatter__point--focus' : ''}`}
          data-testid="keyspace.map.point"
          data-token-id={p.tokenId}
          aria-label={p.description}
          {...selectableMarkProps(onSelect, p.tokenId)}
        >
          <title>{p.description}</title>
          <circle r={p.rank <= topK ? 6 : 4.5} fill={probabilityColour(p.probability)} />
          {p.rank <= topK && (
            <text x={8} y={4} className="key-scatter__label">
              {p.label}
            </text>
          )}
        </g>
      ))}
      <ColourRampLegend
        colourAt={probabilityColourAt}
        x={PAD}
        y={height}
        width={Math.min(200, width - 2 * PAD)}
        low="0.001%"
        high="100%"
        meaning="probability (log)"
        testId="keyspace.map.legend"
      />
    </svg>
  );
}
