/**
 * Batch runs (issue 18) in IndexedDB: a database of their own ('tokenscope-batches'; never the
 * experiments database), opened by the page (list, status, table, delete) and by the worker
 * (each result written as its sample finishes, so a reload or a crash loses nothing).
 *
 * Stores:
 * - `batches`: one record per batch, keyed by `id` (not the definition's batchId: the same
 *   definition re-run is a second batch), with its definition and status.
 * - `results`: one SampleResult per task, keyed by [batch record id, task key]
 *   (core/batch/definition.ts BatchTask.key), so a batch's results are one key range.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { BatchDefinition } from '../core/batch/definition';
import type { SampleResult } from '../core/batch/results';
import { isQuotaExceeded, StorageError } from './errors';

export const BATCH_DATABASE_NAME = 'tokenscope-batches';
const BATCHES = 'batches';
const RESULTS = 'results';

/** `running` also stays on a batch whose page was closed or crashed mid-run: it is then resumable. */
export type BatchStatus = 'running' | 'paused' | 'done' | 'cancelled';

export interface StoredBatch {
  id: string;
  name: string;
  definition: BatchDefinition;
  createdAt: string;
  updatedAt: string;
  status: BatchStatus;
}

export interface StoredResult {
  batchId: string;
  /** The task's key (`<promptId>|<cellKey>|s=<sample>`). */
  key: string;
  result: SampleResult;
}

interface BatchSchema extends DBSchema {
  [BATCHES]: { key: string; value: StoredBatch };
  [RESULTS]: { key: [string, string]; value: StoredResult };
}

export interface BatchStore {
  /** Every batch, newest first. */
  listBatches(): Promise<StoredBatch[]>;
  getBatch(id: string): Promise<StoredBatch | undefined>;
  putBatch(batch: StoredBatch): Promise<void>;
  /** Sets the status (and updatedAt); returns the updated record. */
  setStatus(id: string, status: BatchStatus): Promise<StoredBatch>;
  /** One finished sample; a task stored twice keeps the last. */
  putResult(batchId: string, key: string, result: SampleResult): Promise<void>;
  /** A batch's results in the canonical order (by task). */
  results(batchId: string): Promise<SampleResult[]>;
  /** The task keys a batch has results for (what a resumed run skips). */
  doneKeys(batchId: string): Promise<Set<string>>;
  countResults(batchId: string): Promise<number>;
  /** The batch and every result of it. */
  deleteBatch(id: string): Promise<void>;
  close(): void;
}

/** The one sentence for a full disk. */
export const BATCH_STORAGE_FULL_MESSAGE =
  "The browser's storage for this site is full, so the batch's results cannot be stored: export what you need, delete old batches, then resume.";

/** Quota errors become the sentence above; anything else passes unchanged. */
function quotaToSentence(error: unknown, transactionError: unknown = null): unknown {
  return isQuotaExceeded(error) || isQuotaExceeded(transactionError)
    ? new StorageError('storage-full', BATCH_STORAGE_FULL_MESSAGE)
    : error;
}

type Writable = typeof BATCHES | typeof RESULTS;

/**
 * One read-write transaction, awaited to its commit. A full disk may fail the request
 * (QuotaExceededError) or only abort the transaction (the request then fails with AbortError
 * and the transaction's error is the quota one): both become the sentence above.
 */
async function write<T>(
  database: IDBPDatabase<BatchSchema>,
  stores: Writable[],
  work: (tx: IDBPTransaction<BatchSchema, Writable[], 'readwrite'>) => Promise<T>,
): Promise<T> {
  let tx: IDBPTransaction<BatchSchema, Writable[], 'readwrite'> | null = null;
  try {
    tx = database.transaction(stores, 'readwrite');
    const [value] = await Promise.all([work(tx), tx.done]);
    return value;
  } catch (error) {
    let transactionError: unknown = null;
    try {
      transactionError = tx?.error ?? null;
    } catch {
      // Reading error before the transaction finished throws InvalidStateError in some engines.
    }
    throw quotaToSentence(error, transactionError);
  }
}

