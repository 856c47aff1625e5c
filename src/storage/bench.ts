/**
 * A storage benchmark: fills a repository with realistic experiments and measures median
 * save, list, search and get times. Runs wherever the repository runs (fake-indexeddb in
 * Node, real IndexedDB in a browser); only browser numbers say anything about users.
 */
import { exampleExperiment } from '../core/experiments';
import { toDraft, type ExperimentsRepository } from './experimentsRepository';

export interface BenchOptions {
  /** Experiments to store. */
  count?: number;
  /** Timed list, search and get calls after filling. */
  samples?: number;
  /** Tokens per experiment text. */
  positions?: number;
}

export interface BenchResult {
  count: number;
  /** Median time of one `create` while filling (ms). */
  saveMedianMs: number;
  /** Median time of one `create` with `count` experiments already stored (ms). */
  saveWhenFullMedianMs: number;
  /** Median time of `list()` with `count` experiments stored (ms). */
  listMedianMs: number;
  /** Median time of `list({ search })` (ms). */
  searchMedianMs: number;
  /** Median time of `get` of one full record (ms). */
  getMedianMs: number;
  /** `estimateBytes()` after filling. */
  storedBytes: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(operation: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await operation();
  return performance.now() - start;
}

/**
 * @example
 * const result = await benchmarkRepository(createExperimentsRepository(database.entries, { appVersion }));
 * console.table(result);
 */
export async function benchmarkRepository(
  repository: ExperimentsRepository,
  options: BenchOptions = {},
): Promise<BenchResult> {
  const count = options.count ?? 1_000;
  const samples = options.samples ?? 25;
  const saveTimes: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const draft = toDraft(
      exampleExperiment({
        seed: i + 1,
        positions: options.positions ?? 300,
        name: `Bench ${i}: State of the Union`,
        tags: i % 10 === 0 ? ['bench', 'tenth'] : ['bench'],
      }),
    );
    const start = performance.now();
    const saved = await repository.create(draft);
    saveTimes.push(performance.now() - start);
    ids.push(saved.experiment.id);
  }
  const listTimes: number[] = [];
  const searchTimes: number[] = [];
  const getTimes: number[] = [];
  const saveWhenFullTimes: number[] = [];
  for (let s = 0; s < samples; s++) {
    listTimes.push(await timed(() => repository.list()));
    searchTimes.push(await timed(() => repository.list({ search: 'congress tenth' })));
    getTimes.push(await timed(() => repository.get(ids[(s * 7919) % ids.length])));
  }
  for (let s = 0; s < samples; s++) {
    const draft = toDraft(
      exampleExperiment({ seed: count + s + 1, positions: options.positions ?? 300, name: `Bench extra ${s}` }),
    );
    saveWhenFullTimes.push(await timed(() => repository.create(draft)));
  }
  return {
    count,
    saveMedianMs: median(saveTimes),
    saveWhenFullMedianMs: median(saveWhenFullTimes),
    listMedianMs: median(listTimes),
    searchMedianMs: median(searchTimes),
    getMedianMs: median(getTimes),
    storedBytes: await repository.estimateBytes(),
  };
}
