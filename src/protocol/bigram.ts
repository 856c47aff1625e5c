/**
 * The bigram and layer views' contract (engine/bigramAnalysis.ts, engine/layerAnalysis.ts):
 * full-context vs context-1 predictions, the bigram table, the corpus reference and the layer
 * lens. Positions are 0-based indices into the text's tokens (the start token the engine puts
 * first is not counted); the prediction "at position i" is the one made after token i.
 */
import type { BigramPositionComparison, BigramSummary } from '../core/bigram/compare';

export interface BigramProgress {
  phase: 'full-context' | 'context-1' | 'hidden-states' | 'lens' | 'table' | 'corpus';
  done: number;
  total: number;
}

/** Whether the layer views can run on the loaded model, and why not. */
export interface InternalsReport {
  available: boolean;
  /** A sentence for the UI when they cannot. */
  reason: string | null;
  /** Transformer blocks L (hidden states 0..L), when available. */
  layerCount: number | null;
  finalNormSource: string | null;
  /** Where the residual stream is read: the exported outputs, or values added to the graph by name. */
  residualSource: string | null;
  /** Whether the first-MLP-only path can be computed (the embedded models' layout). */
  firstMlpPath: boolean;
}

export interface BigramAnalyzeParams {
  /** The text's token ids, without the start token. */
  ids: number[];
}

export interface BigramAnalyzeResult {
  startTokenId: number;
  rows: BigramPositionComparison[];
  summary: BigramSummary;
  /** Distinct tokens whose context-1 prediction was computed (the rest came from the per-model cache). */
  contextOneComputed: number;
  contextOneBatches: number;
  internals: InternalsReport;
  elapsedMs: number;
}

export interface TokenProbability {
  id: number;
  probability: number;
}

export interface BigramTableRow {
  tokenId: number;
  /** The model's context-1 top tokens. */
  top: TokenProbability[];
  entropyBits: number;
  /** The corpus bigram's top tokens after this token (null without a corpus). */
  corpusTop: TokenProbability[] | null;
  /** H(P_bg(·|w), P_model(·|[start, w])) in bits (null without a corpus or when w was never seen as a context). */
  corpusCrossEntropyBits: number | null;
  /** c(w) as a context in the corpus. */
  corpusContextCount: number | null;
}

export interface BigramTableParams {
  /** The tokens to tabulate; null: the corpus's most frequent (needs a corpus). */
  tokenIds: number[] | null;
  /** Rows when tokenIds is null. */
  count?: number;
  topK?: number;
}

export interface BigramTableResult {
  rows: BigramTableRow[];
  /** Rows served from the per-model cache / computed now. */
  cachedRows: number;
  computedRows: number;
  corpusLabel: string | null;
}

export type CorpusSource =
  /** A counts file (core/bigram/corpusBigram encodeCorpusBigram), e.g. the embedded model's training split. */
  | { kind: 'file'; label: string; bytes: Uint8Array }
  /** A text the user provides, tokenized with the loaded model's tokenizer. */
  | { kind: 'text'; label: string; text: string };

export interface CorpusInfo {
  label: string;
  tokens: number;
  contexts: number;
  pairs: number;
}

export type ApproximationName = 'full-model' | 'context-1' | 'early-exit-1' | 'first-mlp-only';

export interface ApproximationScore {
  name: ApproximationName;
  /** Mean over positions of H(P_bg(·|w_i), q_i) in bits. */
  crossEntropyBits: number;
  /** Pearson r between −log2 q_i(w_{i+1}) and −log2 P_bg(w_{i+1}|w_i) (infinities clipped). */
  surprisalPearson: number;
  positions: number;
}

export interface BigramCorpusParams {
  ids: number[];
  /** At most this many positions from the start of the text (default 256). */
  maxPositions?: number;
}

export interface BigramCorpusResult {
  corpus: CorpusInfo;
  /** Share of the scored positions whose current token was seen as a context in the corpus. */
  seenContextRate: number;
  scores: ApproximationScore[];
  /** Approximations that could not run on this model, with the reason. */
  unavailable: { name: ApproximationName; reason: string }[];
}

export interface LensParams {
  ids: number[];
  /** The position whose per-layer predictions are shown. */
  position: number;
  /** Positions the curves and the covariance use (default 512). */
  maxPositions?: number;
  /** Positions the lens statistics (KL, r, recall) use, evenly spread (default 128). */
  lensPositions?: number;
  topK?: number;
}

export interface LensLayerStats {
  layer: number;
  /** Mean KL(p_L ‖ p_ℓ) in nats over the lens positions. */
  klToFinalMeanNats: number;
  /** Pearson r of the actual next token's surprisal under the lens and under the model. */
  outSurprisalPearson: number;
  /** Share of lens positions where W_E · h_ℓ ranks the current token within 1 / 5 / 10. */
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  cosineToCurrentEmbedding: number;
  cosineToNextKey: number;
}

export interface LensPositionLayer {
  layer: number;
  top: TokenProbability[];
  klToFinalNats: number;
  /** Rank of the actual next token under the lens (null at the end of the text). */
  nextRank: number | null;
  /** Rank of the current token under W_E · h_ℓ. */
  currentTokenRank: number;
}

/** The selected position's layers alone (the layer view's table), before the stretch's statistics. */
export interface LensSelectedResult {
  layerCount: number;
  selected: LensResult['selected'];
  elapsedMs: number;
}

export interface LensResult {
  layerCount: number;
  /** Text positions [firstPosition, firstPosition + positionCount) fed the curves and covariance. */
  firstPosition: number;
  positionCount: number;
  lensPositionCount: number;
  layers: LensLayerStats[];
  selected: { position: number; tokenId: number; nextTokenId: number | null; layers: LensPositionLayer[] };
  /** (L+1) × (L+1) row-major covariance similarity, plain and per-dimension standardised. */
  covariance: number[];
  covarianceStandardised: number[];
  /** Whether the stretch's statistics came from the previous call (another position of the same text). */
  reusedStretch: boolean;
  elapsedMs: number;
}
