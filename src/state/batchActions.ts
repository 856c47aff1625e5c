/**
 * Batch runs from the page (issue 18): stored batches (storage/batchStore.ts; the worker writes
 * each result there as it finishes), run / pause / resume / cancel through the worker's
 * `batchRun`, results on screen, exports and imports. Module-level, as the other actions.
 *
 * Status: the page sets it (running when it starts a run, paused or cancelled before it aborts
 * the request, done when the run ends). A page closed or crashed mid-run leaves `running` on
 * the record: such a batch, and a paused one, offers Resume, which skips the stored results.
 */
import { batchTable, type SampleResult } from '../core/batch/results';
import { type BatchDefinition } from '../core/batch/definition';
import type { BatchRunParams } from '../protocol/batch';
import { memoryBatchStore, openBatchStore, type BatchStatus, type BatchStore } from '../storage/batchStore';
import { EngineCallError, WorkerRestartedError } from '../worker/client';
import { engineClient } from './engineClient';
import { useBatches, type ShownResults } from './batchState';
import { useSession } from './sessionStore';
import { listEntries } from './batchListing';
import { messageOf } from '../core/messageOf';

const set = useBatches.setState;
const get = useBatches.getState;

let storePromise: Promise<BatchStore> | null = null;
let controller: AbortController | null = null;
/** How often finished samples are added to the results on screen while a batch runs. */
const SHOW_EVERY_MS = 250;

/** The batch store: IndexedDB, or memory (with the reason shown) where it cannot be opened. */
export function batchStore(): Promise<BatchStore> {
  storePromise ??= (async () => {
    if (typeof indexedDB === 'undefined') {
      set({
        memoryOnlyReason:
          'This browser offers no IndexedDB here (a private window?): batches last only until the page is closed.',
      });
      return memoryBatchStore();
    }
    const store = openBatchStore();
    try {
      await store.listBatches();
      return store;
    } catch (error) {
      set({
        memoryOnlyReason: `Batches cannot be stored in this browser (${messageOf(error)}): they last only until the page is closed.`,
      });
      return memoryBatchStore();
    }
  })();
  return storePromise;
}

export function report(error: unknown): void {
  set({ notice: { kind: 'error', text: messageOf(error) } });
}

export async function refreshBatches(): Promise<void> {
  set({ listStatus: 'loading' });
  try {
    set({ list: await listEntries(await batchStore()), listStatus: 'ready' });
  } catch (error) {
    set({ listStatus: 'error' });
    report(error);
  }
}

