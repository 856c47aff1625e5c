/**
 * Running a loaded causal LM: logits for every position of a sequence (sliding windows past
 * the context length), an incremental step that reuses the KV cache, and whole-text scoring
 * that summarises each window as it goes instead of keeping every logits row.
 */
import { DynamicCache, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import {
  lastContextWindow,
  planSlidingWindows,
  windowedTokenCost,
  windowsKeeping,
  type ContextWindow,
} from '../core/context/slidingWindow';
import { commonPrefixLength, sameIds } from '../core/context/tokenPrefix';
import { float16ToFloat32 } from '../core/onnx/tensorData';
import { cancellationPoint, EngineError } from './errors';
import { disposeGpuOutputs, exclusiveOnnxRuntime, forwardAndRead } from './onnxRuntimeQueue';
import { scoreGraphFor, scoreRowsInJs, scoreRowsOnGraph } from './scoreStatistics';
import type { ForwardResult, ScoreResult, ScoredPosition, StepResult, WindowProgress } from '../protocol/nextToken';

/** Logits one window may produce, in floats (~128 MB): large vocabularies get shorter windows. */
const WINDOW_LOGITS_BUDGET_FLOATS = 32 * 1024 * 1024;

type TensorMap = Record<string, Tensor>;

/** The KV cache among a run's outputs (`present.N.key/value`). */
const isPresent = (outputName: string): boolean => outputName.startsWith('present');

export interface RunnableModel {
  model: PreTrainedModel;
  /** The model's context length (position embeddings). */
  contextTokens: number;
  vocabSize: number;
}

/** The longest window we run: the context, or less when the vocabulary is huge. */
export function windowTokensFor(contextTokens: number, vocabSize: number): number {
  return Math.max(16, Math.min(contextTokens, Math.floor(WINDOW_LOGITS_BUDGET_FLOATS / vocabSize)));
}

function int64Tensor(values: readonly number[]): Tensor {
  return new Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );
}

function onesMask(length: number): Tensor {
  return new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);
}

/** A tensor's values on the CPU: GPU-resident outputs (WebGPU) are downloaded through the ORT tensor. */
export async function tensorData(tensor: Tensor): Promise<unknown> {
  if (tensor.location !== 'gpu-buffer') return tensor.data;
  return (tensor as unknown as { ort_tensor: { getData(): Promise<unknown> } }).ort_tensor.getData();
}

export async function logitsAsFloat32(tensor: Tensor): Promise<Float32Array> {
  const data = await tensorData(tensor);
  if (data instanceof Float32Array) return data;
  // fp16 logits: one table lookup per value (per-element arithmetic took ~330 ms a 256 × 8,192 window).
  if (data instanceof Uint16Array) return float16ToFloat32(data);
  if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new EngineError('runtime', `Unexpected logits type ${tensor.type}.`);
}

/** One forward pass over ids[start, end) from position 0; returns its logits [length × V]. */
export async function forwardWindow(
  runnable: RunnableModel,
  ids: readonly number[],
  window: ContextWindow,
): Promise<Float32Array> {
  const slice = ids.slice(window.start, window.end);
  return forwardAndRead(
    runnable.model,
    { input_ids: int64Tensor(slice), attention_mask: onesMask(slice.length) },
    async (outputs) => {
      const logits = await logitsAsFloat32(outputs.logits);
      const vocab = outputs.logits.dims[2];
      if (vocab !== runnable.vocabSize)
        throw new EngineError(
          'runtime',
          `The model produced ${vocab} logits per position, expected ${runnable.vocabSize}.`,
        );
      return logits;
    },
  );
}

export function checkIds(ids: readonly number[], vocabSize: number): void {
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      throw new EngineError('bad-request', `Token id ${id} is outside the vocabulary (0..${vocabSize - 1}).`);
  }
}

/** Windows after the first move by half a window: each position sees at least half a window of context. */
export function defaultStride(windowTokens: number): number {
  return Math.max(1, Math.floor(windowTokens / 2));
}

/**
 * Logits for positions [fromPosition, toPosition), one row per position, from the windows
 * planned over all of `ids` (so a row is the same whichever part is asked for).
 */
