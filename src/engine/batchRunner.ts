/**
 * The batch runner (issue 18): every task of a definition (core/batch/definition.ts) on an
 * engine, one model loaded at a time, each sample reported as it finishes. The same code runs
 * in the worker (the app) and under Node (`batch run`, src/cli/batch.ts).
 *
 * Per task: the prompt is tokenized as the lab does, the model's start token first (BOS, else
 * EOS: engine.startTokenId()); token i is `sampleNext(logits, cell settings, positionSeed(task
 * seed, i))`, as the lab and the CLI's `next` draw; generation stops after maxNewTokens tokens,
 * at the model's EOS (end-of-text), or when the decoded completion contains a stop string (cut
 * before it). The result depends on the task alone: not on the order, the shard, what ran
 * before, or a resume. See CanonicalSteps (batchSteps.ts) for how the KV cache keeps it so.
 *
 * Pause, resume, crash recovery: the caller stores each result from onResult (the CLI appends
 * a line, the worker writes IndexedDB), aborts the signal to pause or cancel, and runs again
 * with isDone answering from what it stored: finished tasks are skipped, nothing recomputed.
 * The runner needs the engine to itself while it runs: another caller's steps in between would
 * change the KV cache under it (in the worker, give the batch an Engine of its own).
 */
import type { BatchDefinition, BatchModel } from '../core/batch/definition';
import { batchCells, batchId, batchTasks, shardTasks, type BatchCell, type BatchTask } from '../core/batch/tasks';
import { DEFAULT_MATCH_MODE, matchAnswer } from '../core/batch/match';
import type { SampleResult, StoppedBy } from '../core/batch/results';
import { stepStatistics } from '../core/batch/stepStats';
import { positionSeed, sampleNext } from '../core/distribution';
import { CanonicalSteps } from './batchRunnerSteps';
import type { Engine } from './engine';
import { cancellationPoint, EngineError, throwIfCancelled } from './errors';
import type { LoadParams, ModelInfo } from '../protocol/model';
import type { BatchProgress, BatchRunSummary } from '../protocol/batch';
import { continuationText } from '../core/tokenization/continuationText';

/**
 * What the runner uses of an Engine (an Engine satisfies it; tests may pass a fake). `fileHashes`
 * is needed only by a definition that pins a model's files (the fakes in tests and benches leave it out).
 */
export type BatchEngine = Pick<Engine, 'load' | 'tokenize' | 'decode' | 'step' | 'startTokenId' | 'windowTokens'> &
  Partial<Pick<Engine, 'fileHashes'>>;

export interface BatchDeps {
  engine: BatchEngine;
  /**
   * How to load a model of the definition: the CLI maps a folder model to a path, the worker
   * to the folder the user picked (matched by `source.folderName`).
   */
  loadParams(model: BatchModel): LoadParams;
}

export interface RunBatchOptions {
  /** Resume: true for a task whose result is already stored; it is skipped. */
  isDone?: (task: BatchTask) => boolean;
  /** Each sample as it finishes, in canonical order; awaited, so it can store the result first. */
  onResult?: (result: SampleResult, task: BatchTask) => void | Promise<void>;
  onProgress?: (progress: BatchProgress) => void;
  /** Stops between steps (and between samples); the unfinished sample is dropped, never reported. */
  signal?: AbortSignal;
  /** Only the tasks k with k mod count = index. */
  shard?: { index: number; count: number };
}

/** Files the definition lists for a model must be the files loaded (a changed model changes every result). */
async function checkFileHashes(model: BatchModel, key: string, engine: BatchEngine): Promise<void> {
  // Hashing takes a while on big models: only when the definition pins files.
  if (model.source.fileHashes.length === 0) return;
  if (!engine.fileHashes)
    throw new Error(`${key}: the definition pins file hashes, but this engine cannot hash files.`);
  const hashes = await engine.fileHashes();
  for (const expected of model.source.fileHashes) {
    const loaded = hashes.find((h) => h.path === expected.path);
    if (loaded?.sha256 !== expected.sha256) {
      throw new EngineError(
        'model-file-invalid',
        `${key}: ${expected.path} ${loaded ? `has SHA-256 ${loaded.sha256}, not ${expected.sha256}` : 'was not loaded'}, as the batch definition says.`,
        expected.path,
      );
    }
  }
}

