/**
 * Whole-text ∞-gram scoring (PAPERS.md §3 "scoreDocument"): for each position i, the ∞-gram
 * estimate of tokens[i] from tokens[0..i), as typed-array columns (a 10^5-token text would
 * otherwise be 10^5 small objects to build, clone to the main thread and collect).
 *
 * Suffix lengths are reused from one position to the next. With L the suffix length at i and
 * [lo, hi) its rank range, the numerator range of tokens[i] (found by one narrowing, O(log n))
 * is exactly the range of the context at i + 1 with length L + 1 when it is non-empty: the
 * common case of a continuing match costs one narrowing. Only when the match breaks do we search
 * afresh, for the longest suffix of tokens[0..i] (at most L long), by binary lifting.
 */
import type { RankRange } from './infiniGramTypes';

/**
 * The part of InfiniGramIndex (infiniGram.ts) scoring reads. An interface here rather than an
 * import of infiniGram.ts, which imports this file: no import cycle.
 */
export interface ScoringIndex {
  rootRange(): RankRange;
  narrow(range: RankRange, depth: number, token: number): RankRange;
  find(tokens: ArrayLike<number>, from?: number, to?: number): RankRange;
  longestSuffixLength(tokens: ArrayLike<number>, end: number, maxLength?: number): number;
  isSparse(range: RankRange, depth: number): boolean;
  argmaxToken(range: RankRange, depth: number): number;
}

export interface TextScores {
  /** Number of positions (tokens.length). Every column has this length. */
  length: number;
  /** Longest suffix of tokens[0..i) that occurs in the corpus (capped at i). */
  suffixLength: Int32Array;
  /** suffixLength + 1. */
  effectiveN: Int32Array;
  /** Occurrences of that suffix (tokenCount when suffixLength is 0). */
  contextCount: Int32Array;
  /** Occurrences of the suffix followed by tokens[i]. */
  count: Int32Array;
  /** P∞(tokens[i]) = count / contextCount; NaN only for an empty corpus. */
  probability: Float64Array;
  /** 1 when one token follows every occurrence of the suffix. */
  sparse: Uint8Array;
  /** Most frequent next token of the suffix (ties: smallest id); −1 when only ends of documents follow. */
  argmaxToken: Int32Array;
  /** 1 when P∞(tokens[i]) > 0.5 (the paper's agreement). */
  agrees: Uint8Array;
  /** 1 when argmaxToken === tokens[i]. */
  argmaxAgrees: Uint8Array;
  /**
   * Longest span of the text ending at token i (inclusive) that occurs in the corpus:
   * tokens[i + 1 − matchLength[i] .. i + 1). 0 when tokens[i] never occurs. Equals
   * suffixLength[i + 1] for i + 1 < length; the UI locates it with index.locate.
   */
  matchLength: Int32Array;
}

/** Argmax cache keys pack (range start, depth); deeper ranges are rare and not cached. */
const DEPTH_KEY_LIMIT = 2 ** 21;

export function scoreTokens(index: ScoringIndex, tokens: ArrayLike<number>): TextScores {
  const m = tokens.length;
  const scores: TextScores = {
    length: m,
    suffixLength: new Int32Array(m),
    effectiveN: new Int32Array(m),
    contextCount: new Int32Array(m),
    count: new Int32Array(m),
    probability: new Float64Array(m),
    sparse: new Uint8Array(m),
    argmaxToken: new Int32Array(m),
    agrees: new Uint8Array(m),
    argmaxAgrees: new Uint8Array(m),
    matchLength: new Int32Array(m),
  };
  // The same context (same range start and depth) recurs in a text; its argmax walk, O(distinct
  // next tokens · log n), is then done once.
  const argmaxByRange = new Map<number, number>();
  let length = 0;
  let range = index.rootRange();
  for (let i = 0; i < m; i++) {
    const contextCount = range.hi - range.lo;
    const next = index.narrow(range, length, tokens[i]);
    const count = next.hi - next.lo;
    const probability = contextCount > 0 ? count / contextCount : NaN;
    scores.suffixLength[i] = length;
    scores.effectiveN[i] = length + 1;
    scores.contextCount[i] = contextCount;
    scores.count[i] = count;
    scores.probability[i] = probability;
    scores.sparse[i] = index.isSparse(range, length) ? 1 : 0;
    scores.agrees[i] = probability > 0.5 ? 1 : 0;

    const key = length < DEPTH_KEY_LIMIT ? range.lo * DEPTH_KEY_LIMIT + length : -1;
    let argmax = argmaxByRange.get(key);
    if (argmax === undefined) {
      argmax = index.argmaxToken(range, length);
      if (key >= 0) argmaxByRange.set(key, argmax);
    }
    scores.argmaxToken[i] = argmax;
    scores.argmaxAgrees[i] = argmax === tokens[i] ? 1 : 0;

    // Context for i + 1: the match goes on (one narrowing), or the longest shorter suffix.
    if (count > 0) {
      length += 1;
      range = next;
    } else {
      length = index.longestSuffixLength(tokens, i + 1, length);
      range = index.find(tokens, i + 1 - length, i + 1);
    }
    scores.matchLength[i] = length;
  }
  return scores;
}
