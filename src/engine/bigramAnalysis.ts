/**
 * The bigram and layer views on the loaded model (runs in the worker, and under Node for the
 * CLI): context-1 predictions ([start, token], in batches) beside the full-context ones, the
 * bigram table, the corpus bigram reference and its approximations, and the logit lens and
 * layer statistics from the exported residual stream. Maths lives in core/bigram.
 */
import { DynamicCache, Tensor } from '@huggingface/transformers';
import {
  bigramDistribution,
  countBigrams,
  crossEntropyBits,
  decodeCorpusBigram,
  hasContext,
  mostFrequentTokens,
  pearson,
  summarizeBigram,
  type BigramPositionComparison,
  type CorpusBigram,
} from '../core/bigram';
import { firstMlpPathLogits } from '../core/bigram/firstMlpPath';
import { logitLens } from '../core/bigram/layers';
import { entropyBits, softmax } from '../core/distribution';
import { LIMITS, tokensProblem } from '../core/limits';
import { compareStretchOnModel } from './bigramComparison';
import { EngineError, throwIfCancelled } from './errors';
import { checkIds, forwardAll, logitsAsFloat32, tensorData, type RunnableModel } from './inference';
import { exclusiveOnnxRuntime, forwardAndRead } from './onnxRuntimeQueue';
import { topProbabilities, type BigramCallOptions } from './analysisShared';
import {
  analysedStretch,
  collectHiddenStates,
  computeLayerContext,
  layerContextKey,
  layerStatisticsAt,
  prepareLayerGraphs,
  selectedWindowStates,
  type LayerContext,
} from './layerAnalysis';
import type { InternalsResult, ModelInternals } from './modelInternals';
import { WindowStatesCache } from './windowStatesCache';
import type {
  ApproximationScore,
  BigramAnalyzeResult,
  BigramCorpusParams,
  BigramCorpusResult,
  BigramTableParams,
  BigramTableResult,
  BigramTableRow,
  CorpusInfo,
  CorpusSource,
  InternalsReport,
  LensParams,
  LensResult,
  LensSelectedResult,
  TokenProbability,
} from '../protocol/bigram';

export { topProbabilities, type BigramCallOptions } from './analysisShared';

/** Sequences of [start, token] per forward pass, without a KV cache (both positions computed). */
const CONTEXT_ONE_BATCH = 32;
/** Logits of one context-1 pass over the start token's KV cache (floats; ~8 MB): 256 rows at an 8k vocabulary. */
const CONTEXT_ONE_PAST_BATCH_FLOATS = 2 * 1024 * 1024;
const CONTEXT_ONE_PAST_BATCH_MAX = 256;
/** Context-1 logits rows kept per model (floats; ~32 MB). */
const CONTEXT_ONE_CACHE_FLOATS = 8 * 1024 * 1024;
const MAX_TABLE_ROWS = 4096;
/** Full-context logits held at once while comparing a long text (floats; ~32 MB). */
const CHUNK_LOGITS_FLOATS = 8 * 1024 * 1024;
/**
 * The comparison's windows (hidden states and logits) kept for the layer view (floats; ~32 MB:
 * ~840 tokens of sotu-gpt). Only its first chunk's are kept, so the arrays they view stay at
 * one chunk's (CHUNK_LOGITS_FLOATS of logits and the hidden states).
 */
const WINDOW_STATES_FLOATS = 8 * 1024 * 1024;

/** A selected position's answer, by the stretch its rows came from (layerContextKey), the position and top-k. */
function selectedKey(rowsKey: string, position: number, topK: number): string {
  return `${position}:${topK}:${rowsKey}`;
}

