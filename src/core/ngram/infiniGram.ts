/**
 * The ∞-gram index (Liu et al. 2024, PAPERS.md §3): a suffix array over tokenised documents
 * that counts any n-gram and gives the ∞-gram estimate, the next-token distribution of the
 * longest suffix of the context that occurs in the corpus.
 *
 * Internal symbols (callers always pass and receive original token ids):
 *   0 = sentinel, once, at the very end;  1 = SEP, after every document;  token t → t + 2.
 * So the text is  doc0 SEP doc1 SEP … doc(D−1) SEP 0. No query symbol is ever 0 or 1, so a
 * match never crosses a document boundary. In the suffix array the sentinel has rank 0 and the
 * D separator suffixes ranks 1..D; every suffix that starts with a token lies in [D + 1, n).
 *
 * Definitions, as implemented (the user-facing page in docs/ says the same):
 * - count(x): occurrences of x inside documents. count([]) = tokenCount (separators and the
 *   sentinel are not tokens, so unigram probabilities sum to 1 over the vocabulary).
 * - An occurrence of a context at the end of a document counts in the context's count; its
 *   "next token" is the end of the document (endOfDocumentCount in distributions).
 * - ∞-gram: suffixLength = the largest L ≤ |context| with count(last L tokens) > 0,
 *   effectiveN = L + 1, then P∞(t) = count(suffix · t) / count(suffix). The numerator may be 0.
 * - sparse: one token takes all of the suffix's occurrences (P∞ = 1 for it; no end of document).
 */
import { buildSuffixArray } from './suffixArray';
import { decodeIndex, encodeIndex } from './infiniGramFormat';
import { collectNextSymbols, mostFrequentNextSymbol } from './nextSymbols';
import { scoreTokens, type TextScores } from './infiniGramScoring';
import type {
  CorpusLocation,
  InfiniGramResult,
  LongestMatch,
  NextTokenDistribution,
  RankRange,
} from './infiniGramTypes';

export type { TextScores } from './infiniGramScoring';
export type {
  CorpusLocation,
  InfiniGramResult,
  LongestMatch,
  NextTokenDistribution,
  RankRange,
} from './infiniGramTypes';

/** Largest token id an index accepts (ids must be < 2^31). */
export const MAX_TOKEN_ID = 2 ** 31 - 1;
const SEPARATOR = 1;
const TOKEN_SHIFT = 2;

/** Internal symbol of a token id, or −1 for a value that can never occur (not an id). */
export function tokenSymbol(token: number): number {
  return Number.isInteger(token) && token >= 0 && token <= MAX_TOKEN_ID ? token + TOKEN_SHIFT : -1;
}

export class InfiniGramIndex {
  readonly tokenCount: number;
  private unigramArgmax: number | undefined;

  private constructor(
    /** Internal symbols, layout in the file comment. */
    private readonly text: Uint32Array,
    private readonly suffixArray: Int32Array,
    /** Position in `text` of each document's first token (documents are followed by one SEP). */
    readonly documentStarts: Int32Array,
  ) {
    this.tokenCount = text.length - 1 - documentStarts.length;
  }

  /**
   * Builds the index, synchronously (run it in the worker). Throws on a token that is not an
   * integer in [0, 2^31). Memory while building: about 9 bytes per token, 17 with huge ids.
   */
  static build(
    documents: readonly ArrayLike<number>[],
    options: { onProgress?(fraction: number): void } = {},
  ): InfiniGramIndex {
    const onProgress = options.onProgress;
    onProgress?.(0);
    let length = 1;
    for (const document of documents) length += document.length + 1;
    if (length > 2 ** 31 - 1) throw new RangeError(`${length} symbols are more than an index can hold (2^31 − 1)`);
    const text = new Uint32Array(length);
    const documentStarts = new Int32Array(documents.length);
    let position = 0;
    let maxSymbol = SEPARATOR;
    documents.forEach((document, documentIndex) => {
      documentStarts[documentIndex] = position;
      for (let k = 0; k < document.length; k++) {
        const symbol = tokenSymbol(document[k]);
        if (symbol < 0) {
          throw new RangeError(`document ${documentIndex}, token ${k}: ${document[k]} is not a token id in [0, 2^31)`);
        }
        if (symbol > maxSymbol) maxSymbol = symbol;
        text[position++] = symbol;
      }
      text[position++] = SEPARATOR;
    });
    onProgress?.(0.05);
    // SA-IS needs buckets for every symbol value: with ids far above the corpus size, sort on
    // dense ranks instead (same order, so the same suffix array).
    let saText: Uint32Array = text;
    let alphabetSize = maxSymbol + 1;
    if (alphabetSize > Math.min(2 * length + 1024, 2 ** 31)) ({ ranked: saText, alphabetSize } = rankSymbols(text));
    const suffixArray = buildSuffixArray(saText, alphabetSize, (f) => onProgress?.(0.05 + 0.95 * f));
    return new InfiniGramIndex(text, suffixArray, documentStarts);
  }

