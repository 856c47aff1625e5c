/**
 * Rank against key similarity for one next-token distribution (docs/PAPERS.md section 1): each of
 * the top-N candidates at x = its rank (log scale), y = keySim, the highest cosine between its
 * key and a top-K key. Candidates beyond the top K above the threshold are the look-alikes
 * whose rank may come from their key resembling a top key. Props in, callbacks out.
 */
import { BottomAxis } from './BottomAxis';
import { selectableMarkProps } from './selectableMark';
import { scaleLinear, scaleLog } from 'd3';
import { useMemo } from 'react';

export interface RankKeySimPoint {
  tokenId: number;
  /** 1-based rank by logit. */
  rank: number;
  /** Cosine in [-1, 1]; NaN when undefined (rank 1 with K = 1). */
  keySim: number;
  /** Shown in the point's tooltip, e.g. `#13 " Korea" · p 1.3% · keySim 0.72 (to #6 " Japan")`. */
  description: string;
}

export interface RankKeySimChartProps {
  points: readonly RankKeySimPoint[];
  /** Ranks 1..topK are the top keys. */
  topK: number;
  /** keySim at or above this marks a look-alike. */
  threshold: number;
  /** Median cosine between random key pairs, drawn as a reference line. */
  baseline: number;
  /** Pixels. */
  width: number;
  height?: number;
  onSelect?: (tokenId: number) => void;
}

const MARGIN = { top: 12, right: 16, bottom: 34, left: 46 };

export type PointKind = 'top' | 'look-alike' | 'other';

export function pointKind(point: Pick<RankKeySimPoint, 'rank' | 'keySim'>, topK: number, threshold: number): PointKind {
  if (point.rank <= topK) return 'top';
  return point.keySim >= threshold ? 'look-alike' : 'other';
}

export function RankKeySimChart({
  points,
  topK,
  threshold,
  baseline,
  width,
  height = 260,
  onSelect,
}: RankKeySimChartProps) {
  const maxRank = Math.max(2, ...points.map((p) => p.rank));
  const x = useMemo(
    () =>
      scaleLog()
        .domain([1, maxRank])
        .range([MARGIN.left, width - MARGIN.right]),
    [maxRank, width],
  );
  const finite = points.map((p) => p.keySim).filter(Number.isFinite);
  const yMin = Math.min(0, baseline, ...finite);
  const y = useMemo(
    () =>
      scaleLinear()
        .domain([yMin, 1])
        .range([height - MARGIN.bottom, MARGIN.top])
        .nice(),
    [yMin, height],
  );
  const xTicks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t <= maxRank);
  return (
    <svg
      className="rank-keysim"
      width={width}
      height={height}
      role="group"
      aria-label={`Rank against key similarity to the top ${topK} keys`}
      data-testid="keyspace.keysim.chart"
    >
      {y.ticks(5).map((t) => (
        <g key={t} transform={`translate(0, ${y(t)})`}>
          <line x1={MARGIN.left} x2={width - MARGIN.right} className="chart__grid" />
          <text x={MARGIN.left - 6} dominantBaseline="middle" textAnchor="end" className="chart__tick">
            {t.toFixed(1)}
          </text>
        </g>
      ))}
      <BottomAxis
        ticks={xTicks}
        at={x}
        left={MARGIN.left}
        right={width - MARGIN.right}
        height={height}
        bottomMargin={MARGIN.bottom}
        label="rank by logit (log scale)"
      />
      <text
        transform={`translate(12, ${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(-90)`}
        textAnchor="middle"
        className="chart__axis-label"
      >
        keySim
      </text>
      <line
        x1={x(topK + 0.5)}
        x2={x(topK + 0.5)}
        y1={MARGIN.top}
        y2={height - MARGIN.bottom}
        className="rank-keysim__topk"
      />
      <line
        x1={MARGIN.left}
        x2={width - MARGIN.right}
        y1={y(threshold)}
        y2={y(threshold)}
        className="rank-keysim__threshold"
      />
      <text x={width - MARGIN.right} y={y(threshold) - 4} textAnchor="end" className="chart__tick">
        look-alike ≥ {threshold.toFixed(2)}
      </text>
      <line
        x1={MARGIN.left}
        x2={width - MARGIN.right}
        y1={y(baseline)}
        y2={y(baseline)}
        className="rank-keysim__baseline"
      />
      <text x={width - MARGIN.right} y={y(baseline) + 12} textAnchor="end" className="chart__tick">
        median of random key pairs
      </text>
      {points
        .filter((p) => Number.isFinite(p.keySim))
        .map((p) => {
          const kind = pointKind(p, topK, threshold);
          return (
            <g
              key={p.tokenId}
              transform={`translate(${x(p.rank)}, ${y(p.keySim)})`}
              className={`rank-keysim__point rank-keysim__point--${kind}`}
              data-testid="keyspace.keysim.point"
              data-token-id={p.tokenId}
              data-rank={p.rank}
              data-kind={kind}
              aria-label={p.description}
              {...selectableMarkProps(onSelect, p.tokenId)}
            >
              <title>{p.description}</title>
              {kind === 'top' ? <rect x={-4.5} y={-4.5} width={9} height={9} /> : <circle r={4.5} />}
            </g>
          );
        })}
    </svg>
  );
}