export class BigramAnalyzer {
  private contextOne = new Map<number, Float32Array>();
  private tableRows = new Map<string, BigramTableRow>();
  private corpus: { info: CorpusInfo; counts: CorpusBigram } | null = null;
  private internalsRead: InternalsResult | null = null;
  /** The last layer analysis's stretch (hidden states and statistics). */
  private layerContext: LayerContext | null = null;
  /**
   * The window `lensSelected` ran (one at a time, whatever its size), until `lens` uses it: held
   * by its exact ids, read through the layer session.
   */
  private readonly selectedWindow = new WindowStatesCache(Infinity);
  /** The last `lensSelected` answer, which `lens` at the same position returns again. */
  private lastSelected: { key: string; selected: LensResult['selected'] } | null = null;
  /** The second session whose graph outputs the residual stream, when the loaded one does not. */
  private layerModel: Promise<RunnableModel> | null = null;
  /** The KV cache of [start] alone (CPU copies), which every context-1 row continues; null without past inputs. */
  private startPast: Promise<Record<string, Tensor> | null> | null = null;
  /**
   * The last compared text's windows as its full-context forward ran them (every hidden state
   * and the logits), which the layer view copies instead of running them again; only where the
   * layer view runs the loaded session itself.
   */
  private readonly windowStates = new WindowStatesCache(WINDOW_STATES_FLOATS);

  constructor(
    private readonly runnable: RunnableModel,
    private readonly startTokenId: number,
    private readonly readInternals: () => InternalsResult,
    private readonly encode: (text: string) => number[],
    /** Opens the model again with these values added as graph outputs (engine.ts). */
    private readonly openWithOutputs?: (outputNames: readonly string[]) => Promise<RunnableModel>,
  ) {}

  /** The model the layer views run: the loaded one, or (opened on first use) one whose graph outputs the residual stream. */
  private async layerRunnable(internals: ModelInternals): Promise<RunnableModel> {
    if (!internals.outputsAdded) return this.runnable;
    if (!this.openWithOutputs)
      throw new EngineError(
        'unsupported-model',
        'This runtime cannot open a second session with the residual stream added as outputs.',
      );
    this.layerModel ??= this.openWithOutputs(internals.hiddenStateNames);
    try {
      return await this.layerModel;
    } catch (error) {
      this.layerModel = null;
      throw error;
    }
  }

  /** The comparison's windows, where the layer view runs the very session they came from. */
  private windowStatesFor(internals: ModelInternals): WindowStatesCache | undefined {
    return internals.outputsAdded ? undefined : this.windowStates;
  }

  /** Windows the layer view copies instead of running: the selected position's, and the comparison's. */
  private layerWindows(internals: ModelInternals): WindowStatesCache[] {
    const comparison = this.windowStatesFor(internals);
    return comparison ? [this.selectedWindow, comparison] : [this.selectedWindow];
  }

  /**
   * Full-context logits for sequence indices [fromIndex, toIndex) (rows past toIndex may
   * follow), from the windows planned over the whole sequence, as the lab plans them: a
   * position's row does not depend on the chunk it falls in. With `keepWindows`, where
   * the loaded session outputs the residual stream, the windows' hidden states are read too and
   * kept for the layer view: the same forwards, so the logits are the same, bit for bit. Without
   * it (a later chunk, whose windows are not kept) only the logits are read.
   */
  private async fullContextLogits(
    seq: readonly number[],
    fromIndex: number,
    toIndex: number,
    keepWindows: boolean,
    signal?: AbortSignal,
  ): Promise<Float32Array> {
    const read = this.internals();
    const windowCache = read.ok && keepWindows ? this.windowStatesFor(read.internals) : undefined;
    if (!read.ok || !windowCache)
      return (await forwardAll(this.runnable, seq, { fromPosition: fromIndex, toPosition: toIndex, signal })).logits;
    const { internals } = read;
    const hidden = await collectHiddenStates(this.runnable, seq, internals.layerCount, {
      firstIndex: fromIndex,
      endIndex: toIndex,
      layers: Array.from({ length: internals.layerCount + 1 }, (_, l) => l),
      withLogits: true,
      outputNames: internals.hiddenStateNames,
      signal,
      reuseFrom: [windowCache],
      keepIn: windowCache,
    });
    return hidden.logits!;
  }

  internals(): InternalsResult {
    this.internalsRead ??= this.readInternals();
    return this.internalsRead;
  }

  internalsReport(): InternalsReport {
    const read = this.internals();
    if (!read.ok)
      return {
        available: false,
        reason: read.reason,
        layerCount: null,
        finalNormSource: null,
        residualSource: null,
        firstMlpPath: false,
      };
    return {
      available: true,
      reason: null,
      layerCount: read.internals.layerCount,
      finalNormSource: read.internals.finalNormSource,
      residualSource: read.internals.residualSource,
      firstMlpPath: read.internals.firstBlock !== null,
    };
  }

