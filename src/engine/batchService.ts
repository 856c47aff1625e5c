/**
 * Batch runs in the worker (issue 18): the runner (batchRunner.ts) on an Engine of the batch's
 * own (the lab's engine keeps its model and KV cache; the runner needs its engine to itself),
 * each result written to the batch store before its progress goes out, so a reload or a crash
 * loses at most the sample in flight. Resume: the task keys already stored for the batch are
 * read at the start and skipped. Pause and cancel both abort the request's signal; the page
 * keeps the batch's status.
 *
 * One batch at a time: a run asked for while another is still running is refused; one asked for
 * while an aborted run winds down waits for it. The scoring set (batchRunnerScore.ts) runs on
 * the same engine under the same rule.
 */
import { parseBatchDefinition, type BatchModel } from '../core/batch/definition';
import type { SampleResult } from '../core/batch/results';

import { runBatch, type BatchEngine } from './batchRunner';

import { type BatchRunSummary } from '../protocol/batch';
import { scoreTexts } from './batchRunnerScore';

import { type ScoreTextsResult } from '../protocol/batch';

import type { Engine } from './engine';

import { EngineError } from './errors';

import type { LoadParams } from '../protocol/model';
import type { BatchRunParams, BatchRunProgress, BatchScoreParams } from '../protocol/batch';

/** What the service needs of the batch store (storage/batchStore.ts implements it). */
export interface BatchResultStore {
  doneKeys(batchId: string): Promise<Set<string>>;
  putResult(batchId: string, key: string, result: SampleResult): Promise<void>;
}

interface CallOptions<P> {
  signal: AbortSignal;
  onProgress: (progress: P) => void;
}

/** How the worker loads a model of a definition. */
export function batchLoadParams(
  model: BatchModel,
  params: Pick<BatchRunParams, 'backend' | 'hubHost' | 'folders'>,
): LoadParams {
  const { source } = model;
  const dtype = model.dtype ?? 'auto';
  if (source.kind === 'embedded') return { source: { kind: 'embedded', id: model.id }, backend: params.backend, dtype };
  if (source.kind === 'hub') {
    return {
      source: {
        kind: 'hub',
        id: model.id,
        revision: source.revision,
        ...(params.hubHost ? { host: params.hubHost } : {}),
      },
      backend: params.backend,
      dtype,
    };
  }
  const folder = params.folders?.find((f) => f.name === source.folderName);
  if (!folder) {
    throw new EngineError(
      'bad-request',
      `The batch needs the folder model "${source.folderName}": open that folder under Models, then resume the batch.`,
    );
  }
  return { source: { kind: 'folder', name: folder.name, files: folder.files }, backend: params.backend, dtype };
}

export class BatchService {
  private current: { signal: AbortSignal; finished: Promise<unknown> } | null = null;

  constructor(
    private readonly engine: BatchEngine & Pick<Engine, 'analyze' | 'unload'>,
    private readonly store: BatchResultStore,
  ) {}

  /** Runs the batch's tasks not yet stored; resolves with the run's summary. */
  run(params: BatchRunParams, options: CallOptions<BatchRunProgress>): Promise<BatchRunSummary> {
    return this.exclusive(options.signal, async () => {
      const def = parseBatchDefinition(params.definition, 'The batch definition');
      // Folder files are checked before anything runs: a resume after a reload needs the folder again.
      for (const model of def.models) batchLoadParams(model, params);
      const done = await this.store.doneKeys(params.batchId);
      let finished: SampleResult | null = null;
      try {
        return await runBatch(
          def,
          { engine: this.engine, loadParams: (model) => batchLoadParams(model, params) },
          {
            isDone: (task) => done.has(task.key),
            onResult: async (result, task) => {
              await this.store.putResult(params.batchId, task.key, result);
              finished = result;
            },
            onProgress: (progress) => {
              options.onProgress({ ...progress, result: finished });
              finished = null;
            },
            signal: options.signal,
          },
        );
      } finally {
        // The batch's model is not kept between runs: a resume loads it again (as it would after a reload).
        await this.engine.unload();
      }
    });
  }

  /** GLTR statistics of each text on the given model (the "scoring" set). */
  score(params: BatchScoreParams, options: CallOptions<{ done: number; total: number }>): Promise<ScoreTextsResult> {
    return this.exclusive(options.signal, async () => {
      await this.engine.load(
        { source: params.source, backend: params.backend, dtype: 'auto' },
        { signal: options.signal },
      );
      try {
        return await scoreTexts(this.engine, params.texts, {
          signal: options.signal,
          onProgress: (done, total) => options.onProgress({ done, total }),
        });
      } finally {
        await this.engine.unload();
      }
    });
  }

  private async exclusive<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const previous = this.current;
    if (previous && !previous.signal.aborted)
      throw new EngineError('bad-request', 'Another batch is running: pause or cancel it first.');
    if (previous) await previous.finished.catch(() => undefined);
    if (this.current !== null && this.current !== previous)
      throw new EngineError('bad-request', 'Another batch started meanwhile: pause or cancel it first.');
    const finished = work();
    const entry = { signal, finished };
    this.current = entry;
    try {
      return await finished;
    } finally {
      if (this.current === entry) this.current = null;
    }
  }
}