  /** The stored form (format in infiniGramFormat.ts). */
  toBytes(): Uint8Array {
    return encodeIndex({ text: this.text, suffixArray: this.suffixArray, documentStarts: this.documentStarts });
  }

  /** Reads `toBytes` output back; throws an Error that says what is wrong with a bad file. */
  static fromBytes(bytes: Uint8Array): InfiniGramIndex {
    const parts = decodeIndex(bytes);
    return new InfiniGramIndex(parts.text, parts.suffixArray, parts.documentStarts);
  }

  get documentCount(): number {
    return this.documentStarts.length;
  }

  /** Tokens in a document (its separator excluded). */
  documentLength(documentIndex: number): number {
    const end = documentIndex + 1 < this.documentCount ? this.documentStarts[documentIndex + 1] : this.text.length - 1;
    return end - 1 - this.documentStarts[documentIndex];
  }

  /** A copy of a document's tokens [from, to) (clamped to the document), as original ids. */
  documentTokens(documentIndex: number, from = 0, to = Infinity): Int32Array {
    const start = this.documentStarts[documentIndex];
    from = Math.max(0, from);
    to = Math.min(to, this.documentLength(documentIndex));
    const out = new Int32Array(Math.max(0, to - from));
    for (let k = 0; k < out.length; k++) out[k] = this.text[start + from + k] - TOKEN_SHIFT;
    return out;
  }

