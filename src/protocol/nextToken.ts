/**
 * The next-token lab's contract: tokenizing, the vocabulary, forward passes, KV-cached steps,
 * scoring and the per-position analysis of a text. Plain data only: everything here crosses a
 * postMessage boundary.
 */
import type { TokenByteScheme } from '../core/tokenization/tokenBytes';
import type { PositionScore } from '../core/scoring/positionStats';
import type { AnalyzeResult } from '../core/lab/positionMetrics';

export interface TokenView {
  id: number;
  /** Byte-exact rendering: text where the bytes are complete UTF-8, `\xNN` elsewhere. */
  text: string;
  /** The token's bytes as lowercase hex. */
  bytesHex: string;
  special: boolean;
}

export interface TokenizeParams {
  text: string;
  /** Add the model's BOS/EOS tokens as its tokenizer config says (default false). */
  addSpecialTokens?: boolean;
}

export interface TokenizeResult {
  ids: number[];
  tokens: TokenView[];
}

export interface VocabularyResult {
  /** Rendered token text by id (byte-exact, see TokenView.text). */
  tokens: string[];
  specialIds: number[];
  byteScheme: TokenByteScheme;
}

export interface ForwardParams {
  ids: number[];
  /** Return logits for positions [fromPosition, ids.length); default 0 (every position). */
  fromPosition?: number;
  /** Window step past the context length; default half the context. */
  strideTokens?: number;
}

export interface ForwardResult {
  /** Row-major [positionCount × vocabSize]: row i holds the logits after token fromPosition + i. */
  logits: Float32Array;
  vocabSize: number;
  fromPosition: number;
  positionCount: number;
  windowCount: number;
  /** Tokens the model processed across all windows. */
  processedTokens: number;
  elapsedMs: number;
}

/** Progress of a multi-window pass (forward or score over a long text). */
export interface WindowProgress {
  doneWindows: number;
  totalWindows: number;
}

export interface StepParams {
  ids: number[];
  /** false forces a full recompute (the benchmark's baseline); default true. */
  useCache?: boolean;
}

export interface StepResult {
  /** Logits for the token after `ids` (length vocabSize). */
  logits: Float32Array;
  vocabSize: number;
  /** Tokens the model saw as context (the last contextTokens of ids at most). */
  contextTokens: number;
  /** Tokens taken from the KV cache rather than computed. */
  reusedTokens: number;
  computedTokens: number;
  elapsedMs: number;
}

export interface ScoreParams {
  ids: number[];
  topK?: number;
  strideTokens?: number;
}

export interface ScoredPosition extends PositionScore {
  /** Index of the predicted token in ids (≥ 1). */
  position: number;
}

export interface ScoreResult {
  positions: ScoredPosition[];
  windowCount: number;
  processedTokens: number;
  elapsedMs: number;
}

export interface AnalyzeParams {
  /** The text's token ids, without a start token: the engine puts the model's start token first. */
  ids: number[];
  /** Window step past the context length; default half the window. */
  strideTokens?: number;
  /**
   * Also answer with the logits at this position (0..ids.length), as `row` would: the lab
   * shows the analysis and its distribution from one reply instead of two round trips.
   */
  rowPosition?: number;
}

export type { AnalyzeResult, PositionMetrics } from '../core/lab/positionMetrics';

/** `analyze`'s reply: the analysis, and the row asked for with `rowPosition`. */
export interface AnalyzeReply extends AnalyzeResult {
  row?: RowResult;
}

export interface RowParams {
  /** The text's token ids (without the start token), as given to `analyze`. */
  ids: number[];
  /** 0..ids.length: the distribution over ids[position] (ids.length: the token after the text). */
  position: number;
}

export interface RowResult {
  /** Logits over the vocabulary at that position. */
  logits: Float32Array;
  vocabSize: number;
  position: number;
  /** Tokens of context the row was computed from (start token included). */
  contextTokens: number;
}