  /**
   * Context-1 logits for each distinct token: the model run on [start, token], batched.
   * `onRow` gets each row as it is computed (rows are cached only while the cache has room).
   */
  async contextOneLogits(
    tokenIds: readonly number[],
    options: BigramCallOptions & { onRow?: (id: number, row: Float32Array) => void } = {},
  ): Promise<{ computed: number; batches: number }> {
    checkIds(tokenIds, this.runnable.vocabSize);
    const vocab = this.runnable.vocabSize;
    const distinct = [...new Set(tokenIds)];
    for (const id of distinct) {
      const cached = this.contextOne.get(id);
      if (cached) options.onRow?.(id, cached);
    }
    const missing = distinct.filter((id) => !this.contextOne.has(id));
    const startPast = missing.length > 0 ? await this.startTokenPast() : null;
    const batchSize = startPast
      ? Math.max(1, Math.min(CONTEXT_ONE_PAST_BATCH_MAX, Math.floor(CONTEXT_ONE_PAST_BATCH_FLOATS / vocab)))
      : CONTEXT_ONE_BATCH;
    const batches = Math.ceil(missing.length / batchSize);
    for (let b = 0; b < batches; b++) {
      throwIfCancelled(options.signal, 'The bigram predictions');
      const batch = missing.slice(b * batchSize, (b + 1) * batchSize);
      const logits = startPast ? await this.contextOneAfterStart(batch, startPast) : await this.contextOnePairs(batch);
      batch.forEach((id, i) => {
        const row = logits.slice(i * vocab, (i + 1) * vocab);
        if ((this.contextOne.size + 1) * vocab <= CONTEXT_ONE_CACHE_FLOATS) this.contextOne.set(id, row);
        options.onRow?.(id, row);
      });
      options.onProgress?.({ phase: 'context-1', done: b + 1, total: batches });
    }
    return { computed: missing.length, batches };
  }

  /**
   * The model's KV cache after the start token alone, copied to the CPU, computed once per
   * model. Every context-1 run [start, token] shares it, so a batch feeds only the tokens
   * ([B, 1] over this cache) instead of [B, 2]: half the tokens through the model.
   */
  private startTokenPast(): Promise<Record<string, Tensor> | null> {
    const inputNames: readonly string[] = this.runnable.model.sessions?.model?.inputNames ?? [];
    if (!inputNames.some((name) => name.startsWith('past_key_values.'))) return Promise.resolve(null);
    this.startPast ??= forwardAndRead(
      this.runnable.model,
      {
        input_ids: new Tensor('int64', BigInt64Array.of(BigInt(this.startTokenId)), [1, 1]),
        attention_mask: new Tensor('int64', BigInt64Array.of(1n), [1, 1]),
      },
      async (outputs) => {
        const past: Record<string, Tensor> = {};
        for (const [name, tensor] of Object.entries(outputs)) {
          if (!name.startsWith('present')) continue;
          const data = (await tensorData(tensor)) as Float32Array | Uint16Array;
          past[name.replace(/^present/, 'past_key_values')] = new Tensor(tensor.type, data.slice(), tensor.dims);
        }
        return past;
      },
    ).catch((error: unknown) => {
      this.startPast = null;
      throw error;
    });
    return this.startPast;
  }

  /** Context-1 logits [batch × V] of `[start, token]` for each token: one pass of [B, 1] over the start token's cache. */
  private async contextOneAfterStart(
    batch: readonly number[],
    startPast: Record<string, Tensor>,
  ): Promise<Float32Array> {
    const count = batch.length;
    const past: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(startPast)) {
      // [1, heads, 1, head size] repeated along the batch axis.
      const data = tensor.data as Float32Array | Uint16Array;
      const tiled = new (data.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(count * data.length);
      for (let i = 0; i < count; i++) tiled.set(data, i * data.length);
      past[name] = new Tensor(tensor.type, tiled, [count, ...tensor.dims.slice(1)]);
    }
    const inputs = {
      input_ids: new Tensor(
        'int64',
        BigInt64Array.from(batch, (id) => BigInt(id)),
        [count, 1],
      ),
      attention_mask: new Tensor('int64', new BigInt64Array(count * 2).fill(1n), [count, 2]),
      // NOTE: one cache object, as StepCache passes it: transformers.js derives position ids (1) from it.
      past_key_values: new DynamicCache(past),
    };
    return forwardAndRead(this.runnable.model, inputs, (outputs) => this.readLogits(outputs.logits));
  }

