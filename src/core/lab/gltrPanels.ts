/**
 * GLTR's three histograms over a scored text (docs/PAPERS.md section 6): how many tokens fall in
 * each rank bucket, Frac(p) in 10 bins on [0, 1], and the top-10 entropy in 8 bins; plus a
 * histogram of whichever metric colours the text.
 */
import { bin } from 'd3';
import { gltrBucket } from '../distribution';
import type { PositionMetrics } from './positionMetrics';
import { metricValue, type ColourMetric } from './tokenColours';

export interface HistogramBin {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge (inclusive for the last bin). */
  to: number;
  count: number;
}

/** Counts of tokens per GLTR bucket: thresholds.length + 1 entries. */
export function rankBucketCounts(positions: readonly PositionMetrics[], thresholds: readonly number[]): number[] {
  const counts = new Array<number>(thresholds.length + 1).fill(0);
  for (const p of positions) counts[gltrBucket(p.rank, thresholds)]++;
  return counts;
}

/** Equal-width bins on [from, to]; values outside are clamped into the end bins. */
export function histogram(values: readonly number[], from: number, to: number, binCount: number): HistogramBin[] {
  const width = (to - from) / binCount;
  const edges = Array.from({ length: binCount - 1 }, (_, i) => from + (i + 1) * width);
  const clamped = values.map((v) => Math.min(to, Math.max(from, v)));
  return bin()
    .domain([from, to])
    .thresholds(edges)(clamped)
    .map((b) => ({ from: b.x0!, to: b.x1!, count: b.length }));
}

/** GLTR's Frac(p) panel: 10 bins on [0, 1]. */
export function relativeToTopHistogram(positions: readonly PositionMetrics[]): HistogramBin[] {
  return histogram(
    positions.map((p) => p.probabilityRelativeToTop),
    0,
    1,
    10,
  );
}

/** GLTR's entropy panel: the top-10 entropy (nats, at most ln 10) in 8 bins. */
export function top10EntropyHistogram(positions: readonly PositionMetrics[]): HistogramBin[] {
  return histogram(
    positions.map((p) => p.top10EntropyNats),
    0,
    Math.log(10),
    8,
  );
}

/** A histogram of the colouring metric, 12 bins over the values' range (buckets for `rank`). */
export function metricHistogram(
  positions: readonly PositionMetrics[],
  metric: ColourMetric,
  thresholds: readonly number[],
): HistogramBin[] {
  if (metric === 'rank')
    return rankBucketCounts(positions, thresholds).map((count, i) => ({ from: i, to: i + 1, count }));
  const values = positions.map((p) => metricValue(p, metric, thresholds)).filter(Number.isFinite);
  if (metric === 'probability' || metric === 'relativeToTop') return histogram(values, 0, 1, 10);
  const top = Math.max(1, Math.ceil(Math.max(0, ...values)));
  return histogram(values, 0, top, 12);
}
