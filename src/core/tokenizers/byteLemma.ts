/**
 * Exact next-byte probabilities from a tokenized language model (Phan et al., ICLR 2025;
 * docs/PAPERS.md section 4), over an abstract "next-token log-probabilities after a token prefix"
 * callback, so that it runs the same on a hand-made toy model in a unit test and on a real
 * model in the worker.
 *
 * Byte-Token Representation Lemma: P(x) = Σ_{c ∈ cover(x)} P(c), where the covers of the
 * bytes x are the valid token sequences c_1..c_k with bytes(c_1..c_{k-1}) a proper prefix of x
 * and x a prefix of bytes(c_1..c_k), and P(c) is the model's prefix probability. Valid means
 * canonical: c is the start of the tokenizer's encoding of some text. Then
 * P(b | x) = P(xb) / Σ_b' P(xb'), and
 *
 *   P(xb) = Σ_{covers c with a remainder starting with b} P(c)
 *         + Σ_{contexts L} P(L) · Σ_{t: L+t valid, bytes(t) starts with b} P(t | L),
 *
 * where the contexts are the valid sequences whose bytes are exactly x.
 *
 * Everything is on bytes, not characters: x, a split point and a token may end inside a
 * UTF-8 character (byte-level BPE has tokens such as `\xE6\x97`, SentencePiece falls back to
 * `<0xNN>` tokens). The tokens before a cover's last token are found as follows. If they end on
 * a character boundary i, they are encode(x[:i]) (assumption, as in the authors' code: the model
 * gives non-canonical sequences no mass, and a prefix of a canonical sequence that ends on a
 * character boundary is the encoding of its own bytes, true of BPE with pre-tokenization). If
 * they end inside a character, they are encode(x[:s]) for the last character boundary s before
 * them, then tokens whose every boundary falls inside a character: all such paths are listed.
 *
 * Validity: a sequence whose bytes are text is valid when encoding its bytes gives it back (or,
 * when they end in whitespace, the start of a longer text's encoding: see PROBES). A sequence
 * whose bytes are not text (they stop inside a character, or UTF-8 rules them out) cannot be
 * judged by the tokenizer, which encodes text; its part before was checked when it was built,
 * and it is kept, as the authors keep tokens that end in a lead byte. On a model that puts no
 * mass on non-canonical sequences this changes nothing and never drops a canonical one; on a
 * byte model (every byte a token) the lemma is then its own next-token distribution.
 */
import { TokenByteIndex } from './tokenByteIndex';
import { renderTokenBytes } from '../tokenization/tokenBytes';
import { scanUtf8, textPrefixes } from './utf8';
import { lenientUtf8Decoder, strictUtf8Decoder } from '../tokenization/utf8Decoders';

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
  /**
   * The canonical encoding of bytes that are complete text, or null when no text encodes to
   * these bytes. The lemma only asks about bytes that end on a character boundary.
   */
  encode(bytes: Uint8Array): number[] | null;
}

export interface NextByteOptions {
  /**
   * Bytes before this offset are encoded on their own: the caller guarantees no valid token
   * crosses it (a pre-token boundary, docs/PAPERS.md section 4 step 1). Probabilities are then
   * conditional on those bytes, and validity checks encode only the bytes after it. Default 0.
   * It must fall on a character boundary.
   */
  boundary?: number;
  /**
   * Check that each cover is canonical (default true). False is the authors' `fast_mode`:
   * every candidate token counts, as if the model's mass on non-canonical sequences were real.
   */
  checkValidity?: boolean;
  /**
   * Candidates t with P(t | prefix) below this are counted as valid without encoding them
   * (default 0: every candidate is checked, and the result is exact). Their mass is reported:
   * `errorBound` says how far any probability can be off. Checking re-encodes the bytes after
   * the boundary once per candidate, which after a context is once per vocabulary token.
   */
  pruneBelow?: number;
  /**
   * @deprecated Ignored: it skipped checks below a probability without saying how much mass
   * that left unchecked. Every candidate is checked unless `pruneBelow` is given.
   */
  validityCheckMinProbability?: number;
  /** A token whose probability after a context is the text ending there (end-of-text). */
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
  /** P(the text ends right after x | x), when options.endToken is given (0 when x ends inside a character). */
  endProbability: number | null;
  /** Covers that carried mass: those with a non-empty remainder plus the contexts. */
  covers: number;
  /** Token sequences whose bytes are exactly x that carried mass (more than one only when x ends inside a character). */
  contexts: number;
  /** Candidates decided by encoding their bytes in this call (earlier answers for the same tokenizer are reused). */
  validityChecks: number;
  /** P(covers counted without their validity check | x): 0 unless pruneBelow left some unchecked. */
  uncheckedProbability: number;
  /**
   * The most any of `probabilities` can differ from the exact value because of the unchecked
   * covers: with U their mass and Z the mass of all continuing covers, U / (Z − U). 0: exact.
   */
  errorBound: number;
}

