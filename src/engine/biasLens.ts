/**
 * The tokenization-bias lens (docs/PAPERS.md section 4) on the loaded model: for a prompt that
 * ends mid-word or with a trailing space, (a) the naive next token / next byte after the
 * prompt as tokenized, (b) token healing, (c) the exact next byte and next characters from
 * the byte-token representation lemma, run on the model by core/tokenizers/lemmaOnModel.ts
 * (which says how exact they are: every candidate checked, or pruned with an error bound).
 */
import {
  modelRounds,
  exactNextBytesOnModel,
  TooManyForwardPassesError,
  type LemmaOnModelResult,
  type ModelRounds,
} from '../core/tokenizers/lemmaOnModel';

import type { ByteSpanTokenizer } from './byteSpanTokenizer';

import { TokenByteIndex } from '../core/tokenizers/tokenByteIndex';

import { naiveNextByteDistribution, tokenHealing } from '../core/tokenizers/tokenHealing';

import { renderTokenBytes } from '../core/tokenization/tokenBytes';

import { bytesProblem, LIMITS } from '../core/limits';

import { EngineError, isAbortError, throwIfCancelled } from './errors';

import type { Engine } from './engine';

import type {
  BiasLensParams,
  BiasLensResult,
  ByteProbability,
  ExactNextByteFigures,
  TokenProbability,
} from '../protocol/tokenizerLab';

export interface BiasLensDeps {
  tokenizer: ByteSpanTokenizer;
  /** Put before the prompt's tokens on every call (the model's start token), or null. */
  startTokenId: number | null;
  /** Logits for the token after `ids` (the start token included). */
  nextLogits: (ids: number[]) => Promise<ArrayLike<number>>;
  signal?: AbortSignal;
  /** After each forward pass. */
  onProgress?: (progress: { forwardPasses: number }) => void;
}

const MAX_FORWARD_PASSES = 400;
/**
 * Above this vocabulary, candidates below PRUNE_BELOW are not checked (the result carries its
 * error bound): checking every candidate re-encodes once per vocabulary token after each
 * context, 22-42 s a prompt on Qwen3's 151,669 tokens against 2-5 s pruned at 1e-6
 * (docs/TOKENIZER-LAB.md). Below it, every candidate is checked and the result is exact.
 */
const PRUNE_ABOVE_VOCABULARY = 50_000;
const PRUNE_BELOW = 1e-6;
const encoder = new TextEncoder();

