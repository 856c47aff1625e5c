/**
 * The exact next byte and next characters after a prompt on a model that answers
 * asynchronously (a worker, ONNX Runtime), with how exact they are.
 *
 * NOTE: the lemma (byteLemma.ts) asks the model synchronously. So it runs in rounds: a round
 * answers the prefixes already run and records the missing ones (answering them with a flat
 * placeholder), the missing prefixes are run on the model, and the next round tries again. The
 * last round has no misses, so its result is the lemma's on the model's real probabilities.
 * Validity answers are kept per tokenizer object between rounds, so a round costs little more
 * than the sums.
 */
import { logSoftmax } from '../distribution/softmax';
import { stableBoundary } from './biasLens';
import {
  exactNextByteDistribution,
  exactNextCharacters,
  type ByteTokenizer,
  type NextCharacter,
  type NextTokenLogProbs,
} from './byteLemma';
import { TokenByteIndex } from './tokenByteIndex';

/** What the computation needs of a tokenizer (ByteSpanTokenizer has it). */
export interface LemmaTokenizer {
  vocabularyBytes(): Uint8Array[];
  /** The canonical encoding of complete text bytes (with the dummy prefix space when the tokenizer adds one), or null. */
  encodeBytes(bytes: Uint8Array): number[] | null;
  /** Encoding puts a space before the text (SentencePiece's dummy prefix): the lemma sees the prompt with it. */
  addsPrefixSpace: boolean;
}

export interface LemmaOnModelOptions {
  /** Logits of the token after `ids` (the start token included). */
  nextLogits: (ids: number[]) => Promise<ArrayLike<number>>;
  /** Put before the prompt's tokens on every call (the model's start token), or null. */
  startTokenId: number | null;
  /** Candidates below this probability are not checked; what they weigh is reported (errorBound). Default 0: exact. */
  pruneBelow?: number;
  /** Multi-byte characters are followed while at least this probable (default 0.01). */
  minCharacterProbability?: number;
  /** Default 400. */
  maxForwardPasses?: number;
  signal?: AbortSignal;
  /** After each forward pass. */
  onProgress?: (progress: { forwardPasses: number }) => void;
  index?: TokenByteIndex;
  /** Rounds (and their forward passes) shared with other calls on the same prompt, e.g. the bias lens's naive and healed rows. */
  rounds?: ModelRounds;
}

export interface LemmaOnModelResult {
  /** P(next byte = b | prompt) for b = 0..255, given that a byte follows. */
  probabilities: Float64Array;
  /** P(a byte follows | prompt): below 1 by the end-of-text mass and non-canonical continuations. */
  continuationProbability: number;
  /** Most probable first; the head of the distribution (see minCharacterProbability). */
  characters: NextCharacter[];
  otherProbability: number;
  /** Bytes of the prompt before this offset were encoded on their own (stableBoundary). */
  boundary: number;
  covers: number;
  forwardPasses: number;
  /** Tokenizer calls that decided a candidate's validity. */
  validityChecks: number;
  /** P(covers left unchecked by pruneBelow | prompt). */
  uncheckedProbability: number;
  /** How far any next-byte probability can be off (0: exact). */
  errorBound: number;
  /** How far any listed character probability can be off (0: exact). */
  characterErrorBound: number;
}

const MAX_ROUNDS = 12;

/** The prompt needs more forward passes than allowed: the caller's to shorten, not a failure of the model. */
export class TooManyForwardPassesError extends Error {
  constructor(maxPasses: number) {
    super(`The exact next byte needs more than ${maxPasses} forward passes for this prompt; try a shorter one.`);
    this.name = 'TooManyForwardPassesError';
  }
}
const PLACEHOLDER_LOG_PROBABILITY = -1e4;

type WithModel = <T>(compute: (lm: NextTokenLogProbs) => T) => Promise<T>;

/** Runs a synchronous computation on the model's next-token log-probabilities, in rounds. */
export interface ModelRounds {
  withModel: WithModel;
  /** Distinct prefixes run so far. */
  forwardPasses: () => number;
}

/** The rounds described at the top; `forwardPasses()` counts the prefixes run. */
export function modelRounds(
  options: Pick<LemmaOnModelOptions, 'nextLogits' | 'startTokenId' | 'maxForwardPasses' | 'signal' | 'onProgress'>,
  vocabularySize: number,
): ModelRounds {
  const cache = new Map<string, Float64Array>();
  const start = options.startTokenId === null ? [] : [options.startTokenId];
  const maxPasses = options.maxForwardPasses ?? 400;
  const run = async (prefix: readonly number[]) => {
    options.signal?.throwIfAborted();
    if (cache.size >= maxPasses) throw new TooManyForwardPassesError(maxPasses);
    cache.set(prefix.join(','), logSoftmax(await options.nextLogits([...start, ...prefix])));
    options.onProgress?.({ forwardPasses: cache.size });
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
        // Finite, so the round goes on to find the prefixes after this one; far below any
        // pruneBelow, so a round on placeholders checks no more candidates than the last one.
        placeholder ??= new Float64Array(vocabularySize).fill(PLACEHOLDER_LOG_PROBABILITY);
        return placeholder;
      };
      const result = compute(lm);
      if (missing.size === 0) return result;
      for (const prefix of missing.values()) await run(prefix);
    }
    throw new Error('The exact next-byte computation did not settle.');
  };
  return { withModel, forwardPasses: () => cache.size };
}

