/** Small statistics for the benchmark: medians of repeated runs. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `measure` `warmups + runs` times and returns the last `runs` results. */
export async function repeat(runs: number, measure: () => Promise<number>, warmups = 0): Promise<number[]> {
  const results: number[] = [];
  for (let i = 0; i < warmups + runs; i++) {
    const value = await measure();
    if (i >= warmups) results.push(value);
  }
  return results;
}

export interface Figure {
  /** What was measured, as the tables in docs/BENCHMARKS.md name it. */
  name: string;
  /** Where: `Chromium WASM (2 threads)` or `Node CLI (onnxruntime-node)`. */
  backend: string;
  unit: 'ms' | 'µs' | 'tokens/s' | 'MB' | 'x';
  median: number;
  runs: number[];
  /**
   * The same work done by bare transformers.js in the same browser (tools/bench/baseline/), its
   * runs alternated with the app's. Absent from older files and from figures without a baseline.
   */
  baseline?: { median: number; runs: number[] };
  /** How many times longer the app takes than the baseline (timeRatio): above 1, the app is slower. */
  ratio?: number;
}

/**
 * App over baseline as a ratio of times: app / baseline for times, baseline / app for rates
 * (tokens/s), so that above 1 always means the app takes longer for the same work.
 */
export function timeRatio(unit: Figure['unit'], app: number, baseline: number): number {
  return unit === 'tokens/s' ? baseline / app : app / baseline;
}

/** `figure` with the baseline's runs beside it and the ratio of the two medians. */
export function withBaseline(figure: Figure, baselineRuns: number[]): Figure {
  const baseline = median(baselineRuns);
  return {
    ...figure,
    baseline: { median: baseline, runs: baselineRuns },
    ratio: timeRatio(figure.unit, figure.median, baseline),
  };
}

/**
 * Runs `a` and `b` `runs` times each, alternated A B B A A B B A …, after `warmups` of each
 * (A B, not kept), so a load that comes and goes falls on both alike. Returns each one's results.
 */
export async function alternate(
  runs: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
  warmups = 0,
): Promise<{ a: number[]; b: number[] }> {
  for (let i = 0; i < warmups; i++) {
    await a();
    await b();
  }
  const results = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      results.a.push(await a());
      results.b.push(await b());
    } else {
      results.b.push(await b());
      results.a.push(await a());
    }
  }
  return results;
}