/** Stores a new batch for the definition and runs it. */
export async function startNewBatch(definition: BatchDefinition, name = definition.name): Promise<void> {
  if (get().running)
    return report(new Error(`"${get().running!.name}" is running: pause or cancel it before starting another batch.`));
  const now = new Date().toISOString();
  const id = `batch-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await (
      await batchStore()
    ).putBatch({ id, name, definition: { ...definition, name }, createdAt: now, updatedAt: now, status: 'paused' });
  } catch (error) {
    return report(error);
  }
  await runStoredBatch(id);
}

/** The picked folder's files when the loaded model is a folder (a batch's folder model needs them). */
function folderFiles(): BatchRunParams['folders'] {
  const source = useSession.getState().selection?.source;
  return source?.kind === 'folder' ? [{ name: source.name, files: source.files }] : [];
}

/** Runs (or resumes) a stored batch: the tasks without a stored result. */
export async function runStoredBatch(id: string): Promise<void> {
  if (get().running) return report(new Error(`"${get().running!.name}" is running: pause or cancel it first.`));
  const store = await batchStore();
  const batch = await store.getBatch(id);
  if (!batch) return report(new Error('That batch is no longer stored (deleted in another tab?).'));
  const current = new AbortController();
  controller = current;
  set({ running: { id, name: batch.name, progress: null, stopping: null }, notice: null });
  const memoryOnly = get().memoryOnlyReason !== null;
  // Finished samples join the table on screen in bunches: recomputing it per sample is quadratic in a long batch.
  let arrived: SampleResult[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    flushTimer = null;
    const fresh = arrived;
    arrived = [];
    set((s) => {
      if (s.shown?.id !== id) return {};
      // The batch reopened meanwhile may already hold some of them (read back from the store).
      const known = new Set(s.shown.results.map((r) => r.task));
      const added = fresh.filter((r) => !known.has(r.task));
      return added.length > 0 ? { shown: { ...s.shown, results: [...s.shown.results, ...added] } } : {};
    });
  };
  try {
    await store.setStatus(id, 'running');
    await Promise.all([openBatch(id), refreshBatches()]);
    const { settings } = useSession.getState();
    const summary = await engineClient().call(
      'batchRun',
      {
        batchId: id,
        definition: batch.definition,
        backend: settings.backend,
        hubHost: settings.hubUrl,
        folders: folderFiles(),
      },
      {
        signal: current.signal,
        onProgress: (progress) => {
          const { result, ...rest } = progress;
          set((s) => ({ running: s.running && { ...s.running, progress: rest } }));
          if (!result) return;
          if (memoryOnly) void store.putResult(id, `${result.promptId}|${result.cellKey}|s=${result.sample}`, result);
          arrived.push(result);
          flushTimer ??= setTimeout(flush, SHOW_EVERY_MS);
        },
      },
    );
    await store.setStatus(id, 'done');
    set({
      notice: {
        kind: 'info',
        text: `"${batch.name}" is done: ${summary.tasks} samples (${summary.ran} run now, ${summary.skipped} stored before).`,
      },
    });
  } catch (error) {
    const stopping = get().running?.stopping ?? null;
    if (error instanceof EngineCallError && error.code === 'cancelled' && stopping) {
      set({
        notice: {
          kind: 'info',
          text:
            stopping === 'pause'
              ? `"${batch.name}" is paused: Resume goes on from the stored results.`
              : `"${batch.name}" is cancelled; its stored results are kept.`,
        },
      });
    } else if (error instanceof WorkerRestartedError) {
      set({
        notice: {
          kind: 'error',
          text: `${error.message} "${batch.name}" stopped with its finished samples stored: press Resume to go on.`,
        },
      });
    } else {
      await store.setStatus(id, 'paused').catch(() => undefined);
      report(error);
    }
  } finally {
    if (flushTimer !== null) clearTimeout(flushTimer);
    if (controller === current) controller = null;
    set({ running: null });
    await refreshBatches();
    if (get().shown?.id === id) await openBatch(id);
  }
}

async function stop(how: 'pause' | 'cancel', status: BatchStatus): Promise<void> {
  const running = get().running;
  if (!running || !controller) return;
  set({ running: { ...running, stopping: how } });
  try {
    await (await batchStore()).setStatus(running.id, status);
  } finally {
    controller.abort();
  }
}

/** Stops the run; Resume goes on from the stored results. */
export const pauseBatch = () => stop('pause', 'paused');
/** Stops the run for good (its results stay viewable; Re-run starts it again as a new batch). */
export const cancelBatch = () => stop('cancel', 'cancelled');

/** Shows a stored batch's results. */
export async function openBatch(id: string): Promise<void> {
  try {
    const store = await batchStore();
    const batch = await store.getBatch(id);
    if (!batch) throw new Error('That batch is no longer stored (deleted in another tab?).');
    set({ shown: { id, name: batch.name, definition: batch.definition, results: await store.results(id) } });
  } catch (error) {
    report(error);
  }
}

export function showImported(): void {
  const imported = get().imported;
  if (imported) set({ shown: imported });
}

/** Deletes a batch and its results (the view asks for confirmation first). */
export async function deleteBatch(id: string): Promise<void> {
  if (get().running?.id === id)
    return report(new Error('This batch is running: pause or cancel it before deleting it.'));
  try {
    await (await batchStore()).deleteBatch(id);
    set((s) => ({
      shown: s.shown?.id === id ? null : s.shown,
      picked: s.picked.filter((p) => p !== id),
      comparison: null,
    }));
    await refreshBatches();
  } catch (error) {
    report(error);
  }
}

/** Runs a stored batch's definition again as a new batch. */
export async function rerunBatch(id: string): Promise<void> {
  const batch = await (await batchStore()).getBatch(id);
  if (!batch) return report(new Error('That batch is no longer stored (deleted in another tab?).'));
  await startNewBatch(batch.definition, `${batch.name.replace(/ \(re-run\)$/, '')} (re-run)`);
}

export function togglePicked(id: string): void {
  set((s) => ({
    picked: s.picked.includes(id) ? s.picked.filter((p) => p !== id) : [...s.picked, id].slice(-2),
    comparison: null,
  }));
}

async function resultsOf(id: string): Promise<ShownResults> {
  const { imported } = get();
  if (id === imported?.id) return imported;
  const store = await batchStore();
  const batch = await store.getBatch(id);
  if (!batch) throw new Error('A picked batch is no longer stored.');
  return { id, name: batch.name, definition: batch.definition, results: await store.results(id) };
}

/** The two picked batches side by side, cell by cell. */
export async function comparePicked(): Promise<void> {
  const [a, b] = get().picked;
  if (!a || !b) return report(new Error('Tick two batches to compare.'));
  try {
    const [ra, rb] = await Promise.all([resultsOf(a), resultsOf(b)]);
    set({
      comparison: {
        a: { name: ra.name, rows: batchTable(ra.results) },
        b: { name: rb.name, rows: batchTable(rb.results) },
      },
    });
  } catch (error) {
    report(error);
  }
}

export function closeComparison(): void {
  set({ comparison: null });
}

export function dismissBatchNotice(): void {
  set({ notice: null });
}
