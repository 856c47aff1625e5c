/**
 * Exact next-byte probabilities from a tokenized language model (Phan et al., ICLR 2025;
 * PAPERS.md section 4), over an abstract "next-token log-probabilities after a token prefix"
 * callback, so that it runs the same on a hand-made toy model in a unit test and on a real
 * model in the worker.
 *
 * Byte-Token Representation Lemma: P(x) = Σ_{c ∈ cover(x)} P(c), where the covers of the
 * bytes x are the valid token sequences c_1..c_k with bytes(c_1..c_{k-1}) a proper prefix of x
 * and x a prefix of bytes(c_1..c_k), and P(c) is the model's prefix probability. Valid means
 * canonical: encode(bytes(c)) = c. Then P(b | x) = P(xb) / Σ_b' P(xb'), and
 *
 *   P(xb) = Σ_{covers c with a remainder starting with b} P(c)
 *         + P(ctx) · Σ_{t: ctx+t valid, bytes(t) starts with b} P(t | ctx),   ctx = encode(x).
 *
 * Assumptions, as in the authors' code: the model gives non-canonical sequences no mass, and
 * a prefix of a canonical sequence is canonical (true of BPE with pre-tokenization), so the
 * tokens before a cover's last token are encode(x[:i]) for some split i.
 */
import { TokenByteIndex } from './tokenByteIndex';

/**
 * Natural-log probabilities of every next token after a token prefix (length: the vocabulary;
 * -Infinity where impossible). The prefix holds only the text's tokens: a model that needs a
 * BOS token adds it inside the callback.
 */
export type NextTokenLogProbs = (prefix: readonly number[]) => ArrayLike<number>;

/** What the lemma needs of a tokenizer, in bytes. */
export interface ByteTokenizer {
  /** Bytes of each token id. Empty for tokens that stand for no text (special tokens): they are never part of a cover. */
  vocabulary: readonly Uint8Array[];
  /** The canonical encoding of a byte string, or null when no text encodes to these bytes (incomplete UTF-8). */
  encode(bytes: Uint8Array): number[] | null;
}

export interface NextByteOptions {
  /**
   * Bytes before this offset are encoded on their own: the caller guarantees no valid token
   * crosses it (a pre-token boundary, PAPERS.md section 4 step 1). Probabilities are then
   * conditional on those bytes, and validity checks encode only the bytes after it. Default 0.
   */
  boundary?: number;
  /**
   * Check that each cover is canonical (default true). False is the authors' `fast_mode`:
   * every candidate token counts, as if the model's mass on non-canonical sequences were real.
   */
  checkValidity?: boolean;
  /**
   * Tokens with P(t | prefix) below this are counted without the validity check (default 0:
   * check all). Checking re-encodes the bytes after the boundary once per candidate, which
   * for a 150k vocabulary after ctx is the whole cost; the authors check only P > 1e-6.
   */
  validityCheckMinProbability?: number;
  /** A token whose probability after ctx is the text ending there (end-of-text). */
  endToken?: number;
  /** Index of the vocabulary by bytes; built from tokenizer.vocabulary when absent. */
  index?: TokenByteIndex;
}

export interface NextByteDistribution {
  /** P(next byte = b | x) for b = 0..255, given that another byte follows; sums to 1 (or all 0 when x is impossible). */
  probabilities: Float64Array;
  /** ln P(x | the bytes before the boundary), summed over all covers. -Infinity when x is impossible. */
  logPrefixProbability: number;
  /** P(x is followed by a byte | x): below 1 by the end-of-text mass and by non-canonical continuations the model allows. */
  continuationProbability: number;
  /** P(the text ends right after x | x), when options.endToken is given. */
  endProbability: number | null;
  /** Covers with a non-empty remainder that carried mass, plus ctx when it is possible. */
  covers: number;
  /** Split points skipped because x[:i] is not complete text (encode returned null). */
  skippedSplits: number[];
}

const NEG_INF = Number.NEGATIVE_INFINITY;

