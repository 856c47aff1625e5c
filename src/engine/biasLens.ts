/**
 * The tokenization-bias lens (docs/PAPERS.md section 4) on the loaded model: for a prompt that
 * ends mid-word or with a trailing space, (a) the naive next token / next byte after the
 * prompt as tokenized, (b) token healing, (c) the exact next byte and next characters from
 * the byte-token representation lemma (core/tokenizers/byteLemma.ts).
 *
 * NOTE: the lemma calls the model synchronously; the model runs asynchronously. So the
 * computation runs in rounds: a round answers the prefixes already computed and records the
 * missing ones (answering them with a flat placeholder), the missing prefixes are run on the
 * model, and the next round tries again. The last round has no misses, so its result is the
 * lemma's on the model's real probabilities.
 */
import { exactNextCharacters, exactNextByteDistribution, type NextTokenLogProbs } from '../core/tokenizers/byteLemma';
import { stableBoundary } from '../core/tokenizers/biasLens';
import type { LabTokenizer } from '../core/tokenizers/labTokenizer';
import { TokenByteIndex } from '../core/tokenizers/tokenByteIndex';
import { naiveNextByteDistribution, tokenHealing } from '../core/tokenizers/tokenHealing';
import { renderTokenBytes } from '../core/tokenization/tokenBytes';
import { EngineError, throwIfCancelled } from './errors';
import type { LabToken } from './tokenizerLab';

export interface BiasLensParams {
  prompt: string;
  /** Rows per list (default 8). */
  top?: number;
}

export interface ByteProbability {
  byte: number;
  /** The byte as a character when printable ASCII (space as ␣), else `\xNN`. */
  label: string;
  probability: number;
}

export interface TokenProbability {
  id: number;
  text: string;
  probability: number;
}

export interface BiasLensResult {
  prompt: string;
  /** The prompt as the model's tokenizer cuts it (the start token not included). */
  tokens: LabToken[];
  naive: { tokens: TokenProbability[]; bytes: ByteProbability[] };
  /** Null when the prompt has no token to back up. */
  healed: { removed: string; tokens: TokenProbability[]; bytes: ByteProbability[]; allowedMass: number; sameBytesProbability: number } | null;
  exact: {
    bytes: ByteProbability[];
    characters: { character: string; probability: number }[];
    otherProbability: number;
    /** Bytes before this offset are encoded on their own (stableBoundary). */
    boundary: number;
    covers: number;
    /** Forward passes the lemma needed (naive and healing included). */
    forwardPasses: number;
    elapsedMs: number;
  };
}

export interface BiasLensDeps {
  tokenizer: LabTokenizer;
  /** Put before the prompt's tokens on every call (the model's start token), or null. */
  startTokenId: number | null;
  /** Logits for the token after `ids` (the start token included). */
  nextLogits: (ids: number[]) => Promise<ArrayLike<number>>;
  signal?: AbortSignal;
}

const MAX_PROMPT_BYTES = 200;
const MAX_FORWARD_PASSES = 400;
const MAX_ROUNDS = 12;
const encoder = new TextEncoder();

/** log-softmax in float64. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - logZ;
  return out;
}

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

function topTokens(logProbs: ArrayLike<number>, tokenizer: LabTokenizer, top: number): TokenProbability[] {
  const ids = Array.from({ length: logProbs.length }, (_, id) => id).sort((a, b) => logProbs[b] - logProbs[a]).slice(0, top);
  return ids.map((id) => ({ id, text: renderTokenBytes(tokenizer.tokenBytes(id)), probability: Math.exp(logProbs[id]) }));
}

/** The exact next byte after a prompt on a model (the lemma alone, without naive and healing). */
export interface ExactNextBytesResult {
  prompt: string;
  /** P(next byte = b | prompt) for b = 0..255, given that a byte follows; sums to 1. */
  probabilities: number[];
  /** P(a byte follows | prompt): below 1 by the end-of-text mass and non-canonical continuations. */
  continuationProbability: number;
  characters: { character: string; probability: number }[];
  otherProbability: number;
  /** Bytes before this offset are encoded on their own (stableBoundary). */
  boundary: number;
  covers: number;
  forwardPasses: number;
  elapsedMs: number;
}

type WithModel = <T>(compute: (lm: NextTokenLogProbs) => T) => Promise<T>;

/**
 * The rounds described at the top: `withModel(compute)` reruns `compute` until every token
 * prefix it asked for has been run on the model; `forwardPasses()` counts the prefixes run.
 */
function modelRounds(deps: BiasLensDeps, vocabularySize: number): { withModel: WithModel; forwardPasses: () => number } {
  const cache = new Map<string, Float64Array>();
  const start = deps.startTokenId === null ? [] : [deps.startTokenId];
  const fetchPrefix = async (prefix: readonly number[]) => {
    throwIfCancelled(deps.signal, 'The bias lens');
    if (cache.size >= MAX_FORWARD_PASSES) throw new EngineError('bad-request', `The exact next byte needs more than ${MAX_FORWARD_PASSES} forward passes for this prompt; try a shorter one.`);
    cache.set(prefix.join(','), logSoftmax(await deps.nextLogits([...start, ...prefix])));
  };
  const withModel: WithModel = async (compute) => {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const missing = new Map<string, number[]>();
      let placeholder: Float64Array | null = null;
      const lm: NextTokenLogProbs = (prefix) => {
        const key = prefix.join(',');
        const hit = cache.get(key);
        if (hit) return hit;
        missing.set(key, [...prefix]);
        placeholder ??= new Float64Array(vocabularySize).fill(-Math.log(vocabularySize));
        return placeholder;
      };
      const result = compute(lm);
      if (missing.size === 0) return result;
      for (const prefix of missing.values()) await fetchPrefix(prefix);
    }
    throw new EngineError('runtime', 'The exact next-byte computation did not settle.');
  };
  return { withModel, forwardPasses: () => cache.size };
}

