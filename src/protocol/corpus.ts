/**
 * The corpus view's contract (engine/corpusIndex.ts, engine/corpusApi.ts): an ∞-gram index over
 * a corpus tokenized with the loaded model's tokenizer, beside the model, and the infini-gram
 * API. Positions are 0-based indices into the text's tokens; the figures "at position i" are the
 * predictions of token i from tokens 0..i−1 (the model also sees its start token first; the
 * ∞-gram sees only the text).
 */

/** One document of an index: where it starts in the concatenation and what to call it. */
export interface CorpusDocument {
  /** "1790 · George Washington", or a file name. */
  title: string;
  /** Token offset of its first token in the index. */
  start: number;
  length: number;
}

/** The embedded models' training split as public/corpus/index.json lists it (tools/corpus-index/build.ts). */
export interface TrainingSplitEntry {
  file: string;
  bytesPerId: 1 | 2;
  tokens: number;
  vocabSize: number;
  sha256: string;
  documents: { id: string; year: number; president: string; party: string; start: number; length: number }[];
}

export type CorpusSourceParams =
  /** The loaded embedded model's training split: token ids fetched from `url`, described by `entry`. */
  | { kind: 'training-split'; url: string; entry: TrainingSplitEntry; label: string }
  /** Texts the user adds (files or a paste), tokenized with the loaded model's tokenizer. */
  | { kind: 'texts'; texts: { name: string; text: string }[]; label: string };

export interface CorpusProgress {
  phase: 'fetching' | 'tokenizing' | 'building' | 'reading' | 'storing';
  /** Fraction 0..1 of the phase. */
  fraction: number;
}

export interface CorpusIndexInfo {
  /** Stable key of the index: the content hash of its token ids and the tokenizer's model key. */
  key: string;
  label: string;
  /** Which kind of corpus it is. */
  source: CorpusSourceParams['kind'];
  documentCount: number;
  tokenCount: number;
  /** Read back from this browser's storage (built before), or built now. */
  fromStore: boolean;
  /** Wall time to build the suffix array (when built now) or to read it back, in ms. */
  elapsedMs: number;
  /** Bytes the stored index takes (token ids and suffix array), or null when it could not be stored. */
  storedBytes: number | null;
  /** Why it was not stored (quota, private mode), or null. */
  storageProblem: string | null;
}

export interface CorpusScoreParams {
  /** The text's token ids, without the start token. */
  ids: number[];
}

/** Per position of the text, the ∞-gram beside the model. Arrays, one entry per token. */
export interface CorpusScoreResult {
  /** Longest suffix of the context (in tokens) that occurs in the corpus: the effective n is this + 1. */
  suffixLength: number[];
  /** P∞ of the actual token (0 is possible: the backoff only looks at the context). */
  infiniGramProbability: number[];
  /** Whether exactly one next token follows that suffix in the corpus. */
  sparse: boolean[];
  /** The ∞-gram's most frequent next token (−1 when only documents end there). */
  infiniGramArgmax: number[];
  /** The model's probability of the actual token (softmax at temperature 1). */
  modelProbability: number[];
  /** The model's most probable token. */
  modelArgmax: number[];
  /** Longest span ending at each token (inclusive) that occurs in the corpus, in tokens. */
  matchLength: number[];
  elapsedMs: { infiniGram: number; model: number };
}

export interface CorpusPositionParams {
  ids: number[];
  /** The position whose prediction is shown (0..ids.length; ids.length = after the last token). */
  position: number;
  topK: number;
  /** Occurrences of the longest matching span to list. */
  occurrences: number;
}

export interface TokenCount {
  id: number;
  count: number;
  probability: number;
}

export interface CorpusOccurrence {
  documentIndex: number;
  title: string;
  /** Token offset of the span inside its document. */
  tokenOffset: number;
  /** Tokens before the span, the span, and after (ids), for a snippet. */
  before: number[];
  match: number[];
  after: number[];
}

export interface CorpusPositionResult {
  position: number;
  model: { id: number; probability: number }[];
  infiniGram: {
    suffixLength: number;
    contextCount: number;
    entries: TokenCount[];
    /** Occurrences of the suffix where a document ends instead. */
    endOfDocumentCount: number;
    /** Counted on a sample of the occurrences (very frequent contexts). */
    approximate: boolean;
  };
  /** The longest span ending before `position` (the ∞-gram's context) and where it occurs. */
  span: { start: number; length: number; totalOccurrences: number; occurrences: CorpusOccurrence[] };
}

export interface CorpusApiParams {
  text: string;
  /** UTF-8 offset in `text` where the model's next token starts: the context is the text before it. */
  byteOffset: number;
  /** Rows to return (the most probable next tokens), 1..100. */
  topK: number;
  /** The API's URL (Settings), e.g. https://api.infini-gram.io/. */
  endpoint: string;
  /** An index of INFINI_GRAM_INDEXES. */
  index: string;
}

export interface CorpusApiRow {
  /** The id in the index's tokenizer (not the model's). */
  tokenId: number;
  /** Byte-exact display of the token's bytes in the index's tokenizer (split characters as \xNN). */
  text: string;
  bytesHex: string;
  probability: number;
  /** Occurrences of the context followed by this token. */
  count: number;
  /** The corpus's document separator: "the document ends here". */
  endOfDocument: boolean;
  /** The index tokenizer's next token of the text itself (when it cuts at this position). */
  isActual: boolean;
}

export interface CorpusApiResult {
  endpoint: string;
  index: string;
  /** The index's corpus, e.g. "RedPajama". */
  corpus: string;
  tokenizerId: string;
  /** e.g. "Llama 2". */
  tokenizerLabel: string;
  /** Ids sent: the context's last tokens in the index's tokenizer. */
  queryTokens: number;
  /** The context's tokens before cutting to the API's limit. */
  contextTokens: number;
  /** The last (up to 12) tokens sent, each as its bytes' display text. */
  contextTail: string[];
  /** Tokens of the longest end of the context the corpus holds: effective n = suffixLength + 1. */
  suffixLength: number;
  /** That end of the context as the API decodes it. */
  longestSuffix: string;
  /** Occurrences of that suffix in the corpus. */
  promptCount: number;
  /** The API counted a sample of the occurrences (more than it reads). */
  sampled: boolean;
  /** Anything in `notes`: the distribution is not exactly of this position's bytes. */
  approximate: boolean;
  /** The topK most probable next tokens, most probable first. */
  rows: CorpusApiRow[];
  /** Next tokens the API listed beyond `rows` (their probability is 1 − the rows' sum). */
  otherTokens: number;
  /** The index tokenizer's next token of the text, or null (text end, or no cut at this position). */
  actualTokenId: number | null;
  /** What is approximate, one sentence each. */
  notes: string[];
  /** Served from this browser's cache of earlier answers. */
  fromCache: boolean;
  elapsedMs: number;
}

export const CORPUS_API_MAX_TOP_K = 100;
