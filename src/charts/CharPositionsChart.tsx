/**
 * CharBench's view (Uzan & Pinter; docs/PAPERS.md section 8): a word's characters, one cell each,
 * per tokenizer. The cell's shade is the length of the token holding the character, the small
 * numbers are that length and the character's offset in the token, and a thick line marks
 * each token boundary. Props in, nothing out.
 */
import { interpolateBlues, scaleSequential } from 'd3';
import { COLOUR_RAMP_LEGEND_PX, ColourRampLegend } from './ColourRampLegend';

export interface CharPositionCell {
  char: string;
  /** Index of the containing token in the tokenization (boundaries are where it changes). */
  token: number;
  tokenLength: number;
  offsetInToken: number;
  splitAcrossTokens: boolean;
}

export interface CharPositionsChartProps {
  rows: readonly { id: string; label: string; cells: readonly CharPositionCell[] }[];
}

const CELL_PX = 28;
const ROW_PX = 46;
const LABEL_PX = 150;
const LEGEND_MAX_PX = 260;

export function CharPositionsChart({ rows }: CharPositionsChartProps) {
  const longest = Math.max(1, ...rows.flatMap((r) => r.cells.map((c) => c.tokenLength)));
  const shade = scaleSequential(interpolateBlues).domain([0, longest + 2]);
  const columns = Math.max(1, ...rows.map((r) => r.cells.length));
  const width = LABEL_PX + columns * CELL_PX + 8;
  const rowsHeight = rows.length * ROW_PX + 4;
  // The legend spans the cells' columns (at least a readable width; the svg widens to hold it).
  const legendWidth = Math.max(200, Math.min(LEGEND_MAX_PX, columns * CELL_PX));
  return (
    <svg
      width={Math.max(width, LABEL_PX + legendWidth + 8)}
      height={rowsHeight + COLOUR_RAMP_LEGEND_PX + 8}
      role="img"
      aria-label="Each character's containing-token length and offset, per tokenizer"
      data-testid="tokenizers.chars.chart"
    >
      {rows.map((row, r) => (
        <g
          key={row.id}
          transform={`translate(0, ${r * ROW_PX + 2})`}
          data-testid="tokenizers.chars.row"
          data-tokenizer={row.id}
        >
          <text x={LABEL_PX - 8} y={20} textAnchor="end" className="tlab-chars__label">
            {row.label}
          </text>
          {row.cells.map((cell, i) => {
            const x = LABEL_PX + i * CELL_PX;
            const dark = cell.tokenLength + 2 > longest * 0.75;
            return (
              <g
                key={i}
                transform={`translate(${x}, 0)`}
                data-testid="tokenizers.chars.cell"
                data-token-length={cell.tokenLength}
                data-offset={cell.offsetInToken}
              >
                <title>{`${JSON.stringify(cell.char)}: in a token of ${cell.tokenLength} characters, at offset ${cell.offsetInToken}${cell.splitAcrossTokens ? ' (its bytes are split across tokens)' : ''}`}</title>
                <rect width={CELL_PX} height={28} fill={shade(cell.tokenLength)} className="tlab-chars__cell" />
                <text
                  x={CELL_PX / 2}
                  y={19}
                  textAnchor="middle"
                  className="tlab-chars__char"
                  // Dark text on the light shades in either theme (the shades are data colours, not the theme's).
                  fill={dark ? '#fff' : '#1d1d1f'}
                >
                  {cell.char === ' ' ? '␣' : cell.char}
                </text>
                <text
                  x={CELL_PX / 2}
                  y={40}
                  textAnchor="middle"
                  className="tlab-chars__numbers"
                >{`${cell.tokenLength}·${cell.offsetInToken}`}</text>
                {(i === 0 || row.cells[i - 1].token !== cell.token) && (
                  <line x1={0} x2={0} y1={-1} y2={30} className="tlab-chars__boundary" />
                )}
                {cell.splitAcrossTokens && (
                  <line x1={3} x2={CELL_PX - 3} y1={26} y2={26} className="tlab-chars__split" />
                )}
              </g>
            );
          })}
          {row.cells.length > 0 && (
            <line
              x1={LABEL_PX + row.cells.length * CELL_PX}
              x2={LABEL_PX + row.cells.length * CELL_PX}
              y1={-1}
              y2={30}
              className="tlab-chars__boundary"
            />
          )}
        </g>
      ))}
      <ColourRampLegend
        colourAt={(t) => shade(1 + t * (longest - 1))}
        x={LABEL_PX}
        y={rowsHeight + 4}
        width={legendWidth}
        low="1"
        high={String(longest)}
        meaning="characters in the token"
        testId="tokenizers.chars.legend"
      />
    </svg>
  );
}
