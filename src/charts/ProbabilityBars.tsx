/**
 * Horizontal probability bars: one per candidate, plus one for everything else (the tail),
 * so the bars always add up to the whole distribution. Props in, callbacks out.
 */
import { scaleLinear } from 'd3';
import { useMemo } from 'react';

export interface ProbabilityBar {
  key: string | number;
  label: string;
  /** In [0, 1]. */
  probability: number;
  /** Shown in a tooltip, e.g. the token id and bytes. */
  detail?: string;
}

export interface ProbabilityBarsProps {
  bars: readonly ProbabilityBar[];
  tailProbability: number;
  tailCount: number;
  /** Pixels. */
  width: number;
  onSelect?: (bar: ProbabilityBar) => void;
}

const ROW_HEIGHT_PX = 24;
const LABEL_WIDTH_PX = 180;
const VALUE_WIDTH_PX = 64;

/** 12.3%, 0.086%, 3.2e-5% */
export function formatProbability(p: number): string {
  const percent = p * 100;
  if (percent === 0) return '0%';
  if (percent >= 1) return `${percent.toFixed(1)}%`;
  if (percent >= 0.001) return `${Number(percent.toPrecision(2))}%`;
  return `${percent.toExponential(1)}%`;
}

export function ProbabilityBars({ bars, tailProbability, tailCount, width, onSelect }: ProbabilityBarsProps) {
  const barSpace = Math.max(40, width - LABEL_WIDTH_PX - VALUE_WIDTH_PX);
  // Scaled to the candidates, so they stay readable when the tail holds most of the mass;
  // a tail longer than the axis is cut and drawn with a broken end.
  const x = useMemo(() => scaleLinear().domain([0, Math.max(...bars.map((b) => b.probability), 1e-12)]).range([0, barSpace]), [bars, barSpace]);
  const rows = [...bars.map((bar) => ({ bar, tail: false })), ...(tailCount > 0 ? [{ bar: { key: 'tail', label: `other ${tailCount.toLocaleString('en-US')} tokens`, probability: tailProbability }, tail: true }] : [])];
  return (
    <svg className="probability-bars" width={width} height={rows.length * ROW_HEIGHT_PX} role="list" aria-label="Next-token probabilities">
      {rows.map(({ bar, tail }, i) => (
        <g
          key={bar.key}
          transform={`translate(0, ${i * ROW_HEIGHT_PX})`}
          role="listitem"
          data-testid={tail ? 'distribution.tail' : 'distribution.bar'}
          data-probability={bar.probability}
          className={tail ? 'bar bar--tail' : 'bar'}
          onClick={!tail && onSelect ? () => onSelect(bar) : undefined}
        >
          <title>{`${bar.label}: ${formatProbability(bar.probability)}${bar.detail ? ` (${bar.detail})` : ''}`}</title>
          <text className="bar__label" x={LABEL_WIDTH_PX - 8} y={ROW_HEIGHT_PX / 2} dominantBaseline="middle" textAnchor="end">
            {bar.label}
          </text>
          <rect className={`bar__fill${x(bar.probability) > barSpace ? ' bar__fill--cut' : ''}`} x={LABEL_WIDTH_PX} y={3} height={ROW_HEIGHT_PX - 6} width={Math.max(1, Math.min(barSpace, x(bar.probability)))} rx={2} />
          <text className="bar__value" x={LABEL_WIDTH_PX + Math.min(barSpace, x(bar.probability)) + 6} y={ROW_HEIGHT_PX / 2} dominantBaseline="middle">
            {formatProbability(bar.probability)}
          </text>
        </g>
      ))}
    </svg>
  );
}
