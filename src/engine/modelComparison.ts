/**
 * Two models with different tokenizers on one text (issue 5 item 6): each scores the text
 * after its start token, each token's surprisal is spread over its bytes and summed per word
 * (core/tokenizers/byteAlignedBits.ts), never per-token perplexity across tokenizers. And the
 * sanity view: the exact next byte after a prompt on each model (engine/biasLens.ts).
 *
 * NOTE: an Engine holds one model, and the worker's main engine is the one every view uses.
 * The second model lives in a second Engine inside the worker (SecondModel), loaded on first
 * use and kept until another is asked for. Running both in turn on one engine would unload the
 * lab's model and reload it after every comparison (seconds each time, and the lab's kept rows
 * lost); a second small model costs its weights in memory (the embedded ones: ~20 MB).
 * Both engines must share one runtime: ONNX Runtime is initialised once per worker.
 */
import { compareOnBytes, largestDisagreements, type ScoredSpan } from '../core/tokenizers/byteAlignedBits';
import { ByteSpanTokenizer } from './byteSpanTokenizer';

import { bytesProblem, LIMITS } from '../core/limits';

import { utf8Length } from '../core/tokenizers/words';

import { computeExactNextBytes, lemmaDepsOn, topBytes } from './biasLens';

import type { Engine } from './engine';

import { EngineError, throwIfCancelled } from './errors';

import type { LoadProgress, ModelInfo, ModelSource } from '../protocol/model';

import type {
  CompareModelsParams,
  CompareModelsProgress,
  CompareModelsResult,
  ModelOnText,
  NextBytesBothResult,
} from '../protocol/tokenizerLab';

/** A model on an engine with its tokenizer as the lab builds it (byte offsets, bytes per token). */
export interface ModelHandle {
  engine: Engine;
  tokenizer: ByteSpanTokenizer;
}

/** The second engine of the worker and the model it holds. */
export class SecondModel {
  private loaded: { sourceKey: string; handle: Promise<ModelHandle> } | null = null;

  constructor(private readonly engine: Engine) {}

  /**
   * Loads `source` unless it is already the one held (or being loaded: two requests share one
   * load), on the same backend as the main model.
   * NOTE: the load is not tied to the request's signal: a newer request (the text edited) may be
   * waiting for the same load, and cancelling the first must not fail the second. A cancelled
   * request stops waiting; the load finishes and is kept. Load progress goes to the request that
   * started it.
   */
  async ensure(
    source: ModelSource,
    main: ModelInfo,
    options: { signal?: AbortSignal; onProgress?: (p: LoadProgress) => void } = {},
  ): Promise<ModelHandle> {
    if (source.kind === 'folder')
      throw new EngineError(
        'bad-request',
        'The second model is an embedded model or a Hub id; load a folder as the main model instead.',
      );
    const sourceKey = JSON.stringify(source);
    if (this.loaded?.sourceKey !== sourceKey) {
      const handle = (async (): Promise<ModelHandle> => {
        await this.engine.load(
          { source, backend: main.backend === 'webgpu' ? 'auto' : 'wasm', dtype: 'auto' },
          { onProgress: options.onProgress },
        );
        return { engine: this.engine, tokenizer: tokenizerOf(this.engine) };
      })();
      const entry = { sourceKey, handle };
      this.loaded = entry;
      // A failed load is forgotten, so the next request tries again.
      handle.catch(() => {
        if (this.loaded === entry) this.loaded = null;
      });
    }
    const handle = await this.loaded!.handle;
    throwIfCancelled(options.signal, 'The comparison');
    return handle;
  }
}

/** The loaded model's tokenizer as a lab tokenizer. */
export function tokenizerOf(engine: Engine): ByteSpanTokenizer {
  const files = engine.modelTokenizerFiles();
  if (!files) throw new EngineError('no-model', 'No model is loaded yet.');
  return ByteSpanTokenizer.fromJson(files.tokenizerJson, files.tokenizerConfig);
}

const startTokenOf = (info: ModelInfo) => info.bosTokenId ?? info.eosTokenId ?? 0;