  /** Context-1 logits [batch × V] of `[start, token]` for each token, without a cache: [B, 2], the second position kept. */
  private async contextOnePairs(batch: readonly number[]): Promise<Float32Array> {
    const vocab = this.runnable.vocabSize;
    const ids = new BigInt64Array(batch.length * 2);
    batch.forEach((id, i) => {
      ids[2 * i] = BigInt(this.startTokenId);
      ids[2 * i + 1] = BigInt(id);
    });
    const inputs = {
      input_ids: new Tensor('int64', ids, [batch.length, 2]),
      attention_mask: new Tensor('int64', new BigInt64Array(batch.length * 2).fill(1n), [batch.length, 2]),
    };
    const logits = await forwardAndRead(this.runnable.model, inputs, (outputs) => this.readLogits(outputs.logits));
    const rows = new Float32Array(batch.length * vocab);
    for (let i = 0; i < batch.length; i++)
      rows.set(logits.subarray((2 * i + 1) * vocab, (2 * i + 2) * vocab), i * vocab);
    return rows;
  }

  private async readLogits(logits: Tensor): Promise<Float32Array> {
    if (logits.dims[2] !== this.runnable.vocabSize)
      throw new EngineError(
        'runtime',
        `The model produced ${logits.dims[2]} logits per position, expected ${this.runnable.vocabSize}.`,
      );
    return logitsAsFloat32(logits);
  }

  /**
   * Every position of a text: full-context vs context-1 prediction, and the summary. Runs in
   * chunks of positions so a long text never holds more than ~32 MB of logits at once.
   */
  async analyze(ids: readonly number[], options: BigramCallOptions = {}): Promise<BigramAnalyzeResult> {
    if (ids.length === 0) throw new EngineError('bad-request', 'The text has no tokens to compare.');
    const tooMany = tokensProblem(LIMITS.bigramView, ids.length);
    if (tooMany) throw new EngineError('bad-request', tooMany);
    checkIds(ids, this.runnable.vocabSize);
    const started = performance.now();
    const vocab = this.runnable.vocabSize;
    const chunk = Math.max(16, Math.floor(CHUNK_LOGITS_FLOATS / vocab));
    const chunks = Math.ceil(ids.length / chunk);
    const rows: BigramPositionComparison[] = [];
    let computed = 0;
    let batches = 0;
    this.windowStates.clear();
    const seq = [this.startTokenId, ...ids];
    for (let c = 0; c < chunks; c++) {
      const from = c * chunk;
      const to = Math.min(ids.length, from + chunk);
      // Sequence index p + 1 holds the prediction after text token p.
      const fullLogits = await this.fullContextLogits(seq, from + 1, to + 1, c === 0, options.signal);
      options.onProgress?.({ phase: 'full-context', done: c + 1, total: chunks });
      const rowsById = new Map<number, Float32Array>();
      const run = await this.contextOneLogits(ids.slice(from, to), {
        ...options,
        onRow: (id, row) => rowsById.set(id, row),
      });
      computed += run.computed;
      batches += run.batches;
      const compared = await compareStretchOnModel(this.runnable.model, {
        ids,
        from,
        to,
        fullRow: (p) => fullLogits.subarray((p - from) * vocab, (p - from + 1) * vocab),
        bigramRow: (id) => rowsById.get(id)!,
        vocabSize: vocab,
        signal: options.signal,
      });
      for (const row of compared) rows.push(row);
    }
    return {
      startTokenId: this.startTokenId,
      rows,
      summary: summarizeBigram(rows),
      contextOneComputed: computed,
      contextOneBatches: batches,
      internals: this.internalsReport(),
      elapsedMs: performance.now() - started,
    };
  }