export async function forwardAll(
  runnable: RunnableModel,
  ids: readonly number[],
  options: {
    fromPosition?: number;
    /** One past the last position wanted (ids.length when not given). */
    toPosition?: number;
    strideTokens?: number;
    signal?: AbortSignal;
    onProgress?: (progress: WindowProgress) => void;
  } = {},
): Promise<ForwardResult> {
  checkIds(ids, runnable.vocabSize);
  const started = performance.now();
  const fromPosition = options.fromPosition ?? 0;
  const toPosition = options.toPosition ?? ids.length;
  if (fromPosition < 0 || fromPosition > toPosition || toPosition > ids.length)
    throw new EngineError(
      'bad-request',
      `Positions [${fromPosition}, ${toPosition}) are outside the ${ids.length} ids given.`,
    );
  const windowTokens = windowTokensFor(runnable.contextTokens, runnable.vocabSize);
  const stride = Math.min(options.strideTokens ?? defaultStride(windowTokens), windowTokens);
  const vocab = runnable.vocabSize;
  const windows = windowsKeeping(planSlidingWindows(ids.length, windowTokens, stride), fromPosition, toPosition);
  const logits = new Float32Array((toPosition - fromPosition) * vocab);
  for (const [index, window] of windows.entries()) {
    await cancellationPoint(options.signal, 'The forward pass');
    const windowLogits = await forwardWindow(runnable, ids, window);
    const firstKept = Math.max(window.keepFrom, fromPosition);
    logits.set(
      windowLogits.subarray(
        (firstKept - window.start) * vocab,
        (Math.min(window.end, toPosition) - window.start) * vocab,
      ),
      (firstKept - fromPosition) * vocab,
    );
    options.onProgress?.({ doneWindows: index + 1, totalWindows: windows.length });
  }
  return {
    logits,
    vocabSize: vocab,
    fromPosition,
    positionCount: toPosition - fromPosition,
    windowCount: windows.length,
    processedTokens: windowedTokenCost(windows),
    elapsedMs: performance.now() - started,
  };
}

/** Per-position scores of the actual next tokens (positions 1..n−1), window by window. */
export async function scoreSequence(
  runnable: RunnableModel,
  ids: readonly number[],
  options: {
    topK?: number;
    strideTokens?: number;
    /** false: the statistics in float64 JavaScript even where the scoring graph opens (the reference). */
    onGraph?: boolean;
    signal?: AbortSignal;
    onProgress?: (progress: WindowProgress) => void;
  } = {},
): Promise<ScoreResult> {
  checkIds(ids, runnable.vocabSize);
  const started = performance.now();
  const topK = options.topK ?? 5;
  const windowTokens = windowTokensFor(runnable.contextTokens, runnable.vocabSize);
  const stride = Math.min(options.strideTokens ?? defaultStride(windowTokens), windowTokens);
  const vocab = runnable.vocabSize;
  // The last token has no next token to score: plan windows over ids[0, n−1).
  const windows = planSlidingWindows(Math.max(0, ids.length - 1), windowTokens, stride);
  const graph = windows.length > 0 && options.onGraph !== false ? await scoreGraphFor(runnable.model, vocab) : null;
  const positions: ScoredPosition[] = [];
  for (const [index, window] of windows.entries()) {
    await cancellationPoint(options.signal, 'Scoring');
    const windowLogits = await forwardWindow(runnable, ids, window);
    const kept = windowLogits.subarray((window.keepFrom - window.start) * vocab, (window.end - window.start) * vocab);
    const targets = ids.slice(window.keepFrom + 1, window.end + 1);
    const scores = graph
      ? await scoreRowsOnGraph(graph, kept, vocab, targets, topK)
      : scoreRowsInJs(kept, vocab, targets, topK);
    for (const [r, score] of scores.entries()) positions.push({ position: window.keepFrom + r + 1, ...score });
    options.onProgress?.({ doneWindows: index + 1, totalWindows: windows.length });
  }
  return {
    positions,
    windowCount: windows.length,
    processedTokens: windowedTokenCost(windows),
    elapsedMs: performance.now() - started,
  };
}

/** Rows of logits computed by one cached run: rows for positions [firstPosition, context length). */
export interface CachedRun {
  /** Row-major [rowCount × vocabSize]. */
  logits: Float32Array;
  firstPosition: number;
  rowCount: number;
}

/**
 * The KV cache of the last run: which ids it holds and the past tensors for them. A new run
 * reuses the longest common prefix: the cache is cut back to it (an edit in the middle of a
 * text, a branch back in the tree) and only the tokens after it are computed.
 */
export class StepCache {
  private cachedIds: number[] = [];
  private past: TensorMap | null = null;
  private lastLogits: Float32Array | null = null;

  constructor(
    private readonly runnable: RunnableModel,
    private readonly supportsPast: boolean,
  ) {}