function promptBytes(prompt: string): Uint8Array {
  const x = encoder.encode(prompt);
  if (x.length === 0) throw new EngineError('bad-request', 'Type a prompt: the lens needs text that ends mid-word or with a space.');
  if (x.length > MAX_PROMPT_BYTES) throw new EngineError('bad-request', `The bias lens takes prompts up to ${MAX_PROMPT_BYTES} bytes (this one is ${x.length}).`);
  return x;
}

/** The lemma's next byte and chained next characters after the prompt's bytes `x`. */
async function exactAfter(x: Uint8Array, tokenizer: LabTokenizer, index: TokenByteIndex, withModel: WithModel) {
  const vocabulary = tokenizer.vocabularyBytes();
  const byteTokenizer = { vocabulary, encode: (bytes: Uint8Array) => tokenizer.encodeBytes(bytes) };
  // Dummy-prefix tokenizers (Llama 2) see the text with a leading space in byte space.
  const xBytes = tokenizer.addsPrefixSpace ? Uint8Array.from([0x20, ...x]) : x;
  const shift = tokenizer.addsPrefixSpace ? 1 : 0;
  const boundary = stableBoundary(xBytes, byteTokenizer);
  const options = { boundary, validityCheckMinProbability: 1e-6, index };
  const distribution = await withModel((lm) => exactNextByteDistribution(xBytes, byteTokenizer, lm, options));
  const characters = await withModel((lm) => exactNextCharacters(xBytes, byteTokenizer, lm, { ...options, minProbability: 0.01 }));
  return { distribution, characters, boundary: Math.max(0, boundary - shift) };
}

const sortedCharacters = (characters: { character: string; probability: number }[], top: number) =>
  [...characters].sort((a, b) => b.probability - a.probability).slice(0, top).map((c) => ({ character: c.character, probability: c.probability }));

/**
 * The whole exact next-byte distribution after a prompt (the CLI's `next-bytes`, the
 * two-model sanity view): the same rounds and lemma as the bias lens, nothing else run.
 */
export async function computeExactNextBytes(params: BiasLensParams, deps: BiasLensDeps): Promise<ExactNextBytesResult> {
  const started = performance.now();
  const x = promptBytes(params.prompt);
  const vocabulary = deps.tokenizer.vocabularyBytes();
  const rounds = modelRounds(deps, vocabulary.length);
  const exact = await exactAfter(x, deps.tokenizer, new TokenByteIndex(vocabulary), rounds.withModel);
  return {
    prompt: params.prompt,
    probabilities: [...exact.distribution.probabilities],
    continuationProbability: exact.distribution.continuationProbability,
    characters: sortedCharacters(exact.characters.characters, params.top ?? 8),
    otherProbability: exact.characters.otherProbability,
    boundary: exact.boundary,
    covers: exact.distribution.covers,
    forwardPasses: rounds.forwardPasses(),
    elapsedMs: performance.now() - started,
  };
}

export async function computeBiasLens(params: BiasLensParams, deps: BiasLensDeps): Promise<BiasLensResult> {
  const started = performance.now();
  const top = params.top ?? 8;
  const x = promptBytes(params.prompt);
  const { tokenizer } = deps;
  const vocabulary = tokenizer.vocabularyBytes();
  const index = new TokenByteIndex(vocabulary);
  const { withModel, forwardPasses } = modelRounds(deps, vocabulary.length);

  const ids = tokenizer.encode(params.prompt);
  const naiveLog = await withModel((lm) => lm(ids));
  const healing = await withModel((lm) => tokenHealing(ids, vocabulary, lm, index));
  const exact = await exactAfter(x, tokenizer, index, withModel);
  const tokenization = tokenizer.tokenize(params.prompt);
  return {
    prompt: params.prompt,
    tokens: tokenization.tokens.map((t) => ({ id: t.id, start: t.start, end: t.end, text: t.text, special: t.special, byteFallback: t.byteFallback })),
    naive: { tokens: topTokens(naiveLog, tokenizer, top), bytes: topBytes(naiveNextByteDistribution(naiveLog, vocabulary), top) },
    healed: healing && {
      removed: renderTokenBytes(healing.removedBytes),
      tokens: healing.candidates.slice(0, top).map((c) => ({ id: c.id, text: renderTokenBytes(vocabulary[c.id]), probability: c.probability })),
      bytes: topBytes(healing.nextByteProbabilities, top),
      allowedMass: healing.allowedMass,
      sameBytesProbability: healing.sameBytesProbability,
    },
    exact: {
      bytes: topBytes(exact.distribution.probabilities, top),
      characters: sortedCharacters(exact.characters.characters, top),
      otherProbability: exact.characters.otherProbability,
      boundary: exact.boundary,
      covers: exact.distribution.covers,
      forwardPasses: forwardPasses(),
      elapsedMs: performance.now() - started,
    },
  };
}