  /** Sets the corpus bigram reference: a counts file, or a text tokenized with the model's tokenizer. */
  setCorpus(source: CorpusSource): CorpusInfo {
    let counts: CorpusBigram;
    if (source.kind === 'file') {
      try {
        counts = decodeCorpusBigram(source.bytes);
      } catch (error) {
        throw new EngineError('bad-request', `${source.label}: ${(error as Error).message}.`);
      }
      if (counts.vocabSize !== this.runnable.vocabSize)
        throw new EngineError(
          'bad-request',
          `${source.label} counts a vocabulary of ${counts.vocabSize} tokens; the loaded model has ${this.runnable.vocabSize}.`,
        );
    } else {
      const tokens = this.encode(source.text);
      if (tokens.length < 2)
        throw new EngineError('bad-request', 'The reference text needs at least two tokens to count bigrams.');
      counts = countBigrams(tokens, this.runnable.vocabSize);
    }
    const contexts = counts.contextCounts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    const info = { label: source.label, tokens: counts.tokenCount, contexts, pairs: counts.nextIds.length };
    this.corpus = { info, counts };
    return info;
  }

  /** The context-1 table for the given tokens (or the corpus's most frequent), cached per model. */
  async table(params: BigramTableParams, options: BigramCallOptions = {}): Promise<BigramTableResult> {
    const topK = params.topK ?? 5;
    const corpus = this.corpus;
    let tokenIds = params.tokenIds;
    if (!tokenIds) {
      if (!corpus) throw new EngineError('bad-request', 'Without a corpus reference, name the tokens to tabulate.');
      tokenIds = mostFrequentTokens(corpus.counts, Math.min(params.count ?? 200, MAX_TABLE_ROWS));
    }
    if (tokenIds.length > MAX_TABLE_ROWS)
      throw new EngineError('bad-request', `At most ${MAX_TABLE_ROWS} rows per table (asked for ${tokenIds.length}).`);
    const keyOf = (id: number) => `${corpus?.info.label ?? ''}|${topK}|${id}`;
    const missing = tokenIds.filter((id) => !this.tableRows.has(keyOf(id)));
    await this.contextOneLogits(missing, {
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ ...p, phase: 'table' }),
      onRow: (id, row) => {
        const probabilities = softmax(row);
        let corpusTop: TokenProbability[] | null = null;
        let ce: number | null = null;
        let count: number | null = null;
        if (corpus) {
          count = corpus.counts.contextCounts[id];
          if (hasContext(corpus.counts, id)) {
            const target = bigramDistribution(corpus.counts, id);
            corpusTop = topProbabilities(target, topK);
            ce = crossEntropyBits(target, probabilities);
          } else corpusTop = [];
        }
        this.tableRows.set(keyOf(id), {
          tokenId: id,
          top: topProbabilities(probabilities, topK),
          entropyBits: entropyBits(probabilities),
          corpusTop,
          corpusCrossEntropyBits: ce,
          corpusContextCount: count,
        });
      },
    });
    return {
      rows: tokenIds.map((id) => this.tableRows.get(keyOf(id))!),
      cachedRows: tokenIds.length - new Set(missing).size,
      computedRows: new Set(missing).size,
      corpusLabel: corpus?.info.label ?? null,
    };
  }

  /** How close the full model and each bigram approximation come to the corpus bigram, over a text's positions. */
  async compareWithCorpus(params: BigramCorpusParams, options: BigramCallOptions = {}): Promise<BigramCorpusResult> {
    const corpus = this.corpus;
    if (!corpus)
      throw new EngineError('bad-request', 'No corpus reference is set: pick the training split or give a text first.');
    const ids = params.ids.slice(0, (params.maxPositions ?? 256) + 1);
    if (ids.length < 2)
      throw new EngineError('bad-request', 'The text needs at least two tokens to compare with the corpus.');
    checkIds(ids, this.runnable.vocabSize);
    const vocab = this.runnable.vocabSize;
    const positions = ids.length - 1;
    const targets = ids.slice(0, positions).map((w) => bigramDistribution(corpus.counts, w));
    const predictions = new Map<string, (i: number) => ArrayLike<number>>();
    const unavailable: BigramCorpusResult['unavailable'] = [];

    const full = await forwardAll(this.runnable, [this.startTokenId, ...ids.slice(0, positions)], {
      fromPosition: 1,
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ phase: 'full-context', done: p.doneWindows, total: p.totalWindows }),
    });
    predictions.set('full-model', (i) => full.logits.subarray(i * vocab, (i + 1) * vocab));
    const contextOne = new Map<number, Float32Array>();
    await this.contextOneLogits(ids.slice(0, positions), { ...options, onRow: (id, row) => contextOne.set(id, row) });
    predictions.set('context-1', (i) => contextOne.get(ids[i])!);

    const read = this.internals();
    if (!read.ok) {
      unavailable.push({ name: 'early-exit-1', reason: read.reason }, { name: 'first-mlp-only', reason: read.reason });
    } else {
      const { internals } = read;
      const hidden = await collectHiddenStates(
        await this.layerRunnable(internals),
        [this.startTokenId, ...ids.slice(0, positions)],
        internals.layerCount,
        {
          firstIndex: 1,
          layers: [1],
          outputNames: internals.hiddenStateNames,
          signal: options.signal,
          onProgress: (p) => options.onProgress?.({ ...p, phase: 'hidden-states' }),
        },
      );
      const layerOne = hidden.layers.get(1)!;
      const d = internals.hiddenSize;
      predictions.set('early-exit-1', (i) =>
        logitLens(
          layerOne.subarray(i * d, (i + 1) * d),
          internals.finalNorm,
          internals.unembedding,
          internals.unembeddingBias,
        ),
      );
      const block = internals.firstBlock;
      if (block) {
        const cache = new Map<number, Float64Array>();
        // Position 1: where the token sits in the context-1 run [start, token].
        predictions.set('first-mlp-only', (i) => {
          const w = ids[i];
          if (!cache.has(w)) cache.set(w, firstMlpPathLogits(w, 1, { ...internals, firstBlock: block }));
          return cache.get(w)!;
        });
      } else {
        unavailable.push({
          name: 'first-mlp-only',
          reason:
            "The first-MLP-only path reads the first block's fp32 weights by the node names of a GPT-2 export (tools/models/gpt.py) or a Llama export (/model/layers.0/…/v_proj, gate_proj); this graph is laid out differently (fused or quantized ops, or other names).",
        });
      }
    }

    const scores: ApproximationScore[] = [];
    for (const [name, predict] of predictions) {
      throwIfCancelled(options.signal, 'The corpus comparison');
      let ce = 0;
      const model: number[] = [];
      const reference: number[] = [];
      for (let i = 0; i < positions; i++) {
        const q = softmax(predict(i));
        ce += crossEntropyBits(targets[i], q);
        model.push(-Math.log2(q[ids[i + 1]]));
        reference.push(-Math.log2(targets[i][ids[i + 1]]));
      }
      scores.push({
        name: name as ApproximationScore['name'],
        crossEntropyBits: ce / positions,
        surprisalPearson: pearson(model, reference),
        positions,
      });
      options.onProgress?.({ phase: 'corpus', done: scores.length, total: predictions.size });
    }
    const seen = ids.slice(0, positions).filter((w) => hasContext(corpus.counts, w)).length;
    return { corpus: corpus.info, seenContextRate: seen / positions, scores, unavailable };
  }

  /** The stretch a lens call analyses, and whether the kept stretch statistics already cover it. */
  private lensPlan(params: LensParams) {
    const read = this.internals();
    if (!read.ok) throw new EngineError('unsupported-model', read.reason);
    const { ids, position } = params;
    if (ids.length === 0) throw new EngineError('bad-request', 'The text has no tokens.');
    if (!(Number.isInteger(position) && position >= 0 && position < ids.length))
      throw new EngineError('bad-request', `Position ${position} is outside 0..${ids.length - 1}.`);
    checkIds(ids, this.runnable.vocabSize);
    const lensPositions = params.lensPositions ?? 128;
    const maxPositions = Math.max(2, params.maxPositions ?? 512);
    const context = this.layerContext;
    const covered =
      context !== null &&
      position >= context.first &&
      position < context.first + context.count &&
      context.key === layerContextKey(ids, context.first, context.count, lensPositions) &&
      context.count === Math.min(ids.length, maxPositions);
    const stretch = analysedStretch(ids.length, position, maxPositions);
    return {
      internals: read.internals,
      lensPositions,
      stretch,
      key: layerContextKey(ids, stretch.first, stretch.count, lensPositions),
      context: covered ? context : null,
    };
  }

  /**
   * The selected position's layers alone (the layer view's table): from the kept stretch when
   * it covers the position, else one forward over the window that holds it, kept for `lens`.
   */
  async lensSelected(params: LensParams, options: BigramCallOptions = {}): Promise<LensSelectedResult> {
    const started = performance.now();
    const plan = this.lensPlan(params);
    const { ids, position } = params;
    let hidden = plan.context?.hidden ?? null;
    if (!hidden) {
      this.selectedWindow.clear();
      hidden = await selectedWindowStates(
        await this.layerRunnable(plan.internals),
        this.startTokenId,
        plan.internals,
        ids,
        plan.stretch,
        position,
        options,
        this.layerWindows(plan.internals),
        this.selectedWindow,
      );
    }
    const topK = params.topK ?? 5;
    const selected = layerStatisticsAt(hidden, plan.internals, ids, position, topK, this.runnable.vocabSize);
    this.lastSelected = { key: selectedKey(plan.context?.key ?? plan.key, position, topK), selected };
    return { layerCount: plan.internals.layerCount, selected, elapsedMs: performance.now() - started };
  }

  /**
   * Per-layer statistics at one position and over the text (logit lens, KL, recall, cosines,
   * covariance). The statistics over the stretch are kept, so another position in the same
   * stretch of the same text costs only its own L + 1 lens rows; a window `lensSelected` just
   * read for this stretch, or one the comparison of this text ran, is not run again.
   */
  async lens(params: LensParams, options: BigramCallOptions = {}): Promise<LensResult> {
    const started = performance.now();
    const plan = this.lensPlan(params);
    const { ids, position } = params;
    let context = plan.context;
    if (!context) {
      this.layerContext = null;
      context = await computeLayerContext(
        await this.layerRunnable(plan.internals),
        this.startTokenId,
        plan.internals,
        ids,
        plan.stretch,
        plan.lensPositions,
        options,
        this.layerWindows(plan.internals),
      );
      this.layerContext = context;
      this.selectedWindow.clear();
    }
    // The same rows as lensSelected's (its window is the stretch's), so its answer is reused.
    const topK = params.topK ?? 5;
    const selected =
      this.lastSelected?.key === selectedKey(context.key, position, topK)
        ? this.lastSelected.selected
        : layerStatisticsAt(context.hidden, plan.internals, ids, position, topK, this.runnable.vocabSize);
    const { layers, covariance, covarianceStandardised, first, count, lensPositionCount } = context;
    return {
      layerCount: plan.internals.layerCount,
      firstPosition: first,
      positionCount: count,
      lensPositionCount,
      layers,
      selected,
      covariance,
      covarianceStandardised,
      reusedStretch: plan.context !== null,
      elapsedMs: performance.now() - started,
    };
  }

  /**
   * Opens the layer view's graphs now, so the first click does not wait for them; false where
   * there is no layer view. A model whose residual stream needs a second session (a copy of the
   * model) gets only the lens graph: that session stays for the first click to open.
   */
  async prepareLayers(): Promise<{ prepared: boolean }> {
    const read = this.internals();
    if (!read.ok) return { prepared: false };
    await prepareLayerGraphs(this.runnable.model, read.internals, { covariance: !read.internals.outputsAdded });
    return { prepared: true };
  }

  reset(): void {
    this.contextOne.clear();
    this.startPast = null;
    this.tableRows.clear();
    this.corpus = null;
    this.layerContext = null;
    this.selectedWindow.clear();
    this.lastSelected = null;
    this.windowStates.clear();
    // The engine resets on unload: the second session goes with the model.
    const layerModel = this.layerModel;
    this.layerModel = null;
    void layerModel?.then(
      (r) => exclusiveOnnxRuntime(() => r.model.dispose()),
      () => undefined,
    );
  }
}