const byTask = (a: SampleResult, b: SampleResult) => a.task - b.task;
const newestFirst = (a: StoredBatch, b: StoredBatch) =>
  b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
/** Every [id, key] with this id: a string key sorts before any array, and every string before []. */
const rangeOf = (id: string) => IDBKeyRange.bound([id], [id, []]);

function notFound(id: string): StorageError {
  return new StorageError('not-found', `Batch ${id} does not exist (it may have been deleted in another tab).`);
}

export function openBatchStore(name = BATCH_DATABASE_NAME): BatchStore {
  let opened: Promise<IDBPDatabase<BatchSchema>> | null = null;
  const db = () => {
    opened ??= openDB<BatchSchema>(name, 1, {
      upgrade(database) {
        database.createObjectStore(BATCHES, { keyPath: 'id' });
        database.createObjectStore(RESULTS, { keyPath: ['batchId', 'key'] });
      },
      // Another tab upgrading later: step aside, reopen on next use.
      blocking() {
        void opened?.then((d) => d.close());
        opened = null;
      },
    });
    return opened;
  };
  return {
    listBatches: async () => (await (await db()).getAll(BATCHES)).sort(newestFirst),
    getBatch: async (id) => (await db()).get(BATCHES, id),
    putBatch: async (batch) =>
      write(await db(), [BATCHES], async (tx) => {
        await tx.objectStore(BATCHES).put(batch);
      }),
    setStatus: async (id, status) =>
      write(await db(), [BATCHES], async (tx) => {
        const store = tx.objectStore(BATCHES);
        const batch = await store.get(id);
        if (!batch) throw notFound(id);
        const updated = { ...batch, status, updatedAt: new Date().toISOString() };
        await store.put(updated);
        return updated;
      }),
    putResult: async (batchId, key, result) =>
      write(await db(), [RESULTS], async (tx) => {
        await tx.objectStore(RESULTS).put({ batchId, key, result });
      }),
    results: async (batchId) =>
      (await (await db()).getAll(RESULTS, rangeOf(batchId))).map((r) => r.result).sort(byTask),
    doneKeys: async (batchId) =>
      new Set((await (await db()).getAllKeys(RESULTS, rangeOf(batchId))).map((key) => key[1])),
    countResults: async (batchId) => (await db()).count(RESULTS, rangeOf(batchId)),
    deleteBatch: async (id) =>
      write(await db(), [BATCHES, RESULTS], async (tx) => {
        await Promise.all([tx.objectStore(BATCHES).delete(id), tx.objectStore(RESULTS).delete(rangeOf(id))]);
      }),
    close: () => {
      void opened?.then((d) => d.close());
      opened = null;
    },
  };
}

/** Where IndexedDB cannot be opened (some private windows): kept as long as the page (or worker). */
export function memoryBatchStore(): BatchStore {
  const batches = new Map<string, StoredBatch>();
  const results = new Map<string, Map<string, SampleResult>>();
  const of = (id: string) => results.get(id) ?? new Map<string, SampleResult>();
  return {
    listBatches: async () => [...batches.values()].map((b) => structuredClone(b)).sort(newestFirst),
    getBatch: async (id) => structuredClone(batches.get(id)),
    putBatch: async (batch) => {
      batches.set(batch.id, structuredClone(batch));
    },
    setStatus: async (id, status) => {
      const batch = batches.get(id);
      if (!batch) throw notFound(id);
      const updated = { ...batch, status, updatedAt: new Date().toISOString() };
      batches.set(id, updated);
      return structuredClone(updated);
    },
    putResult: async (batchId, key, result) => {
      results.set(batchId, of(batchId).set(key, structuredClone(result)));
    },
    results: async (batchId) => [...of(batchId).values()].map((r) => structuredClone(r)).sort(byTask),
    doneKeys: async (batchId) => new Set(of(batchId).keys()),
    countResults: async (batchId) => of(batchId).size,
    deleteBatch: async (id) => {
      batches.delete(id);
      results.delete(id);
    },
    close: () => {},
  };
}