/** Runs the definition's tasks (those of the shard, not yet done) and reports each result. */
export async function runBatch(
  def: BatchDefinition,
  deps: BatchDeps,
  options: RunBatchOptions = {},
): Promise<BatchRunSummary> {
  const started = performance.now();
  const id = batchId(def);
  const all = batchTasks(def);
  const tasks = options.shard ? shardTasks(all, options.shard.index, options.shard.count) : all;
  const done = tasks.map((task) => options.isDone?.(task) ?? false);
  const left = new Map<number, number>();
  tasks.forEach((task, i) => left.set(task.cellIndex, (left.get(task.cellIndex) ?? 0) + (done[i] ? 0 : 1)));
  const cellsTotal = left.size;
  let cellsDone = [...left.values()].filter((n) => n === 0).length;
  const skipped = done.filter(Boolean).length;
  let ran = 0;
  let tokens = 0;
  const models: BatchRunSummary['models'] = [];

  const progress = (modelKey: string | null, loading: boolean) => {
    if (!options.onProgress) return;
    const seconds = (performance.now() - started) / 1000;
    options.onProgress({
      modelKey,
      loading,
      cellsDone,
      cellsTotal,
      samplesDone: skipped + ran,
      samplesTotal: tasks.length,
      tokensPerSecond: ran > 0 ? tokens / seconds : null,
      secondsLeft: ran > 0 ? ((tasks.length - skipped - ran) * seconds) / ran : null,
    });
  };
  progress(null, false);

  for (let m = 0; m < def.models.length; m++) {
    const todo = tasks.filter((task, i) => task.modelIndex === m && !done[i]);
    if (todo.length === 0) continue;
    const model = def.models[m];
    const key = todo[0].modelKey;
    throwIfCancelled(options.signal, 'The batch');
    progress(key, true);
    const info = await deps.engine.load(deps.loadParams(model), { signal: options.signal });
    await checkFileHashes(model, key, deps.engine);
    models.push({ key, label: info.label, loadMs: Math.round(info.loadMs) });
    const generator = new SampleGenerator(def, deps.engine, info, options.signal);
    for (const task of todo) {
      const result = await generator.generate(task);
      ran++;
      tokens += result.tokenIds.length;
      const remaining = left.get(task.cellIndex)! - 1;
      left.set(task.cellIndex, remaining);
      if (remaining === 0) cellsDone++;
      await options.onResult?.(result, task);
      progress(key, false);
    }
  }
  progress(null, false);
  return {
    batch: id,
    tasks: tasks.length,
    skipped,
    ran,
    tokens,
    elapsedMs: Math.round(performance.now() - started),
    models,
  };
}

/** Longest time between two turns of the event loop, so a worker sees a pause request soon. */
const YIELD_EVERY_MS = 100;

/** Generates samples of the definition's tasks (batchTasks) on the model the engine has loaded. */
export class SampleGenerator {
  private readonly steps: CanonicalSteps;
  private readonly cells: BatchCell[];
  private readonly batch: string;
  private readonly prompts = new Map<number, { ids: number[]; text: string }>();
  private lastYield = performance.now();

  constructor(
    private readonly def: BatchDefinition,
    private readonly engine: BatchEngine,
    private readonly info: Pick<ModelInfo, 'eosTokenId'>,
    private readonly signal?: AbortSignal,
  ) {
    this.steps = new CanonicalSteps(engine, engine.startTokenId(), engine.windowTokens(), signal);
    this.cells = batchCells(def);
    this.batch = batchId(def);
  }

  /** The prompt's ids (without the start token) and its decoded text, once per prompt. */
  private prompt(index: number): { ids: number[]; text: string } {
    let prompt = this.prompts.get(index);
    if (!prompt) {
      const ids = this.engine.tokenize({ text: this.def.prompts[index].prompt }).ids;
      prompt = { ids, text: this.engine.decode(ids) };
      this.prompts.set(index, prompt);
    }
    return prompt;
  }

  /**
   * The completion's text: decoded with the prompt before it and the prompt's text cut off, so
   * a tokenizer that drops a leading space at the start of a decode (SentencePiece) keeps it.
   */
  private completionText(prompt: { ids: number[]; text: string }, generated: number[]): string {
    return continuationText((ids) => this.engine.decode(ids), prompt.ids, generated, prompt.text);
  }

  private async pausePoint(): Promise<void> {
    if (performance.now() - this.lastYield < YIELD_EVERY_MS) return throwIfCancelled(this.signal, 'The batch');
    await cancellationPoint(this.signal, 'The batch');
    this.lastYield = performance.now();
  }

  /** The task's sample: the same result whatever was generated before (CanonicalSteps). */
  async generate(task: BatchTask): Promise<SampleResult> {
    const { grid } = this.def;
    const { settings } = this.cells[task.cellIndex];
    const promptDef = this.def.prompts[task.promptIndex];
    const prompt = this.prompt(task.promptIndex);
    const tokenIds: number[] = [];
    const logProbs: number[] = [];
    const entropies: number[] = [];
    let completion = '';
    let stoppedBy: StoppedBy = 'max-tokens';
    await this.pausePoint();
    let logits = await this.steps.first(prompt.ids, grid.maxNewTokens);
    for (let i = 0; i < grid.maxNewTokens; i++) {
      if (i > 0) {
        await this.pausePoint();
        logits = await this.steps.next(tokenIds);
      }
      const { tokenId } = sampleNext(logits, settings, positionSeed(task.seed, i));
      tokenIds.push(tokenId);
      const stats = stepStatistics(logits, tokenId);
      logProbs.push(stats.logProb);
      entropies.push(stats.entropyBits);
      if (tokenId === this.info.eosTokenId) {
        stoppedBy = 'end-of-text';
        break;
      }
      completion = this.completionText(prompt, tokenIds);
      const cut = firstStop(completion, grid.stop);
      if (cut >= 0) {
        completion = completion.slice(0, cut);
        stoppedBy = 'stop-string';
        break;
      }
    }
    this.steps.finish();
    const expected = promptDef.expected;
    return {
      batch: this.batch,
      task: task.index,
      promptId: task.promptId,
      modelKey: task.modelKey,
      cellKey: task.cellKey,
      sample: task.sample,
      seed: task.seed,
      settings: { ...settings },
      completion,
      tokenIds,
      logProbs,
      entropyBits: entropies,
      stoppedBy,
      matched: expected ? matchAnswer(completion, expected, promptDef.match ?? DEFAULT_MATCH_MODE) : null,
    };
  }
}

/** Where the earliest stop string starts in the text; -1 when none occurs. */
function firstStop(text: string, stops: readonly string[]): number {
  let first = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}
