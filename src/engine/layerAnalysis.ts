/**
 * The residual stream of a text, read from the model's `hidden_states.{ℓ}` outputs window by
 * window (the same sliding windows as scoring), and the layer statistics over it: logit lens
 * per layer at the selected position, KL to the final distribution, Pearson r of surprisals,
 * recall@k of the current token, cosine curves and the covariance similarity (core/bigram).
 * The selected position's table can come first from the one window that holds it
 * (`selectedWindowStates`); the stretch's analysis then reuses that window's rows. Windows the
 * bigram comparison already ran over the same ids (windowStatesCache.ts) are copied, not run.
 */
import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { cosineCurves, logitLens, pearson, rankOf, recallAtK, scoreAgainstRows, type Matrix } from '../core/bigram';
import { planSlidingWindows, windowsKeeping } from '../core/context/slidingWindow';
import { klDivergenceNats, softmax } from '../core/distribution';
import { cancellationPoint, EngineError } from './errors';
import { covarianceGraphFor, covarianceSimilarities } from './covarianceStatistics';
import { lensGraphFor, lensStatisticsInJs, lensStatisticsOnGraph, type LensInputs } from './lensStatistics';
import { checkIds, defaultStride, logitsAsFloat32, windowTokensFor, type RunnableModel } from './inference';
import { forwardAndRead } from './onnxRuntimeQueue';
import type { BigramProgress, LensLayerStats, LensPositionLayer, LensResult } from '../protocol/bigram';
import { topProbabilities, type BigramCallOptions } from './analysisShared';
import type { ModelInternals } from './modelInternals';
import { sliceRows, type HiddenStates, type WindowStatesCache } from './windowStatesCache';

// Defined beside the window cache, which holds them (one direction of import, no cycle).
export type { HiddenStates } from './windowStatesCache';