export function byteLabel(byte: number): string {
  if (byte === 0x20) return '␣';
  if (byte === 0x0a) return '↵';
  if (byte > 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  return `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

export function topBytes(probabilities: ArrayLike<number>, top: number): ByteProbability[] {
  return Array.from(probabilities)
    .map((probability, byte) => ({ byte, label: byteLabel(byte), probability }))
    .filter((b) => b.probability > 0)
    .sort((a, b) => b.probability - a.probability || a.byte - b.byte)
    .slice(0, top);
}

function topTokens(logProbs: ArrayLike<number>, tokenizer: ByteSpanTokenizer, top: number): TokenProbability[] {
  const ids = Array.from({ length: logProbs.length }, (_, id) => id)
    .sort((a, b) => logProbs[b] - logProbs[a])
    .slice(0, top);
  return ids.map((id) => ({
    id,
    text: renderTokenBytes(tokenizer.tokenBytes(id)),
    probability: Math.exp(logProbs[id]),
  }));
}

/** The exact next byte after a prompt on a model (the lemma alone, without naive and healing). */
export interface ExactNextBytesResult extends ExactNextByteFigures {
  prompt: string;
  /** P(next byte = b | prompt) for b = 0..255, given that a byte follows; sums to 1. */
  probabilities: number[];
  /** P(a byte follows | prompt): below 1 by the end-of-text mass and non-canonical continuations. */
  continuationProbability: number;
}

/**
 * The lemma's model on a loaded engine: its tokenizer as the lab builds it, the start token the
 * next-token lab puts before every text, and its next-token logits (KV-cached steps).
 */
export function lemmaDepsOn(engine: Engine, tokenizer: ByteSpanTokenizer, signal?: AbortSignal): BiasLensDeps {
  const info = engine.modelInfo;
  if (!info) throw new EngineError('no-model', 'No model is loaded yet.');
  return {
    tokenizer,
    startTokenId: info.bosTokenId ?? info.eosTokenId ?? 0,
    nextLogits: async (ids) => (await engine.step({ ids }, { signal })).logits,
    signal,
  };
}

export function roundsFor(deps: BiasLensDeps, vocabularySize: number): ModelRounds {
  return modelRounds({ ...deps, maxForwardPasses: MAX_FORWARD_PASSES }, vocabularySize);
}

/** The core's errors as the engine's: a cancelled run stays cancelled, too long a prompt is the user's to shorten. */
export async function asEngineErrors<T>(run: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await run;
  } catch (error) {
    if (isAbortError(error) || signal?.aborted) throwIfCancelled(signal, 'The exact next byte');
    if (error instanceof TooManyForwardPassesError) throw new EngineError('bad-request', error.message);
    throw error;
  }
}

function promptBytes(prompt: string): Uint8Array {
  const x = encoder.encode(prompt);
  if (x.length === 0)
    throw new EngineError('bad-request', 'Type a prompt: the lens needs text that ends mid-word or with a space.');
  const tooLong = bytesProblem(LIMITS.nextBytes, x.length, 'The prompt');
  if (tooLong) throw new EngineError('bad-request', tooLong);
  return x;
}

/** The lemma on the model after the prompt's bytes `x`, pruned only on large vocabularies. */
export function exactAfter(
  x: Uint8Array,
  deps: BiasLensDeps,
  rounds: ModelRounds,
  index: TokenByteIndex,
  minCharacterProbability?: number,
): Promise<LemmaOnModelResult> {
  const pruneBelow = deps.tokenizer.vocabularyBytes().length > PRUNE_ABOVE_VOCABULARY ? PRUNE_BELOW : undefined;
  return asEngineErrors(
    exactNextBytesOnModel(x, deps.tokenizer, { ...deps, rounds, index, pruneBelow, minCharacterProbability }),
    deps.signal,
  );
}

/** The figures both results share, from the lemma's answer and the rounds it took. */
function exactFigures(
  exact: Awaited<ReturnType<typeof exactAfter>>,
  rounds: ModelRounds,
  top: number,
  startedMs: number,
): ExactNextByteFigures {
  return {
    characters: [...exact.characters]
      .sort((a, b) => b.probability - a.probability)
      .slice(0, top)
      .map((c) => ({ character: c.character, probability: c.probability })),
    otherProbability: exact.otherProbability,
    boundary: exact.boundary,
    covers: exact.covers,
    forwardPasses: rounds.forwardPasses(),
    errorBound: exact.errorBound,
    uncheckedProbability: exact.uncheckedProbability,
    elapsedMs: performance.now() - startedMs,
  };
}

/**
 * The whole exact next-byte distribution after a prompt (the CLI's `next-bytes`, the
 * two-model sanity view): the same rounds and lemma as the bias lens, nothing else run.
 */
export async function computeExactNextBytes(params: BiasLensParams, deps: BiasLensDeps): Promise<ExactNextBytesResult> {
  const started = performance.now();
  const x = promptBytes(params.prompt);
  const vocabulary = deps.tokenizer.vocabularyBytes();
  const rounds = roundsFor(deps, vocabulary.length);
  const exact = await exactAfter(x, deps, rounds, new TokenByteIndex(vocabulary));
  return {
    prompt: params.prompt,
    probabilities: [...exact.probabilities],
    continuationProbability: exact.continuationProbability,
    ...exactFigures(exact, rounds, params.top ?? 8, started),
  };
}

export async function computeBiasLens(params: BiasLensParams, deps: BiasLensDeps): Promise<BiasLensResult> {
  const started = performance.now();
  const top = params.top ?? 8;
  const x = promptBytes(params.prompt);
  const { tokenizer } = deps;
  const vocabulary = tokenizer.vocabularyBytes();
  const index = new TokenByteIndex(vocabulary);
  const rounds = roundsFor(deps, vocabulary.length);

  const ids = tokenizer.encode(params.prompt);
  const naiveLog = await asEngineErrors(
    rounds.withModel((lm) => lm(ids)),
    deps.signal,
  );
  const healing = await asEngineErrors(
    rounds.withModel((lm) => tokenHealing(ids, vocabulary, lm, index)),
    deps.signal,
  );
  const exact = await exactAfter(x, deps, rounds, index);
  const tokenization = tokenizer.tokenize(params.prompt);
  return {
    prompt: params.prompt,
    tokens: tokenization.tokens.map((t) => ({
      id: t.id,
      start: t.start,
      end: t.end,
      text: t.text,
      special: t.special,
      byteFallback: t.byteFallback,
    })),
    naive: {
      tokens: topTokens(naiveLog, tokenizer, top),
      bytes: topBytes(naiveNextByteDistribution(naiveLog, vocabulary), top),
    },
    healed: healing && {
      removed: renderTokenBytes(healing.removedBytes),
      tokens: healing.candidates
        .slice(0, top)
        .map((c) => ({ id: c.id, text: renderTokenBytes(vocabulary[c.id]), probability: c.probability })),
      bytes: topBytes(healing.nextByteProbabilities, top),
      allowedMass: healing.allowedMass,
      sameBytesProbability: healing.sameBytesProbability,
    },
    exact: { bytes: topBytes(exact.probabilities, top), ...exactFigures(exact, rounds, top, started) },
  };
}
