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
}