function logAddExp(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * Wraps a next-token callback with a cache keyed by the prefix and a call counter, so that
 * chained byte steps (next character) reuse the model's answers.
 */
export function memoizeNextTokenLogProbs(lm: NextTokenLogProbs): NextTokenLogProbs & { calls: () => number } {
  const cache = new Map<string, ArrayLike<number>>();
  let calls = 0;
  const memoized = (prefix: readonly number[]) => {
    const key = prefix.join(',');
    let result = cache.get(key);
    if (!result) {
      calls += 1;
      result = lm(prefix);
      cache.set(key, result);
    }
    return result;
  };
  return Object.assign(memoized, { calls: () => calls });
}

/**
 * The exact distribution of the byte after `x` under a tokenized model.
 *
 * @example
 * const d = exactNextByteDistribution(utf8('The Eiffel Tow'), tokenizer, lm, { boundary: 10 });
 * d.probabilities[0x65] // P('e' | "The Eiffel Tow")
 */
export function exactNextByteDistribution(x: Uint8Array, tokenizer: ByteTokenizer, model: NextTokenLogProbs, options: NextByteOptions = {}): NextByteDistribution {
  const boundary = options.boundary ?? 0;
  const checkValidity = options.checkValidity ?? true;
  const minCheckedLog = Math.log(options.validityCheckMinProbability ?? 0);
  const lm = memoizeNextTokenLogProbs(model);
  const { vocabulary } = tokenizer;
  const index = options.index ?? new TokenByteIndex(vocabulary);
  if (boundary < 0 || boundary > x.length) throw new RangeError(`boundary ${boundary} is outside the ${x.length} bytes`);
  const div = tokenizer.encode(x.subarray(0, boundary));
  if (!div) throw new Error(`the bytes before the boundary (${boundary}) are not complete text`);

  const startsWithDiv = (ids: readonly number[]) => ids.length >= div.length && div.every((id, i) => ids[i] === id);
  /** ln P(ids[|div|:] | div), one model call per token after div. */
  const logProbAfterDiv = (ids: readonly number[]) => {
    let total = 0;
    for (let j = div.length; j < ids.length && total !== NEG_INF; j++) total += lm(ids.slice(0, j))[ids[j]];
    return total;
  };
  /** Whether prefix + [t] is canonical, encoding only what lies after the boundary. */
  const isValid = (prefix: readonly number[], prefixEnd: number, t: number, logP: number) => {
    if (!checkValidity || logP < minCheckedLog) return true;
    const tail = x.subarray(boundary, prefixEnd);
    const bytes = new Uint8Array(tail.length + vocabulary[t].length);
    bytes.set(tail);
    bytes.set(vocabulary[t], tail.length);
    const encoded = tokenizer.encode(bytes);
    return encoded !== null && encoded.length === prefix.length - div.length + 1 && sameIds(encoded.slice(0, -1), prefix.slice(div.length)) && encoded[encoded.length - 1] === t;
  };

  const byteLog = new Float64Array(256).fill(NEG_INF);
  let prefixLog = NEG_INF;
  let covers = 0;
  const skippedSplits: number[] = [];
  const n = x.length;

  // Covers whose last token starts at split i < n and runs past the end of x.
  for (let i = boundary; i < n; i++) {
    const left = tokenizer.encode(x.subarray(0, i));
    if (!left) {
      skippedSplits.push(i);
      continue;
    }
    if (!startsWithDiv(left)) throw new Error(`encoding ${i} bytes does not start with the encoding of the ${boundary} bytes before the boundary: a token crosses it`);
    const leftLog = logProbAfterDiv(left);
    if (leftLog === NEG_INF) continue;
    const next = lm(left);
    const rest = x.subarray(i);
    for (const t of index.startingWith(rest)) {
      const bytes = vocabulary[t];
      if (bytes.length === rest.length) continue; // bytes(left + t) = x: that is ctx, counted below
      const logP = leftLog + next[t];
      if (logP === NEG_INF || !isValid(left, i, t, next[t])) continue;
      byteLog[bytes[rest.length]] = logAddExp(byteLog[bytes[rest.length]], logP);
      prefixLog = logAddExp(prefixLog, logP);
      covers += 1;
    }
  }

  // ctx = encode(x): the cover with an empty remainder, and every token that may follow it.
  let endLog = NEG_INF;
  const ctx = tokenizer.encode(x);
  if (ctx && !startsWithDiv(ctx)) throw new Error(`encoding the ${n} bytes does not start with the encoding of the ${boundary} bytes before the boundary: a token crosses it`);
  if (ctx) {
    const ctxLog = logProbAfterDiv(ctx);
    if (ctxLog !== NEG_INF) {
      prefixLog = logAddExp(prefixLog, ctxLog);
      covers += 1;
      const next = lm(ctx);
      for (let t = 0; t < vocabulary.length; t++) {
        const bytes = vocabulary[t];
        if (bytes.length === 0 || next[t] === NEG_INF || !isValid(ctx, n, t, next[t])) continue;
        byteLog[bytes[0]] = logAddExp(byteLog[bytes[0]], ctxLog + next[t]);
      }
      if (options.endToken !== undefined) endLog = ctxLog + next[options.endToken];
    }
  }

  let continuationLog = NEG_INF;
  for (let b = 0; b < 256; b++) continuationLog = logAddExp(continuationLog, byteLog[b]);
  const probabilities = new Float64Array(256);
  if (continuationLog !== NEG_INF) for (let b = 0; b < 256; b++) probabilities[b] = Math.exp(byteLog[b] - continuationLog);
  const possible = prefixLog !== NEG_INF;
  return {
    probabilities,
    logPrefixProbability: prefixLog,
    continuationProbability: possible ? Math.exp(continuationLog - prefixLog) : 0,
    endProbability: options.endToken === undefined ? null : possible ? Math.exp(endLog - prefixLog) : 0,
    covers,
    skippedSplits,
  };
}

/** Length of the UTF-8 sequence a lead byte starts (0 for a continuation or invalid byte). */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

export interface NextCharacter {
  /** The character (or `\xNN` text of a byte that cannot start one). */
  character: string;
  bytes: Uint8Array;
  probability: number;
}

/**
 * Next characters after `x` by chaining exact byte steps: P(c) = Π P(byte_k | x, byte_<k).
 * Multi-byte characters are followed only while their probability stays at or above
 * `minProbability`, so the list is the head of the distribution; `otherProbability` is the rest.
 */
export function exactNextCharacters(
  x: Uint8Array,
  tokenizer: ByteTokenizer,
  lm: NextTokenLogProbs,
  options: NextByteOptions & { minProbability?: number } = {},
): { characters: NextCharacter[]; otherProbability: number } {
  const minProbability = options.minProbability ?? 1e-3;
  const index = options.index ?? new TokenByteIndex(tokenizer.vocabulary);
  const step = (bytes: Uint8Array) => exactNextByteDistribution(bytes, tokenizer, lm, { ...options, index }).probabilities;
  const characters: NextCharacter[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const extend = (prefix: Uint8Array, piece: number[], probability: number, length: number) => {
    if (piece.length === length) {
      const bytes = Uint8Array.from(piece);
      characters.push({ character: decoder.decode(bytes), bytes, probability });
      return;
    }
    const context = new Uint8Array(prefix.length + piece.length);
    context.set(prefix);
    context.set(piece, prefix.length);
    const next = step(context);
    for (let b = 0x80; b <= 0xbf; b++) {
      const p = probability * next[b];
      if (p > 0 && p >= minProbability) {
        try {
          extend(prefix, [...piece, b], p, length);
        } catch {
          // An invalid sequence (overlong, surrogate): not a character.
        }
      }
    }
  };
  const first = step(x);
  for (let b = 0; b < 256; b++) {
    const p = first[b];
    const length = utf8Length(b);
    // Single bytes cost nothing more to list; longer characters need a model step per byte.
    if (p === 0 || (p < minProbability && length !== 1)) continue;
    if (length === 0) characters.push({ character: `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`, bytes: Uint8Array.of(b), probability: p });
    else extend(x, [b], p, length);
  }
  characters.sort((a, b) => b.probability - a.probability);
  const listed = characters.reduce((sum, c) => sum + c.probability, 0);
  return { characters, otherProbability: Math.max(0, 1 - listed) };
}
