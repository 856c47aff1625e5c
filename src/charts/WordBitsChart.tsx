/**
 * Two models on one text: bits per byte of each word, two bars per word (model A, model B),
 * words in text order, scrolling sideways. Props in, nothing out.
 */
import { scaleLinear } from 'd3';
import { seriesColour } from './ParityChart';

export interface WordBitsBar {
  text: string;
  bitsPerByteA: number;
  bitsPerByteB: number;
  /** Drawn with an outline: among the largest disagreements. */
  marked: boolean;
}

export interface WordBitsChartProps {
  words: readonly WordBitsBar[];
  labelA: string;
  labelB: string;
  height: number;
}

const BAR_PX = 7;
const WORD_PX = 2 * BAR_PX + 8;
const LEFT_PX = 34;
const BOTTOM_PX = 58;
const TOP_PX = 8;

export function WordBitsChart({ words, labelA, labelB, height }: WordBitsChartProps) {
  const max = Math.max(1, ...words.flatMap((w) => [w.bitsPerByteA, w.bitsPerByteB]));
  const y = scaleLinear()
    .domain([0, max])
    .range([height - BOTTOM_PX, TOP_PX])
    .nice();
  const width = LEFT_PX + words.length * WORD_PX + 8;
  const base = y(0);
  return (
    <figure className="tlab-words-chart" data-testid="tokenizers.models.chart">
      <div className="tlab-chars__scroll">
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`Bits per byte of each word, ${labelA} and ${labelB}`}
        >
          {y.ticks(4).map((t) => (
            <g key={t} transform={`translate(0, ${y(t)})`}>
              <line x1={LEFT_PX - 3} x2={width} className="tlab-parity-chart__grid" />
              <text x={LEFT_PX - 5} y={3} textAnchor="end" className="tlab-parity-chart__tick">
                {t}
              </text>
            </g>
          ))}
          {words.map((word, i) => {
            const x = LEFT_PX + i * WORD_PX;
            return (
              <g key={i} data-testid="tokenizers.models.word">
                <title>{`${word.text}: ${labelA} ${word.bitsPerByteA.toFixed(2)}, ${labelB} ${word.bitsPerByteB.toFixed(2)} bits/byte`}</title>
                <rect
                  x={x}
                  y={y(word.bitsPerByteA)}
                  width={BAR_PX}
                  height={base - y(word.bitsPerByteA)}
                  fill={seriesColour(0)}
                />
                <rect
                  x={x + BAR_PX}
                  y={y(word.bitsPerByteB)}
                  width={BAR_PX}
                  height={base - y(word.bitsPerByteB)}
                  fill={seriesColour(1)}
                />
                {word.marked && (
                  <rect
                    x={x - 1}
                    y={TOP_PX}
                    width={2 * BAR_PX + 2}
                    height={base - TOP_PX}
                    className="tlab-words-chart__mark"
                  />
                )}
                <text
                  transform={`translate(${x + BAR_PX}, ${base + 6}) rotate(60)`}
                  className="tlab-parity-chart__label"
                >
                  {word.text.length > 10 ? `${word.text.slice(0, 9)}…` : word.text}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="legend">
        <span>
          <span className="legend__swatch" style={{ background: seriesColour(0) }} /> {labelA}
        </span>
        <span>
          <span className="legend__swatch" style={{ background: seriesColour(1) }} /> {labelB}
        </span>
        <span>bits per byte of each word (outlined: largest disagreements)</span>
      </figcaption>
    </figure>
  );
}
