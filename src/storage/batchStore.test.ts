/**
 * The batch store on fake-indexeddb (and its memory twin): records and results by
 * [batch, task key], read back in task order, kept apart per batch, deleted together; a full
 * disk becomes one sentence; and a second connection (the worker's) sees the page's writes.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseBatchDefinition } from '../core/batch/definition';
import { batchTasks } from '../core/batch/tasks';
import type { SampleResult } from '../core/batch/results';
import {
  BATCH_STORAGE_FULL_MESSAGE,
  memoryBatchStore,
  openBatchStore,
  type BatchStore,
  type StoredBatch,
} from './batchStore';
import { DATABASE_NAME } from './database';
import { StorageError } from './errors';

let counter = 0;
const freshName = () => `tokenscope-batches-test-${process.pid}-${++counter}`;

const definition = parseBatchDefinition({
  name: 'two prompts',
  seed: 7,
  prompts: [
    { id: 'a', prompt: 'A is', expected: ['x'] },
    { id: 'b', prompt: 'B is' },
  ],
  models: [{ id: 'sotu-gpt', source: { kind: 'embedded' } }],
  grid: { temperature: [0.5, 1], maxNewTokens: 2 },
  samplesPerCell: 2,
});
const tasks = batchTasks(definition);

function batch(id: string, createdAt = '2025-01-01T00:00:00.000Z'): StoredBatch {
  return { id, name: `batch ${id}`, definition, createdAt, updatedAt: createdAt, status: 'running' };
}

function result(index: number): SampleResult {
  const task = tasks[index];
  return {
    batch: '0123456789abcdef',
    task: task.index,
    promptId: task.promptId,
    modelKey: task.modelKey,
    cellKey: task.cellKey,
    sample: task.sample,
    seed: task.seed,
    settings: { temperature: 1, topK: 0, topP: 1, minP: 0 },
    completion: ` x${index}`,
    tokenIds: [index],
    logProbs: [-0.5],
    entropyBits: [1.25],
    stoppedBy: 'max-tokens',
    matched: null,
  };
}

const stores: BatchStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function contract(name: string, create: () => BatchStore) {
  describe(name, () => {
    it('keeps batches newest first and updates the status', async () => {
      const store = create();
      await store.putBatch(batch('old', '2025-01-01T00:00:00.000Z'));
      await store.putBatch(batch('new', '2025-02-01T00:00:00.000Z'));
      expect((await store.listBatches()).map((b) => b.id)).toEqual(['new', 'old']);
      const paused = await store.setStatus('old', 'paused');
      expect(paused.status).toBe('paused');
      expect(paused.updatedAt > paused.createdAt).toBe(true);
      expect((await store.getBatch('old'))?.status).toBe('paused');
      expect((await store.getBatch('old'))?.definition).toEqual(definition);
      await expect(store.setStatus('gone', 'done')).rejects.toThrow(/Batch gone does not exist/);
    });

    it('stores results one by one, reads them back in task order, per batch', async () => {
      const store = create();
      await store.putBatch(batch('one'));
      await store.putBatch(batch('two'));
      // Written out of order (a resumed run) and one written twice.
      for (const i of [3, 0, 5, 1, 3]) await store.putResult('one', tasks[i].key, result(i));
      await store.putResult('two', tasks[2].key, result(2));
      expect((await store.results('one')).map((r) => r.task)).toEqual([0, 1, 3, 5]);
      expect(await store.doneKeys('one')).toEqual(new Set([0, 1, 3, 5].map((i) => tasks[i].key)));
      expect(await store.countResults('one')).toBe(4);
      expect((await store.results('two')).map((r) => r.task)).toEqual([2]);
      expect(await store.results('none')).toEqual([]);
      expect((await store.results('one'))[0]).toEqual(result(0));
    });

    it('deletes a batch with its results, and nothing of another', async () => {
      const store = create();
      await store.putBatch(batch('one'));
      await store.putBatch(batch('two'));
      await store.putResult('one', tasks[0].key, result(0));
      await store.putResult('two', tasks[1].key, result(1));
      await store.deleteBatch('one');
      expect(await store.getBatch('one')).toBeUndefined();
      expect(await store.countResults('one')).toBe(0);
      expect((await store.results('two')).map((r) => r.task)).toEqual([1]);
      expect((await store.listBatches()).map((b) => b.id)).toEqual(['two']);
    });
  });
}

contract('batch store (IndexedDB)', () => {
  const store = openBatchStore(freshName());
  stores.push(store);
  return store;
});
contract('batch store (memory)', memoryBatchStore);

describe('batch store (IndexedDB only)', () => {
  it('is a database of its own: the experiments database is never created', async () => {
    const name = freshName();
    const store = openBatchStore(name);
    stores.push(store);
    await store.putBatch(batch('x'));
    const databases = (await indexedDB.databases()).map((d) => d.name);
    expect(databases).toContain(name);
    expect(databases).not.toContain(DATABASE_NAME);
    const raw = await openDB(name);
    expect([...raw.objectStoreNames].sort()).toEqual(['batches', 'results']);
    raw.close();
  });

  it('shares what one connection (the worker) writes with another (the page)', async () => {
    const name = freshName();
    const worker = openBatchStore(name);
    const page = openBatchStore(name);
    stores.push(worker, page);
    await page.putBatch(batch('shared'));
    await worker.putResult('shared', tasks[4].key, result(4));
    expect((await page.results('shared')).map((r) => r.task)).toEqual([4]);
  });

  it('turns a full disk into one sentence and keeps what was stored', async () => {
    const store = openBatchStore(freshName());
    stores.push(store);
    await store.putBatch(batch('full'));
    await store.putResult('full', tasks[0].key, result(0));
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    try {
      const failure = store.putResult('full', tasks[1].key, result(1));
      await expect(failure).rejects.toThrow(StorageError);
      await expect(failure).rejects.toThrow(BATCH_STORAGE_FULL_MESSAGE);
    } finally {
      put.mockRestore();
    }
    expect((await store.results('full')).map((r) => r.task)).toEqual([0]);
  });
});