/** Reads hidden states (and optionally logits) for sequence indices [firstIndex, seq.length). */
export async function collectHiddenStates(
  runnable: RunnableModel,
  seq: readonly number[],
  layerCount: number,
  options: {
    firstIndex: number;
    layers: readonly number[];
    withLogits?: boolean;
    signal?: AbortSignal;
    onProgress?: (p: BigramProgress) => void;
    /** Output name of hidden state ℓ (ModelInternals.hiddenStateNames); `hidden_states.ℓ` when not given. */
    outputNames?: readonly string[];
    /**
     * Only the one window that keeps this sequence index: the result holds that window's kept
     * rows (from max(keepFrom, firstIndex) to its end), what one position's layers need.
     */
    onlyIndex?: number;
    /**
     * Only rows before this sequence index are wanted: windows that keep none of them are not
     * run. The result still ends where its last window ends (a window's rows are read whole).
     */
    endIndex?: number;
    /**
     * Windows held in one of these (same start, end and ids, read through the same session) are
     * copied from it instead of run.
     */
    reuseFrom?: readonly WindowStatesCache[];
    /** The rows of each window that runs are offered to this cache. */
    keepIn?: WindowStatesCache;
  },
): Promise<HiddenStates> {
  checkIds(seq, runnable.vocabSize);
  const windowTokens = windowTokensFor(runnable.contextTokens, runnable.vocabSize);
  let windows = windowsKeeping(
    planSlidingWindows(seq.length, windowTokens, defaultStride(windowTokens)),
    options.firstIndex,
    options.endIndex ?? seq.length,
  );
  const only = options.onlyIndex;
  if (only !== undefined) windows = windows.filter((w) => w.keepFrom <= only && only < w.end);
  if (only !== undefined && (windows.length === 0 || only < options.firstIndex))
    throw new EngineError('bad-request', `Sequence index ${only} is outside the rows asked for.`);
  const firstIndex = only === undefined ? options.firstIndex : Math.max(windows[0].keepFrom, options.firstIndex);
  const lastWindow = only === undefined ? windows.at(-1) : windows[0];
  const count = Math.max(0, (lastWindow?.end ?? firstIndex) - firstIndex);
  const layers = new Map<number, Float32Array>();
  let logits: Float32Array | null = null;
  const vocab = runnable.vocabSize;
  const withLogits = options.withLogits ?? false;
  for (const [index, window] of windows.entries()) {
    await cancellationPoint(options.signal, 'Reading the hidden states');
    const from = Math.max(window.keepFrom, firstIndex);
    let reused: HiddenStates | null = null;
    for (const cache of options.reuseFrom ?? []) reused ??= cache.rows(seq, window, from, options.layers, withLogits);
    if (reused) {
      for (const layer of options.layers) {
        const rows = reused.layers.get(layer)!;
        let target = layers.get(layer);
        if (!target) {
          target = new Float32Array(count * (rows.length / reused.count));
          layers.set(layer, target);
        }
        target.set(rows, (from - firstIndex) * (rows.length / reused.count));
      }
      if (withLogits) {
        logits ??= new Float32Array(count * vocab);
        logits.set(reused.logits!, (from - firstIndex) * vocab);
      }
      options.onProgress?.({ phase: 'hidden-states', done: index + 1, total: windows.length });
      continue;
    }
    const slice = seq.slice(window.start, window.end);
    const inputs = {
      input_ids: new Tensor(
        'int64',
        BigInt64Array.from(slice, (v) => BigInt(v)),
        [1, slice.length],
      ),
      attention_mask: new Tensor('int64', new BigInt64Array(slice.length).fill(1n), [1, slice.length]),
    };
    await forwardAndRead(runnable.model, inputs, async (outputs) => {
      for (const layer of options.layers) {
        if (layer < 0 || layer > layerCount)
          throw new EngineError('bad-request', `Layer ${layer} is outside 0..${layerCount}.`);
        const name = options.outputNames?.[layer] ?? `hidden_states.${layer}`;
        const tensor = outputs[name];
        if (!tensor)
          throw new EngineError('unsupported-model', `The model did not return ${name} (hidden state ${layer}).`);
        const d = tensor.dims[2];
        const values = await logitsAsFloat32(tensor);
        let target = layers.get(layer);
        if (!target) {
          target = new Float32Array(count * d);
          layers.set(layer, target);
        }
        target.set(
          values.subarray((from - window.start) * d, (window.end - window.start) * d),
          (from - firstIndex) * d,
        );
      }
      if (withLogits) {
        const values = await logitsAsFloat32(outputs.logits);
        if (outputs.logits.dims[2] !== vocab)
          throw new EngineError(
            'runtime',
            `The model produced ${outputs.logits.dims[2]} logits per position, expected ${vocab}.`,
          );
        logits ??= new Float32Array(count * vocab);
        logits.set(
          values.subarray((from - window.start) * vocab, (window.end - window.start) * vocab),
          (from - firstIndex) * vocab,
        );
      }
    });
    options.keepIn?.put(seq, window, sliceRows({ firstIndex, count, layers, logits }, from, window.end));
    options.onProgress?.({ phase: 'hidden-states', done: index + 1, total: windows.length });
  }
  return { firstIndex, count, layers, logits };
}

/** Up to `n` evenly spread integers in [0, count). */
export function spreadIndices(count: number, n: number): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: n }, (_, k) => Math.floor((k * (count - 1)) / (n - 1)));
}

/** What one text's layer analysis keeps so another position in the same stretch costs only its own lens. */
export interface LayerContext {
  key: string;
  first: number;
  count: number;
  hidden: HiddenStates;
  layers: LensLayerStats[];
  lensPositionCount: number;
  covariance: number[];
  covarianceStandardised: number[];
}

/** The stretch of text positions analysed for a selected position: up to maxPositions around it. */
export function analysedStretch(
  textLength: number,
  position: number,
  maxPositions: number,
): { first: number; count: number } {
  const first = Math.max(0, Math.min(position - Math.floor(maxPositions / 2), textLength - maxPositions));
  return { first, count: Math.min(textLength, maxPositions) };
}

