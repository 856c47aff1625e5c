/**
 * The worker's batch service on a fake engine and the memory batch store: each result is
 * stored before its progress; a run paused in the middle and run again skips what is stored
 * and ends with the results of an uninterrupted run; one batch at a time; a folder model that
 * is not at hand and a full disk are one sentence each.
 */
import { describe, expect, it } from 'vitest';
import { parseBatchDefinition } from '../core/batch/definition';
import { batchTasks } from '../core/batch/tasks';
import { resultLine, type SampleResult } from '../core/batch/results';
import { memoryBatchStore } from '../storage/batchStore';
import { StorageError } from '../storage/errors';
import type { BatchEngine } from './batchRunner';
import { BatchService, batchLoadParams } from './batchService';
import { type BatchRunParams, type BatchRunProgress } from '../protocol/batch';
import type { Engine } from './engine';
import type { ModelInfo } from '../protocol/model';

const LETTERS = '.abcdefg';

/** Eight tokens; the logits depend on the context, so samples at temperature 1 vary. */
function fakeEngine(): BatchEngine & Pick<Engine, 'analyze' | 'unload'> & { loads: number; unloads: number } {
  const engine = {
    loads: 0,
    unloads: 0,
    load: async () => {
      engine.loads++;
      return { label: 'fake', loadMs: 0, eosTokenId: null, fileHashes: [] } as unknown as ModelInfo;
    },
    unload: async () => {
      engine.unloads++;
    },
    analyze: async () => {
      throw new Error('not used');
    },
    tokenize: ({ text }: { text: string }) => ({
      ids: [...text].map((c) => Math.max(1, LETTERS.indexOf(c))),
      tokens: [],
    }),
    decode: (ids: readonly number[]) => ids.map((id) => LETTERS[id] ?? '?').join(''),
    step: async ({ ids }: { ids: number[] }) => {
      const logits = Float32Array.from(
        { length: 8 },
        (_, v) => Math.sin(v * 1.7 + ids.reduce((a, b) => a * 3 + b, 0) * 0.37) * 2,
      );
      return { logits, vocabSize: 8, contextTokens: ids.length, reusedTokens: 0, computedTokens: 1, elapsedMs: 0 };
    },
    startTokenId: () => 0,
    windowTokens: () => 64,
  };
  return engine;
}

const definition = parseBatchDefinition({
  name: 'fake',
  seed: 3,
  prompts: [
    { id: 'p1', prompt: 'abc', expected: ['d'], match: 'prefix' },
    { id: 'p2', prompt: 'gfe' },
  ],
  models: [{ id: 'fake', source: { kind: 'embedded' } }],
  grid: { temperature: [0.5, 2], maxNewTokens: 3, stop: ['.'] },
  samplesPerCell: 3,
});
const params: BatchRunParams = { batchId: 'b1', definition, backend: 'wasm' };
const lines = (results: readonly SampleResult[]) =>
  [...results]
    .sort((a, b) => a.task - b.task)
    .map(resultLine)
    .join('\n');

async function run(
  service: BatchService,
  controller = new AbortController(),
  onProgress: (p: BatchRunProgress) => void = () => {},
) {
  return service.run(params, { signal: controller.signal, onProgress });
}

describe('batch service (worker)', () => {
  it('stores each result before reporting it, and frees the model after the run', async () => {
    const store = memoryBatchStore();
    const engine = fakeEngine();
    const reported: SampleResult[] = [];
    const summary = await run(new BatchService(engine, store), undefined, (p) => {
      if (p.result) reported.push(p.result);
    });
    expect(summary).toMatchObject({ tasks: 12, skipped: 0, ran: 12 });
    const stored = await store.results('b1');
    expect(stored.map((r) => r.task)).toEqual(batchTasks(definition).map((t) => t.index));
    expect(reported).toEqual(stored);
    expect(engine.unloads).toBe(1);
  });

  it('resumes a paused run: stored tasks are skipped and the results equal an uninterrupted run', async () => {
    const whole = memoryBatchStore();
    await run(new BatchService(fakeEngine(), whole));
    const store = memoryBatchStore();
    const service = new BatchService(fakeEngine(), store);
    const controller = new AbortController();
    let seen = 0;
    await expect(
      run(service, controller, (p) => {
        if (p.result && ++seen === 5) controller.abort();
      }),
    ).rejects.toThrow(/cancelled/);
    expect(await store.countResults('b1')).toBe(5);
    const progress: BatchRunProgress[] = [];
    const resumed = await run(service, undefined, (p) => progress.push(p));
    expect(resumed).toMatchObject({ tasks: 12, skipped: 5, ran: 7 });
    expect(progress[0]).toMatchObject({ samplesDone: 5, samplesTotal: 12, result: null });
    expect(progress.filter((p) => p.result).length).toBe(7);
    expect(lines(await store.results('b1'))).toBe(lines(await whole.results('b1')));
  });

  it('runs one batch at a time; a run asked for after a pause waits for the paused one to stop', async () => {
    const service = new BatchService(fakeEngine(), memoryBatchStore());
    const first = new AbortController();
    const running = run(service, first);
    await expect(run(service)).rejects.toThrow('Another batch is running: pause or cancel it first.');
    first.abort();
    const next = run(service);
    await expect(running).rejects.toThrow(/cancelled/);
    const summary = await next;
    expect(summary.skipped + summary.ran).toBe(12);
  });

  it('says so when a folder model of the definition is not at hand, before running anything', async () => {
    const folder = parseBatchDefinition({
      ...definition,
      models: [{ id: 'mine', source: { kind: 'folder', folderName: 'mine' } }],
    });
    const engine = fakeEngine();
    const service = new BatchService(engine, memoryBatchStore());
    await expect(
      service.run({ ...params, definition: folder }, { signal: new AbortController().signal, onProgress: () => {} }),
    ).rejects.toThrow('The batch needs the folder model "mine": open that folder under Models, then resume the batch.');
    expect(engine.loads).toBe(0);
    const files = [{ path: 'config.json', blob: new Blob(['{}']) }];
    expect(batchLoadParams(folder.models[0], { backend: 'wasm', folders: [{ name: 'mine', files }] })).toEqual({
      source: { kind: 'folder', name: 'mine', files },
      backend: 'wasm',
      dtype: 'auto',
    });
  });

  it('passes the Hub host and revision to the load', () => {
    const hub = parseBatchDefinition({
      ...definition,
      models: [{ id: 'org/m', source: { kind: 'hub', revision: 'v2' }, dtype: 'q8' }],
    });
    expect(batchLoadParams(hub.models[0], { backend: 'auto', hubHost: 'http://127.0.0.1:1/' })).toEqual({
      source: { kind: 'hub', id: 'org/m', revision: 'v2', host: 'http://127.0.0.1:1/' },
      backend: 'auto',
      dtype: 'q8',
    });
  });

  it('stops at a full disk with its sentence, the stored results kept', async () => {
    const store = memoryBatchStore();
    let writes = 0;
    const full = {
      ...store,
      putResult: async (...args: Parameters<typeof store.putResult>) => {
        if (++writes > 3) throw new StorageError('storage-full', "The browser's storage for this site is full.");
        return store.putResult(...args);
      },
    };
    const reported: SampleResult[] = [];
    await expect(
      run(new BatchService(fakeEngine(), full), undefined, (p) => {
        if (p.result) reported.push(p.result);
      }),
    ).rejects.toThrow("The browser's storage for this site is full.");
    expect(await store.countResults('b1')).toBe(3);
    expect(reported).toHaveLength(3);
  });
});
