/** The stored batches with how far each got (results stored of tasks). */
import { taskCount } from '../core/batch/tasks';
import type { BatchStore } from '../storage/batchStore';
import type { BatchListEntry } from './batchState';

export async function listEntries(store: BatchStore): Promise<BatchListEntry[]> {
  const batches = await store.listBatches();
  const counts = await Promise.all(batches.map((b) => store.countResults(b.id)));
  return batches.map((b, i) => ({ ...b, stored: counts[i], tasks: taskCount(b.definition) }));
}