const byteTokenizers = new WeakMap<LemmaTokenizer, ByteTokenizer>();

/**
 * One ByteTokenizer per tokenizer, so that the lemma's validity answers (kept per ByteTokenizer
 * object) serve every prompt on it: they depend on the tokens only.
 */
function byteTokenizerOf(tokenizer: LemmaTokenizer): ByteTokenizer {
  let byteTokenizer = byteTokenizers.get(tokenizer);
  if (!byteTokenizer) {
    byteTokenizer = { vocabulary: tokenizer.vocabularyBytes(), encode: (bytes) => tokenizer.encodeBytes(bytes) };
    byteTokenizers.set(tokenizer, byteTokenizer);
  }
  return byteTokenizer;
}

/**
 * The exact next byte and next characters after `prompt` (UTF-8 bytes; they may stop inside a
 * character), exact unless `pruneBelow` is given, and then with the bound of how far off they can be.
 */
export async function exactNextBytesOnModel(
  prompt: Uint8Array,
  tokenizer: LemmaTokenizer,
  options: LemmaOnModelOptions,
): Promise<LemmaOnModelResult> {
  const byteTokenizer = byteTokenizerOf(tokenizer);
  const { vocabulary } = byteTokenizer;
  const index = options.index ?? new TokenByteIndex(vocabulary);
  const { withModel, forwardPasses } = options.rounds ?? modelRounds(options, vocabulary.length);
  // Dummy-prefix tokenizers (Llama 2) see the text with a leading space in byte space.
  const shift = tokenizer.addsPrefixSpace ? 1 : 0;
  const x = shift ? Uint8Array.from([0x20, ...prompt]) : prompt;
  const boundary = stableBoundary(x, byteTokenizer);
  const lemmaOptions = { boundary, index, pruneBelow: options.pruneBelow };
  // Checks are counted in every round: later rounds reuse the answers of earlier ones.
  let validityChecks = 0;
  const distribution = await withModel((lm) => {
    const d = exactNextByteDistribution(x, byteTokenizer, lm, lemmaOptions);
    validityChecks += d.validityChecks;
    return d;
  });
  const characters = await withModel((lm) => {
    const c = exactNextCharacters(x, byteTokenizer, lm, {
      ...lemmaOptions,
      minProbability: options.minCharacterProbability ?? 0.01,
    });
    validityChecks += c.validityChecks;
    return c;
  });
  return {
    probabilities: distribution.probabilities,
    continuationProbability: distribution.continuationProbability,
    characters: characters.characters,
    otherProbability: characters.otherProbability,
    boundary: Math.max(0, boundary - shift),
    covers: distribution.covers,
    forwardPasses: forwardPasses(),
    validityChecks,
    uncheckedProbability: distribution.uncheckedProbability,
    errorBound: distribution.errorBound,
    characterErrorBound: characters.errorBound,
  };
}

/**
 * How a computed distribution may be labelled: "exact" only when nothing was left unchecked.
 *
 * @example
 * exactnessLabel(0)       // "exact"
 * exactnessLabel(3.1e-5)  // "exact within 3.1e-5"
 */
export function exactnessLabel(errorBound: number): string {
  if (errorBound === 0) return 'exact';
  if (!(errorBound < 0.5)) return 'not exact: too much left unchecked';
  return `exact within ${errorBound.toExponential(1).replace('.0e', 'e')}`;
}

/**
 * The bound a result carries, if any. A result without one comes from the lemma with every
 * candidate checked (it prunes only when asked to, and then reports), so it is exact.
 */
export function errorBoundOf(result: object): number {
  const bound = (result as { errorBound?: unknown }).errorBound;
  return typeof bound === 'number' ? bound : 0;
}

/**
 * The heading of a lemma result in the lab: "Exact next byte" only when it is.
 *
 * @example
 * exactHeading('next byte', 0)      // "Exact next byte"
 * exactHeading('next byte', 3e-5)   // "Next byte, exact within 3e-5"
 */
export function exactHeading(what: string, errorBound: number): string {
  if (errorBound === 0) return `Exact ${what}`;
  return `${what[0].toUpperCase()}${what.slice(1)}, ${exactnessLabel(errorBound)}`;
}
