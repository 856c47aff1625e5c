/**
 * Per-cell statistics of a batch's results: the numbers the table and the charts show
 * (accuracy with a 95% Wilson interval, entropy, distinct completions), the same in the app and
 * in `batch table`.
 */
import type { SamplingSettingsRecord } from './tasks';
import type { SampleResult } from './sampleResult';

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for `successes` of `trials` (Wilson 1927), clamped to [0, 1]; null
 * for no trials. Unlike the normal approximation it stays inside [0, 1] and is not empty at
 * 0 or n successes, which matters for the small samples of a batch cell.
 *
 * @example
 * wilsonInterval(5, 10); // { low: 0.2366, high: 0.7634 } (rounded)
 * wilsonInterval(0, 10); // { low: 0, high: 0.2775 }
 */
export function wilsonInterval(successes: number, trials: number, z = Z95): { low: number; high: number } | null {
  if (!(
    Number.isInteger(trials) &&
    trials >= 0 &&
    Number.isInteger(successes) &&
    successes >= 0 &&
    successes <= trials
  )) {
    throw new RangeError(`wilsonInterval needs integers 0 ≤ successes ≤ trials (got ${successes} of ${trials}).`);
  }
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface CellStatistics {
  samples: number;
  /** Samples whose prompt has expected answers (matched is not null). */
  judged: number;
  /** Judged samples that matched. */
  matched: number;
  /** matched / judged; null when nothing was judged. */
  accuracy: number | null;
  /** 95% Wilson interval of the accuracy; null when nothing was judged. */
  ci95: { low: number; high: number } | null;
  /** Mean over every generated step of every sample (token-weighted); null without steps. */
  meanEntropyBits: number | null;
  /** Mean entropy of the first step: the answer's distribution in a cloze prompt (the ToM study's focus). */
  meanFirstEntropyBits: number | null;
  /** Distinct completion strings (exact text) among the samples. */
  distinctCompletions: number;
  /** Mean number of drawn tokens per sample. */
  meanTokens: number | null;
}

export function cellStatistics(results: readonly SampleResult[]): CellStatistics {
  let judged = 0;
  let matched = 0;
  let steps = 0;
  let entropySum = 0;
  let firsts = 0;
  let firstSum = 0;
  const completions = new Set<string>();
  for (const r of results) {
    if (r.matched !== null) {
      judged++;
      if (r.matched) matched++;
    }
    for (const h of r.entropyBits) entropySum += h;
    steps += r.entropyBits.length;
    if (r.entropyBits.length > 0) {
      firsts++;
      firstSum += r.entropyBits[0];
    }
    completions.add(r.completion);
  }
  return {
    samples: results.length,
    judged,
    matched,
    accuracy: judged > 0 ? matched / judged : null,
    ci95: wilsonInterval(matched, judged),
    meanEntropyBits: steps > 0 ? entropySum / steps : null,
    meanFirstEntropyBits: firsts > 0 ? firstSum / firsts : null,
    distinctCompletions: completions.size,
    meanTokens: results.length > 0 ? steps / results.length : null,
  };
}

export interface TableRow extends CellStatistics {
  cellKey: string;
  modelKey: string;
  settings: SamplingSettingsRecord;
}

/**
 * One row per cell, in the canonical order (by each cell's first task), every prompt and
 * sample of the cell pooled: what `batch table` prints and the app's table shows.
 */
export function batchTable(results: readonly SampleResult[]): TableRow[] {
  const cells = new Map<string, { first: number; results: SampleResult[] }>();
  for (const r of results) {
    const cell = cells.get(r.cellKey);
    if (cell) {
      cell.results.push(r);
      cell.first = Math.min(cell.first, r.task);
    } else cells.set(r.cellKey, { first: r.task, results: [r] });
  }
  return [...cells.entries()]
    .sort((a, b) => a[1].first - b[1].first)
    .map(([key, cell]) => {
      const { modelKey, settings } = cell.results[0];
      return { cellKey: key, modelKey, settings: { ...settings }, ...cellStatistics(cell.results) };
    });
}