/** Each token of the text with its byte span and surprisal, the text scored after the start token. */
async function scoreOnBytes(
  model: ModelHandle,
  text: string,
  signal: AbortSignal | undefined,
  onProgress: (p: CompareModelsProgress) => void,
) {
  const info = model.engine.modelInfo!;
  const tokenization = model.tokenizer.tokenize(text);
  const ids = tokenization.tokens.map((t) => t.id);
  // The lab tokenizer is built from the model's own files: a difference would misplace every bit.
  const engineIds = model.engine.tokenize({ text }).ids;
  if (engineIds.length !== ids.length || engineIds.some((id, i) => id !== ids[i])) {
    throw new EngineError(
      'runtime',
      `${info.label}: the lab's tokenization differs from the model's own; cannot align it on bytes.`,
    );
  }
  onProgress({ phase: 'scoring', label: info.label, done: 0, total: 1 });
  const result = await model.engine.score(
    { ids: [startTokenOf(info), ...ids], topK: 1 },
    {
      signal,
      onProgress: (w) =>
        onProgress({ phase: 'scoring', label: info.label, done: w.doneWindows, total: w.totalWindows }),
    },
  );
  const spans: ScoredSpan[] = tokenization.tokens.map((t, k) => ({
    start: t.start,
    end: t.end,
    surprisalBits: -Math.log2(result.positions[k].probability),
  }));
  return { spans, processedTokens: result.processedTokens, elapsedMs: result.elapsedMs };
}

function summary(
  model: ModelHandle,
  tokens: number,
  bits: number,
  bytes: number,
  run: { processedTokens: number; elapsedMs: number },
): ModelOnText {
  return {
    label: model.engine.modelInfo!.label,
    tokenizerAlgorithm: model.tokenizer.description.algorithm,
    vocabularySize: model.tokenizer.description.vocabularySize,
    tokens,
    bits,
    bitsPerByte: bytes ? bits / bytes : 0,
    processedTokens: run.processedTokens,
    elapsedMs: run.elapsedMs,
  };
}

/** Bits per byte per word of two models on one text. */
export async function compareModelsOnText(
  params: Pick<CompareModelsParams, 'text' | 'top'>,
  a: ModelHandle,
  b: ModelHandle,
  options: { signal?: AbortSignal; onProgress?: (p: CompareModelsProgress) => void } = {},
): Promise<CompareModelsResult> {
  const bytes = utf8Length(params.text);
  if (bytes === 0) throw new EngineError('bad-request', 'Type a text to compare the two models on.');
  const tooLong = bytesProblem(LIMITS.twoModels, bytes);
  if (tooLong) throw new EngineError('bad-request', `${tooLong} Use the first part of it.`);
  const progress = options.onProgress ?? (() => {});
  const runA = await scoreOnBytes(a, params.text, options.signal, progress);
  throwIfCancelled(options.signal, 'The comparison');
  const runB = await scoreOnBytes(b, params.text, options.signal, progress);
  const comparison = compareOnBytes(params.text, runA.spans, runB.spans);
  return {
    bytes,
    a: summary(a, runA.spans.length, comparison.totals.bitsA, bytes, runA),
    b: summary(b, runB.spans.length, comparison.totals.bitsB, bytes, runB),
    words: comparison.words,
    largest: largestDisagreements(comparison.words, params.top ?? 15),
  };
}

/** The exact next byte after a prompt on each model (on a byte-token model: its own next-byte distribution). */
export async function nextBytesOnBoth(
  prompt: string,
  models: readonly ModelHandle[],
  options: { signal?: AbortSignal; top?: number } = {},
): Promise<NextBytesBothResult> {
  const out: NextBytesBothResult['models'] = [];
  for (const model of models) {
    const info = model.engine.modelInfo!;
    const result = await computeExactNextBytes({ prompt }, lemmaDepsOn(model.engine, model.tokenizer, options.signal));
    const vocabulary = model.tokenizer.vocabularyBytes();
    out.push({
      label: info.label,
      tokenizerAlgorithm: model.tokenizer.description.algorithm,
      tokensAreBytes: vocabulary.every((bytes) => bytes.length <= 1),
      bytes: topBytes(result.probabilities, options.top ?? 8),
      forwardPasses: result.forwardPasses,
      errorBound: result.errorBound,
      elapsedMs: result.elapsedMs,
    });
  }
  return { prompt, models: out };
}
