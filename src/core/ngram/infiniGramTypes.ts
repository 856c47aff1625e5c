/** Result types of the ∞-gram index (infiniGram.ts); definitions in that file's comment. */

/** A half-open range of suffix-array ranks. Empty when hi === lo. */
export interface RankRange {
  lo: number;
  hi: number;
}

export interface CorpusLocation {
  documentIndex: number;
  /** Offset of the token within its document (0 = the document's first token). */
  tokenOffset: number;
}

export interface NextTokenDistribution {
  /** Occurrences of the context (tokenCount for the empty context). */
  contextCount: number;
  /** Sorted by count descending, then token ascending. probability = count / contextCount. */
  entries: { token: number; count: number; probability: number }[];
  /** Occurrences of the context that end a document; with the entries' counts sums to contextCount. */
  endOfDocumentCount: number;
  /** True when the counts come from stride sampling (contextCount > maxSupport). */
  approximate: boolean;
}

export interface InfiniGramResult {
  /** Length of the longest suffix of the context that occurs in the corpus (0 = unigram). */
  suffixLength: number;
  /** suffixLength + 1, the paper's "effective n". */
  effectiveN: number;
  /** Occurrences of that suffix (tokenCount when suffixLength is 0). 0 only for an empty corpus. */
  contextCount: number;
  /** One token follows every occurrence of the suffix (its P∞ is 1). */
  sparse: boolean;
  /** count(suffix · token); null when no token was asked. */
  count: number | null;
  /** P∞(token) = count / contextCount; null when no token was asked or contextCount is 0. */
  probability: number | null;
  /** The suffix's next-token distribution, when asked for with { distribution: true }. */
  distribution: NextTokenDistribution | null;
}

export interface LongestMatch {
  /** tokens[start .. start + length) is the longest span ending at `end` that occurs in the corpus. */
  start: number;
  length: number;
  /** Occurrences of that span in the corpus (tokenCount when length is 0). */
  count: number;
  /** Up to `limit` of them, in suffix-array order (not text order, not random). */
  occurrences: CorpusLocation[];
}