const NEG_INF = Number.NEGATIVE_INFINITY;

function logAddExp(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** Whether `ids` starts with `prefix` (and is no longer, when `exactly`). */
function startsWithIds(ids: readonly number[] | null, prefix: readonly number[] | null, exactly: boolean): boolean {
  if (!ids || !prefix || ids.length < prefix.length || (exactly && ids.length !== prefix.length)) return false;
  return prefix.every((id, i) => ids[i] === id);
}

/**
 * Texts appended to bytes that end in whitespace, to find the encodings in which that
 * whitespace is cut differently than at the end of the text: a common letter, a rare letter
 * (3 and 4 bytes: vocabularies rarely merge them with a space), a private-use character, a digit.
 * Any encoding found this way is canonical, so a probe can only add sequences the model may
 * really produce; a continuation no probe stands for would still be missed.
 */
const PROBES = ['a', '\uA66E', '\u{13000}', '\uE000', '0'].map((s) => new TextEncoder().encode(s));

const WHITESPACE = /^\s$/u;

/** Whether the bytes end with a whole whitespace character. */
function endsInWhitespace(bytes: Uint8Array): boolean {
  let start = bytes.length - 1;
  while (start > 0 && bytes.length - start < 4 && (bytes[start] & 0xc0) === 0x80) start -= 1;
  return start >= 0 && WHITESPACE.test(lenientUtf8Decoder.decode(bytes.subarray(start)));
}

function concat(a: Uint8Array, b: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const bytesKey = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/**
 * Answers kept per tokenizer object between calls: the chained steps of the next character and
 * the worker's rounds (which rerun the whole computation) ask the same questions again, and a
 * full validity check costs one encoding per vocabulary token.
 */
interface TokenizerMemo {
  encodings: Map<string, number[] | null>;
  /** Per context (its ids after the boundary): 0 not asked, 1 valid, 2 not valid, for each next token. */
  validity: Map<string, Int8Array>;
}

const MEMO_ENTRIES = 256;
/** Validity arrays kept per tokenizer: about 8 MB whatever the vocabulary (55 contexts for 151,669 tokens). */
const MEMO_VALIDITY_CELLS = 1 << 23;
const memos = new WeakMap<ByteTokenizer, TokenizerMemo>();

function memoOf(tokenizer: ByteTokenizer): TokenizerMemo {
  let memo = memos.get(tokenizer);
  if (!memo) {
    memo = { encodings: new Map(), validity: new Map() };
    memos.set(tokenizer, memo);
  }
  return memo;
}

/** Map.get, or set and get, forgetting everything once the map holds `limit` entries (bounded memory). */
function remember<V>(map: Map<string, V>, key: string, make: () => V, limit = MEMO_ENTRIES): V {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= limit) map.clear();
    value = make();
    map.set(key, value);
  }
  return value;
}

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

const VALID = 1;
const INVALID = 2;
const UNCHECKED = 3;

/**
 * The exact distribution of the byte after `x` under a tokenized model.
 *
 * @example
 * const d = exactNextByteDistribution(utf8('The Eiffel Tow'), tokenizer, lm, { boundary: 10 });
 * d.probabilities[0x65] // P('e' | "The Eiffel Tow")
 */