  /** The document holding a text position (as in the suffix array), and the offset inside it. */
  locatePosition(position: number): CorpusLocation {
    let lo = 0;
    let hi = this.documentCount; // find the last start ≤ position
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (this.documentStarts[mid] <= position) lo = mid;
      else hi = mid;
    }
    return { documentIndex: lo, tokenOffset: position - this.documentStarts[lo] };
  }

  /** Ranks of the suffixes that start with a token: all but the sentinel and the separators. */
  rootRange(): RankRange {
    return { lo: this.documentCount + 1, hi: this.text.length };
  }

  /** Narrows `range` (all suffixes sharing a prefix of length `depth`) to those followed by `token`. */
  narrow(range: RankRange, depth: number, token: number): RankRange {
    const symbol = tokenSymbol(token);
    if (symbol < 0 || range.hi <= range.lo) return { lo: range.lo, hi: range.lo };
    const lo = this.lowerBound(range.lo, range.hi, depth, symbol);
    return { lo, hi: this.lowerBound(lo, range.hi, depth, symbol + 1) };
  }

  /** The rank range of tokens[from..to): O((to − from) · log n). */
  find(tokens: ArrayLike<number>, from = 0, to = tokens.length): RankRange {
    let range = this.rootRange();
    for (let i = from; i < to && range.hi > range.lo; i++) range = this.narrow(range, i - from, tokens[i]);
    return range;
  }

  /** Occurrences of an n-gram in the documents; the empty n-gram gives tokenCount. */
  count(ngram: ArrayLike<number>): number {
    const range = this.find(ngram);
    return range.hi - range.lo;
  }

  /** The n-gram estimate count(context · token) / count(context); null when the context never occurs. */
  probability(
    context: ArrayLike<number>,
    token: number,
  ): { count: number; contextCount: number; probability: number | null } {
    const range = this.find(context);
    const contextCount = range.hi - range.lo;
    if (contextCount === 0) return { count: 0, contextCount: 0, probability: null };
    const next = this.narrow(range, context.length, token);
    return { count: next.hi - next.lo, contextCount, probability: (next.hi - next.lo) / contextCount };
  }

  /** What follows the context. With maxSupport, contexts seen more often are sampled (approximate). */
  nextTokenDistribution(context: ArrayLike<number>, options: { maxSupport?: number } = {}): NextTokenDistribution {
    return this.distributionOf(this.find(context), context.length, options.maxSupport);
  }

  /** The ∞-gram estimate for the context (and a token, when given); see InfiniGramResult. */
  infiniGram(
    context: ArrayLike<number>,
    token?: number,
    options: { distribution?: boolean; maxSupport?: number } = {},
  ): InfiniGramResult {
    const suffixLength = this.longestSuffixLength(context, context.length);
    const range = this.find(context, context.length - suffixLength, context.length);
    const contextCount = range.hi - range.lo;
    let count: number | null = null;
    let probability: number | null = null;
    if (token !== undefined) {
      const next = this.narrow(range, suffixLength, token);
      count = next.hi - next.lo;
      probability = contextCount > 0 ? count / contextCount : null;
    }
    return {
      suffixLength,
      effectiveN: suffixLength + 1,
      contextCount,
      sparse: this.isSparse(range, suffixLength),
      count,
      probability,
      distribution: options.distribution ? this.distributionOf(range, suffixLength, options.maxSupport) : null,
    };
  }

  /** Per-position ∞-gram scores of a text, as columns; see infiniGramScoring.ts. */
  scoreText(tokens: ArrayLike<number>): TextScores {
    return scoreTokens(this, tokens);
  }

  /** Where an n-gram occurs: the first `limit` occurrences in suffix-array order. */
  locate(ngram: ArrayLike<number>, limit = 10): CorpusLocation[] {
    return this.locateRange(this.find(ngram), limit);
  }

  locateRange(range: RankRange, limit: number): CorpusLocation[] {
    const out: CorpusLocation[] = [];
    for (let r = range.lo; r < range.hi && out.length < limit; r++) out.push(this.locatePosition(this.suffixArray[r]));
    return out;
  }

  /** The longest span of tokens ending at `end` (exclusive) that occurs in the corpus, and where. */
  longestMatch(tokens: ArrayLike<number>, end = tokens.length, limit = 10): LongestMatch {
    const length = this.longestSuffixLength(tokens, end);
    const range = this.find(tokens, end - length, end);
    return { start: end - length, length, count: range.hi - range.lo, occurrences: this.locateRange(range, limit) };
  }

  /**
   * The largest L ≤ min(end, maxLength) with count(tokens[end − L .. end)) > 0: binary lifting
   * over L = 1, 2, 4, … then binary search (counts only shrink as L grows). O(L log L log n)
   * symbol reads at worst. 0 for an empty corpus.
   */
  longestSuffixLength(tokens: ArrayLike<number>, end: number, maxLength = end): number {
    const cap = Math.min(end, maxLength);
    let good = 0;
    let bad = cap + 1;
    for (let probe = 1; probe <= cap; probe *= 2) {
      if (this.occurs(tokens, end - probe, end)) good = probe;
      else {
        bad = probe;
        break;
      }
    }
    while (bad - good > 1) {
      const mid = (good + bad) >>> 1;
      if (this.occurs(tokens, end - mid, end)) good = mid;
      else bad = mid;
    }
    return good;
  }

  /** Exactly one token follows every occurrence in the range (no end of document): P∞ = 1. */
  isSparse(range: RankRange, depth: number): boolean {
    if (range.hi <= range.lo) return false;
    // Next symbols are sorted inside the range: one distinct value iff the ends agree.
    const first = this.text[this.suffixArray[range.lo] + depth];
    return first >= TOKEN_SHIFT && first === this.text[this.suffixArray[range.hi - 1] + depth];
  }

  /** The most frequent next token in the range (ties: smallest id), or −1 if only ends of documents follow. */
  argmaxToken(range: RankRange, depth: number): number {
    const isRoot = depth === 0;
    if (isRoot && this.unigramArgmax !== undefined) return this.unigramArgmax;
    const symbol = mostFrequentNextSymbol(this.text, this.suffixArray, range.lo, range.hi, depth, TOKEN_SHIFT);
    const token = symbol < 0 ? -1 : symbol - TOKEN_SHIFT;
    if (isRoot) this.unigramArgmax = token;
    return token;
  }

  private occurs(tokens: ArrayLike<number>, from: number, to: number): boolean {
    const range = this.find(tokens, from, to);
    return range.hi > range.lo;
  }

  private distributionOf(range: RankRange, depth: number, maxSupport?: number): NextTokenDistribution {
    const contextCount = range.hi - range.lo;
    let unit = 1;
    if (maxSupport !== undefined) {
      if (!Number.isInteger(maxSupport) || maxSupport < 1)
        throw new RangeError(`maxSupport must be a positive integer, got ${maxSupport}`);
      while (contextCount > unit * maxSupport) unit *= 2;
    }
    const runs = collectNextSymbols(this.text, this.suffixArray, range.lo, range.hi, depth, unit);
    const entries: NextTokenDistribution['entries'] = [];
    let endOfDocumentCount = 0;
    for (let k = 0; k < runs.symbols.length; k++) {
      const symbol = runs.symbols[k];
      const count = runs.counts[k];
      if (symbol < TOKEN_SHIFT) endOfDocumentCount += count;
      else entries.push({ token: symbol - TOKEN_SHIFT, count, probability: count / contextCount });
    }
    entries.sort((a, b) => b.count - a.count || a.token - b.token);
    return { contextCount, entries, endOfDocumentCount, approximate: unit > 1 };
  }

  /** First rank in [lo, hi) whose symbol at `depth` is ≥ symbol. */
  private lowerBound(lo: number, hi: number, depth: number, symbol: number): number {
    const text = this.text;
    const sa = this.suffixArray;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (text[sa[mid] + depth] < symbol) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Order-preserving dense ranks of the symbols (0 stays 0: it is the smallest). */
function rankSymbols(text: Uint32Array): { ranked: Uint32Array; alphabetSize: number } {
  const sorted = text.slice().sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i];
  const ranked = new Uint32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < text[i]) lo = mid + 1;
      else hi = mid;
    }
    ranked[i] = lo;
  }
  return { ranked, alphabetSize: distinct };
}