  /** Logits for the token after `ids`, computing only what the cache does not hold. */
  async step(ids: readonly number[], useCache = true): Promise<StepResult> {
    if (ids.length === 0) throw new EngineError('bad-request', 'A step needs at least one token of context.');
    checkIds(ids, this.runnable.vocabSize);
    const started = performance.now();
    const windowTokens = windowTokensFor(this.runnable.contextTokens, this.runnable.vocabSize);
    const { start } = lastContextWindow(ids.length, windowTokens);
    const context = ids.slice(start);
    if (useCache && this.lastLogits && sameIds(this.cachedIds, context)) {
      return this.result(this.lastLogits, context.length, context.length, 0, started);
    }
    const run = await this.run(context, { useCache });
    const vocab = this.runnable.vocabSize;
    const lastRow = run.logits.slice((run.rowCount - 1) * vocab, run.rowCount * vocab);
    if (useCache && this.supportsPast) this.lastLogits = lastRow;
    return this.result(lastRow, context.length, run.firstPosition, run.rowCount, started);
  }

  /**
   * Logits for every position of `context` (one window: at most the context length) that the
   * cache does not already cover, reusing at most `maxReuse` tokens of it. At least the last
   * position is always computed.
   */
  run(context: readonly number[], options: { useCache?: boolean; maxReuse?: number } = {}): Promise<CachedRun> {
    return exclusiveOnnxRuntime(() => this.runNow(context, options));
  }

  /** `run`'s body: one ONNX Runtime job (the cache's GPU tensors are read and released in it too). */
  private async runNow(
    context: readonly number[],
    options: { useCache?: boolean; maxReuse?: number },
  ): Promise<CachedRun> {
    const useCache = (options.useCache ?? true) && this.supportsPast;
    const common = this.past ? commonPrefixLength(this.cachedIds, context) : 0;
    const reuse = useCache ? Math.min(common, context.length - 1, options.maxReuse ?? Infinity) : 0;
    if (reuse === 0) this.reset();
    else if (reuse < this.cachedIds.length) await this.truncate(reuse);
    const fresh = context.slice(reuse);
    const inputs: Record<string, unknown> = { input_ids: int64Tensor(fresh), attention_mask: onesMask(context.length) };
    // NOTE: pasts must travel as one `past_key_values` cache object: transformers.js derives
    // position ids from it and fills in empty pasts when it is absent.
    if (reuse > 0 && this.past) inputs.past_key_values = new DynamicCache(this.past);
    const outputs = (await this.runnable.model.forward(inputs)) as TensorMap;
    const keep = new Set(Object.keys(outputs).filter(isPresent));
    const logits = await logitsAsFloat32(outputs.logits);
    const vocab = outputs.logits.dims[2];
    if (vocab !== this.runnable.vocabSize)
      throw new EngineError(
        'runtime',
        `The model produced ${vocab} logits per position, expected ${this.runnable.vocabSize}.`,
      );
    disposeGpuOutputs(outputs, isPresent);
    this.disposePast();
    this.lastLogits = null;
    if (useCache) {
      this.past = Object.fromEntries(
        [...keep].map((name) => [name.replace(/^present/, 'past_key_values'), outputs[name]]),
      );
      this.cachedIds = [...context];
    } else {
      disposeGpuOutputs(Object.fromEntries([...keep].map((name) => [name, outputs[name]])));
      this.cachedIds = [];
    }
    return { logits, firstPosition: reuse, rowCount: fresh.length };
  }

  reset(): void {
    this.disposePast();
    this.cachedIds = [];
    this.lastLogits = null;
  }

  /** Cuts the cached pasts back to their first `tokens` positions (axis 2 of [batch, heads, sequence, head size]). */
  private async truncate(tokens: number): Promise<void> {
    const past = this.past!;
    const cut: TensorMap = {};
    for (const [name, tensor] of Object.entries(past)) {
      const [batch, heads, sequence, headSize] = tensor.dims;
      const data = (await tensorData(tensor)) as Float32Array | Uint16Array;
      const kept = new (data.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(
        batch * heads * tokens * headSize,
      );
      for (let block = 0; block < batch * heads; block++) {
        kept.set(
          data.subarray(block * sequence * headSize, (block * sequence + tokens) * headSize),
          block * tokens * headSize,
        );
      }
      cut[name] = new Tensor(tensor.type, kept, [batch, heads, tokens, headSize]);
    }
    this.disposePast();
    this.past = cut;
    this.cachedIds = this.cachedIds.slice(0, tokens);
    this.lastLogits = null;
  }

  private disposePast(): void {
    if (this.past) disposeGpuOutputs(this.past);
    this.past = null;
  }

  private result(
    logits: Float32Array,
    contextTokens: number,
    reusedTokens: number,
    computedTokens: number,
    started: number,
  ): StepResult {
    return {
      logits: logits.slice(),
      vocabSize: this.runnable.vocabSize,
      contextTokens,
      reusedTokens,
      computedTokens,
      elapsedMs: performance.now() - started,
    };
  }
}