export function exactNextByteDistribution(
  x: Uint8Array,
  tokenizer: ByteTokenizer,
  model: NextTokenLogProbs,
  options: NextByteOptions = {},
): NextByteDistribution {
  const boundary = options.boundary ?? 0;
  const checkValidity = options.checkValidity ?? true;
  const pruneLog = Math.log(options.pruneBelow ?? 0);
  const lm = memoizeNextTokenLogProbs(model);
  const { vocabulary } = tokenizer;
  const index = options.index ?? new TokenByteIndex(vocabulary);
  const memo = memoOf(tokenizer);
  const n = x.length;
  if (boundary < 0 || boundary > n) throw new RangeError(`boundary ${boundary} is outside the ${n} bytes`);
  // Offsets where x[:k] is text: on a character boundary, with no byte before it that UTF-8 rules out.
  const isText = textPrefixes(x);
  if (!isText[boundary]) throw new RangeError(`boundary ${boundary} is inside a character`);
  const encodeBytes = (bytes: Uint8Array) => remember(memo.encodings, bytesKey(bytes), () => tokenizer.encode(bytes));
  const encode = (end: number) => encodeBytes(x.subarray(0, end));
  const div = encode(boundary);
  if (!div) throw new Error(`the bytes before the boundary (${boundary}) are not complete text`);
  const startsWithDiv = (ids: readonly number[]) => ids.length >= div.length && div.every((id, i) => ids[i] === id);
  /** ln P(ids[|div|:] | div), one model call per token after div. */
  const logProbAfterDiv = (ids: readonly number[]) => {
    let total = 0;
    for (let j = div.length; j < ids.length && total !== NEG_INF; j++) total += lm(ids.slice(0, j))[ids[j]];
    return total;
  };

  /**
   * The canonical sequences whose bytes are exactly x[:end], end on a character boundary:
   * encode(x[:end]); and when x[:end] ends in whitespace, also the cuts at `end` of encodings
   * of longer texts (x's own continuation and the probes), because the whitespace run's split
   * depends on what follows (GPT-2's `\s+(?!\S)`; SentencePiece's lone dummy-prefix `▁`).
   */
  const canonical = new Map<number, number[][]>();
  const canonicalAt = (end: number): number[][] => {
    let found = canonical.get(end);
    if (found) return found;
    let own = encode(end);
    if (own && !startsWithDiv(own)) {
      // x's own encoding crossing the boundary breaks the caller's promise; a shorter prefix's
      // may cross it only in texts that do not go on as x does ("\t " before "\t" + " 1").
      if (end === n)
        throw new Error(
          `encoding the ${n} bytes does not start with the encoding of the ${boundary} bytes before the boundary: a token crosses it`,
        );
      own = null;
    }
    found = own ? [own] : [];
    const head = x.subarray(0, end);
    if (endsInWhitespace(head)) {
      const longer = [...PROBES.map((p) => encodeBytes(concat(head, p)))];
      for (let e = end + 1; e <= n; e++) if (isText[e]) longer.push(encode(e));
      const seen = new Set(found.map((ids) => ids.join(',')));
      for (const ids of longer) {
        const cut = ids && cutAt(ids, end);
        if (cut && startsWithDiv(cut) && !seen.has(cut.join(','))) {
          seen.add(cut.join(','));
          found.push(cut);
        }
      }
    }
    canonical.set(end, found);
    return found;
  };
  /** The first tokens of `ids` whose bytes are exactly `length` long, or null when a token straddles that offset. */
  const cutAt = (ids: readonly number[], length: number): number[] | null => {
    let offset = 0;
    for (let k = 0; k <= ids.length; k++) {
      if (offset === length) return ids.slice(0, k);
      if (offset > length || k === ids.length) return null;
      offset += vocabulary[ids[k]].length;
    }
    return null;
  };

  /**
   * The candidate token sequences whose bytes are exactly x[:end]: canonicalAt(end) on a
   * character boundary; inside a character, canonicalAt(s) and every path of tokens from the
   * last character boundary s whose inner boundaries all fall inside characters.
   */
  const sequencesEndingAt = (end: number): number[][] => {
    if (isText[end]) return canonicalAt(end);
    const out: number[][] = [];
    const walk = (pos: number, suffix: number[]) => {
      for (let start = pos - 1; start >= boundary && pos - start <= index.maxLength; start--) {
        for (const id of index.withBytes(x.subarray(start, pos))) {
          const path = [id, ...suffix];
          if (!isText[start]) walk(start, path);
          else for (const head of canonicalAt(start)) out.push([...head, ...path]);
        }
      }
    };
    walk(end, []);
    return out;
  };

  let validityChecks = 0;
  /**
   * Judges prefix + [t] for next tokens t (prefix's bytes are x[:end]): canonical when encoding
   * its bytes after the boundary gives back its tokens after the boundary.
   */
  const validityAfter = (prefix: readonly number[], end: number) => {
    const after = prefix.slice(div.length);
    const limit = Math.max(8, Math.min(MEMO_ENTRIES, Math.floor(MEMO_VALIDITY_CELLS / vocabulary.length)));
    const known = remember(memo.validity, after.join(','), () => new Int8Array(vocabulary.length), limit);
    const tail = x.subarray(boundary, end);
    return (t: number, logP: number): number => {
      if (!checkValidity) return VALID;
      if (known[t]) return known[t];
      const bytes = concat(tail, vocabulary[t]);
      const utf8 = scanUtf8(bytes);
      // Bytes that are not text (they stop inside a character, or UTF-8 rules them out): the
      // tokenizer cannot judge them, and their part before was checked when the prefix was built.
      if (!utf8.valid || utf8.pending > 0) return (known[t] = VALID);
      if (logP < pruneLog) return UNCHECKED;
      validityChecks += 1;
      const expected = [...after, t];
      let valid = startsWithIds(tokenizer.encode(bytes), expected, true);
      // Trailing whitespace: the sequence may be canonical only when more text follows.
      if (!valid && endsInWhitespace(bytes))
        valid = PROBES.some((p) => startsWithIds(tokenizer.encode(concat(bytes, p)), expected, false));
      return (known[t] = valid ? VALID : INVALID);
    };
  };

  const byteLog = new Float64Array(256).fill(NEG_INF);
  let prefixLog = NEG_INF;
  let uncheckedLog = NEG_INF;
  let covers = 0;
  let contexts = 0;
  const add = (byte: number, logP: number, verdict: number) => {
    byteLog[byte] = logAddExp(byteLog[byte], logP);
    if (verdict === UNCHECKED) uncheckedLog = logAddExp(uncheckedLog, logP);
  };

  // Covers whose last token starts at split i < n and runs past the end of x.
  for (let i = boundary; i < n; i++) {
    const rest = x.subarray(i);
    const candidates = index.startingWith(rest);
    if (candidates.length === 0) continue;
    for (const left of sequencesEndingAt(i)) {
      const leftLog = logProbAfterDiv(left);
      if (leftLog === NEG_INF) continue;
      const next = lm(left);
      const validity = validityAfter(left, i);
      for (const t of candidates) {
        const bytes = vocabulary[t];
        if (bytes.length === rest.length) continue; // bytes(left + t) = x: a context, counted below
        const logP = leftLog + next[t];
        if (logP === NEG_INF) continue;
        const verdict = validity(t, next[t]);
        if (verdict === INVALID) continue;
        add(bytes[rest.length], logP, verdict);
        prefixLog = logAddExp(prefixLog, logP);
        covers += 1;
      }
    }
  }

  // The contexts (bytes exactly x), and every token that may follow them.
  let endLog = NEG_INF;
  const own = isText[n] ? encode(n) : null;
  for (const context of sequencesEndingAt(n)) {
    const contextLog = logProbAfterDiv(context);
    if (contextLog === NEG_INF) continue;
    prefixLog = logAddExp(prefixLog, contextLog);
    covers += 1;
    contexts += 1;
    const next = lm(context);
    const validity = validityAfter(context, n);
    for (let t = 0; t < vocabulary.length; t++) {
      if (vocabulary[t].length === 0 || next[t] === NEG_INF) continue;
      const verdict = validity(t, next[t]);
      if (verdict !== INVALID) add(vocabulary[t][0], contextLog + next[t], verdict);
    }
    // The text ends after its own encoding; the other contexts are cut from longer texts. When
    // x is not text, the tokenizer cannot judge, and every context may end.
    if (options.endToken !== undefined && (!isText[n] || startsWithIds(context, own, true)))
      endLog = logAddExp(endLog, contextLog + next[options.endToken]);
  }

  let continuationLog = NEG_INF;
  for (let b = 0; b < 256; b++) continuationLog = logAddExp(continuationLog, byteLog[b]);
  const probabilities = new Float64Array(256);
  if (continuationLog !== NEG_INF)
    for (let b = 0; b < 256; b++) probabilities[b] = Math.exp(byteLog[b] - continuationLog);
  const possible = prefixLog !== NEG_INF;
  const unchecked = uncheckedLog === NEG_INF ? 0 : Math.exp(uncheckedLog - continuationLog);
  return {
    probabilities,
    logPrefixProbability: prefixLog,
    continuationProbability: possible ? Math.exp(continuationLog - prefixLog) : 0,
    endProbability: options.endToken === undefined ? null : possible ? Math.exp(endLog - prefixLog) : 0,
    covers,
    contexts,
    validityChecks,
    uncheckedProbability: possible && uncheckedLog !== NEG_INF ? Math.exp(uncheckedLog - prefixLog) : 0,
    errorBound: unchecked === 0 ? 0 : Math.min(1, unchecked / (1 - unchecked)),
  };
}