/**
 * A stretch's rows depend on the ids up to its end (and the next one's, for surprisals) and on
 * the text's length, which places the last window; not on the ids after it.
 */
export function layerContextKey(ids: readonly number[], first: number, count: number, lensPositions: number): string {
  return `${first}:${count}:${lensPositions}:${ids.length}:${ids.slice(0, first + count + 1).join(',')}`;
}

/**
 * The stretch's hidden states (every layer) and final logits. Text position i is sequence
 * index i + 1 (after the start token). The windows are the whole text's (only those that keep
 * a row of the stretch run), as the lab's analysis and the bigram comparison plan them, so a
 * position's final distribution here is the one those views show, and the comparison's kept
 * windows cover the stretch. The result may run past the stretch to its last window's end.
 */
function stretchHiddenStates(
  runnable: RunnableModel,
  startTokenId: number,
  internals: ModelInternals,
  ids: readonly number[],
  stretch: { first: number; count: number },
  options: BigramCallOptions,
  part: { onlyPosition?: number; reuseFrom?: readonly WindowStatesCache[]; keepIn?: WindowStatesCache },
): Promise<HiddenStates> {
  const L = internals.layerCount;
  return collectHiddenStates(runnable, [startTokenId, ...ids], L, {
    firstIndex: stretch.first + 1,
    endIndex: stretch.first + stretch.count + 1,
    layers: Array.from({ length: L + 1 }, (_, l) => l),
    withLogits: true,
    signal: options.signal,
    onProgress: options.onProgress,
    outputNames: internals.hiddenStateNames,
    onlyIndex: part.onlyPosition === undefined ? undefined : part.onlyPosition + 1,
    reuseFrom: part.reuseFrom,
    keepIn: part.keepIn,
  });
}

/**
 * The rows the selected position's table needs, before the rest of the stretch: the one
 * window of the stretch's plan that keeps the position (one forward instead of the stretch's
 * three or four). The same rows as the whole stretch gives, so `computeLayerContext` reuses them.
 */
export function selectedWindowStates(
  runnable: RunnableModel,
  startTokenId: number,
  internals: ModelInternals,
  ids: readonly number[],
  stretch: { first: number; count: number },
  position: number,
  options: BigramCallOptions,
  /** Windows already run over the same ids through this session (the bigram comparison's). */
  reuseFrom: readonly WindowStatesCache[],
  /** Where the window, when it runs, is kept for the stretch's analysis (`computeLayerContext`). */
  keepIn: WindowStatesCache,
): Promise<HiddenStates> {
  return stretchHiddenStates(runnable, startTokenId, internals, ids, stretch, options, {
    onlyPosition: position,
    reuseFrom,
    keepIn,
  });
}