export interface NextCharacter {
  /**
   * The character the next bytes complete (when x stops inside a character, the whole
   * character, its first bytes being x's last); `\xNN` for bytes no character can have there.
   */
  character: string;
  /** The bytes after x. */
  bytes: Uint8Array;
  probability: number;
}

export interface NextCharacters {
  /** Most probable first. */
  characters: NextCharacter[];
  /** The probability of the characters not listed (below minProbability before they were complete). */
  otherProbability: number;
  /** The most any listed probability can be off because of pruned validity checks: the byte steps' bounds added up. 0: exact. */
  errorBound: number;
  /** Byte steps (lemma calls) it took. */
  steps: number;
  /** Candidates decided by encoding, over all the steps. */
  validityChecks: number;
}

/**
 * Next characters after `x` by chaining exact byte steps until a character is complete:
 * P(c) = Π P(byte_k | x, byte_<k). Multi-byte characters are followed only while their
 * probability stays at or above `minProbability`, so the list is the head of the distribution;
 * `otherProbability` is the rest. When x stops inside a character, its completions are listed.
 */
export function exactNextCharacters(
  x: Uint8Array,
  tokenizer: ByteTokenizer,
  lm: NextTokenLogProbs,
  options: NextByteOptions & { minProbability?: number } = {},
): NextCharacters {
  const minProbability = options.minProbability ?? 1e-3;
  const index = options.index ?? new TokenByteIndex(tokenizer.vocabulary);
  // The bytes of x's unfinished character, if any: each candidate is judged with them.
  const started = x.subarray(scanUtf8(x).charStart);
  const characters: NextCharacter[] = [];
  let errorBound = 0;
  let steps = 0;
  let validityChecks = 0;
  const extend = (piece: number[], probability: number) => {
    const d = exactNextByteDistribution(concat(x, piece), tokenizer, lm, { ...options, index });
    errorBound += d.errorBound;
    steps += 1;
    validityChecks += d.validityChecks;
    for (let b = 0; b < 256; b++) {
      const p = probability * d.probabilities[b];
      if (p === 0) continue;
      const bytes = [...piece, b];
      const whole = concat(started, bytes);
      const utf8 = scanUtf8(whole);
      if (!utf8.valid)
        characters.push({ character: renderTokenBytes(whole), bytes: Uint8Array.from(bytes), probability: p });
      else if (utf8.pending === 0)
        characters.push({ character: strictUtf8Decoder.decode(whole), bytes: Uint8Array.from(bytes), probability: p });
      // Single bytes cost nothing more to list; longer characters need a model step per byte.
      else if (p >= minProbability) extend(bytes, p);
    }
  };
  extend([], 1);
  characters.sort((a, b) => b.probability - a.probability);
  const listed = characters.reduce((sum, c) => sum + c.probability, 0);
  return {
    characters,
    otherProbability: Math.max(0, 1 - listed),
    errorBound: Math.min(1, errorBound),
    steps,
    validityChecks,
  };
}