/** Hidden states of the stretch and the statistics over it (the expensive part). */
export async function computeLayerContext(
  runnable: RunnableModel,
  startTokenId: number,
  internals: ModelInternals,
  ids: readonly number[],
  stretch: { first: number; count: number },
  lensPositions: number,
  options: BigramCallOptions,
  /**
   * Windows already run over the same ids through this session: the selected position's, read
   * first for the table (`selectedWindowStates`), and the bigram comparison's.
   */
  reuseFrom: readonly WindowStatesCache[] = [],
): Promise<LayerContext> {
  const { first, count } = stretch;
  const n = ids.length;
  const L = internals.layerCount;
  const d = internals.hiddenSize;
  const allLayers = Array.from({ length: L + 1 }, (_, l) => l);
  const read = await stretchHiddenStates(runnable, startTokenId, internals, ids, stretch, options, { reuseFrom });
  const hidden = sliceRows(read, first + 1, first + count + 1);
  const matrices: Matrix[] = allLayers.map((l) => ({ values: hidden.layers.get(l)!, rows: count, cols: d }));
  const currentIds = ids.slice(first, first + count);
  const nextIds = currentIds.map((_, k) => (first + k + 1 < n ? ids[first + k + 1] : null));

  const sampled = spreadIndices(count, Math.max(1, lensPositions));
  const lensInputs: LensInputs = {
    internals,
    layers: matrices,
    finalLogits: hidden.logits!,
    vocabSize: runnable.vocabSize,
    sampled,
    currentIds,
    nextIds,
    signal: options.signal,
    onProgress: (done, total) => options.onProgress?.({ phase: 'lens', done, total }),
  };
  const graph = await lensGraphFor(runnable.model, internals);
  const lens = graph ? await lensStatisticsOnGraph(graph, lensInputs) : lensStatisticsInJs(lensInputs);
  const curves = cosineCurves(matrices, currentIds, nextIds, internals.inputEmbedding, internals.unembedding);
  const layers: LensLayerStats[] = allLayers.map((l) => {
    const [r1, r5, r10] = recallAtK(lens.currentTokenRanks[l]);
    return {
      layer: l,
      klToFinalMeanNats: lens.klNats[l].reduce((s, v) => s + v, 0) / lens.klNats[l].length,
      outSurprisalPearson: pearson(lens.lensSurprisalBits[l], lens.modelSurprisalBits),
      recallAt1: r1,
      recallAt5: r5,
      recallAt10: r10,
      cosineToCurrentEmbedding: curves.toCurrentEmbedding[l],
      cosineToNextKey: curves.toNextKey[l],
    };
  });
  const similarities = await covarianceSimilarities(runnable.model, matrices);
  return {
    key: layerContextKey(ids, first, count, lensPositions),
    first,
    count,
    hidden,
    layers,
    lensPositionCount: sampled.length,
    covariance: Array.from(similarities.covariance),
    covarianceStandardised: Array.from(similarities.covarianceStandardised),
  };
}

/**
 * Opens the lens and covariance graphs of a model before the first layer analysis needs them:
 * each copies weights into a new ONNX Runtime session (the lens graph the 8,192 × 256 keys),
 * which the first click would otherwise wait for. A graph that fails to open stays null, as in
 * the analysis itself (its JavaScript fallback runs). `model` is the session the analysis runs
 * the covariance graph with (it is cached per session); the lens graph only needs its runtime.
 */
export async function prepareLayerGraphs(
  model: PreTrainedModel,
  internals: ModelInternals,
  which: { covariance: boolean },
): Promise<void> {
  await Promise.all([
    lensGraphFor(model, internals),
    which.covariance ? covarianceGraphFor(model, internals.layerCount + 1, internals.hiddenSize) : null,
  ]);
}

/**
 * The per-layer view at one position, from rows that hold it (an analysed stretch's, or its
 * window's from `selectedWindowStates`): cheap (L + 1 lens rows).
 */
export function layerStatisticsAt(
  hidden: HiddenStates,
  internals: ModelInternals,
  ids: readonly number[],
  position: number,
  topK: number,
  vocab: number,
): LensResult['selected'] {
  const d = internals.hiddenSize;
  // Text position i is sequence index i + 1.
  const k = position + 1 - hidden.firstIndex;
  if (k < 0 || k >= hidden.count)
    throw new EngineError('bad-request', `Position ${position} is outside the analysed stretch.`);
  const final = softmax(hidden.logits!.subarray(k * vocab, (k + 1) * vocab));
  const nextTokenId = position + 1 < ids.length ? ids[position + 1] : null;
  const layers: LensPositionLayer[] = Array.from({ length: internals.layerCount + 1 }, (_, l) => {
    const h = hidden.layers.get(l)!.subarray(k * d, (k + 1) * d);
    const lensLogits = logitLens(h, internals.finalNorm, internals.unembedding, internals.unembeddingBias);
    const lens = softmax(lensLogits);
    return {
      layer: l,
      top: topProbabilities(lens, topK),
      klToFinalNats: klDivergenceNats(final, lens),
      nextRank: nextTokenId === null ? null : rankOf(lensLogits, nextTokenId),
      currentTokenRank: rankOf(scoreAgainstRows(internals.inputEmbedding, h), ids[position]),
    };
  });
  return { position, tokenId: ids[position], nextTokenId, layers };
}
