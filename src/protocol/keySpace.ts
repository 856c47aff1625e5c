/**
 * The key-space view's contract: the loaded model's key (unembedding) matrices, their
 * neighbours, similarity and map, in-context navigation and the spurious split.
 */
import type { IcnMethod, IcnProbe } from '../core/keyspace/icn';
import type { KeyMetric } from '../core/keyspace';

/** How one key matrix was found and stored. */
export interface KeyMatrixSummary {
  vocabularySize: number;
  embeddingSize: number;
  /** e.g. 'float32', 'float16', 'MatMulNBits 4-bit (block 32)'. */
  encoding: string;
  sources: string[];
  /** Ops walked from `logits` (or `input_ids`) to the stored weight. */
  path: string[];
}

export interface KeySpaceInfo {
  /** The unembedding (keys): null with `outputReason` when it cannot be read. */
  output: KeyMatrixSummary | null;
  outputReason: string | null;
  /** Whether the unembedding adds a per-token logit bias (logit = q · key + bias). */
  outputHasBias: boolean;
  /** The input embedding, kept only when it differs from the unembedding (untied models). */
  input: KeyMatrixSummary | null;
  /** Why there are no separate input-embedding neighbours: tied, or unreadable and why. */
  inputReason: string | null;
  tied: boolean;
  /**
   * Percentiles of the cosine between random pairs of keys (2,000 pairs, fixed seed). Keys of
   * small models share a common direction (sotu-gpt: median 0.41), so a cosine means little
   * without this baseline; the view's default "look-alike" threshold is p90.
   */
  randomPairCosine: RandomPairCosine;
  /** Reading the matrices out of the ONNX bytes (dequantising included), ms. */
  extractMs: number;
  /** Building the row-normalised copies, ms. */
  normaliseMs: number;
}

export interface RandomPairCosine {
  p50: number;
  p90: number;
  p99: number;
}

export interface NeighbourRow {
  tokenId: number;
  /** Cosine in [-1, 1] or dot product, by the list's metric. */
  similarity: number;
}

export interface NeighboursParams {
  tokenId: number;
  /** Neighbours per list (1..1000). */
  k: number;
}

export interface NeighboursResult {
  tokenId: number;
  /** Unembedding neighbours by each metric, the token itself left out. */
  output: Record<KeyMetric, NeighbourRow[]>;
  /** Input-embedding neighbours, only for untied models whose input embedding is readable. */
  input: Record<KeyMetric, NeighbourRow[]> | null;
  elapsedMs: number;
}

export interface KeySimParams {
  /** The distribution's logits over the whole vocabulary (the lab's row). */
  logits: Float32Array;
  /** Candidates profiled (default 100). */
  topN?: number;
  /** Top keys compared against (default 10). */
  topK?: number;
}

export interface KeySimRow {
  tokenId: number;
  rank: number;
  probability: number;
  logit: number;
  /** max over the top-K keys (other than its own) of the cosine; NaN for rank 1 when K = 1. */
  keySim: number;
  /** 1-based rank of the top key that attains keySim. */
  nearestTopRank: number;
}

export interface KeySimResult {
  candidates: KeySimRow[];
  topK: number;
  randomPairCosine: RandomPairCosine;
  elapsedMs: number;
}

export interface KeyMapResult {
  /** Every key projected on the first two principal axes: [x0, y0, x1, y1, ...], length 2 × vocabulary. */
  coordinates: Float32Array;
  explainedVarianceRatio: number[];
  /** Keys the covariance was estimated from (all of them up to MAP_MAX_ROWS). */
  rowsUsed: number;
  elapsedMs: number;
}

export interface IcnParams {
  method: IcnMethod;
  instruction: string;
  runs: number;
  tolerance: number;
  maxAnswerTokens?: number;
  temperature?: number;
  seed?: number;
  /** Acceptable answers as typed (one per line or comma-separated). */
  acceptableText?: string;
}

export interface IcnProgress {
  probe: IcnProbe;
  /** 0-based index of the probe. */
  index: number;
  totalProbes: number;
}

export interface ExpandParams {
  /** The context the candidates follow (start token included), e.g. the lab's sequence up to the shown position. */
  contextIds: number[];
  /** First tokens to expand, each on its own. */
  tokenIds: number[];
  maxAnswerTokens?: number;
}

export interface ExpandedCandidate {
  tokenId: number;
  answer: string;
  finished: boolean;
}

export interface KeyQueryBenchParams {
  /** 'model': the loaded model's unembedding; 'synthetic': uniform random keys of the given shape. */
  matrix: 'model' | 'synthetic';
  rows?: number;
  cols?: number;
  /** How many queries to time, each on a different token. */
  queries: number;
  k: number;
  metric: KeyMetric;
}

export interface KeyQueryBenchResult {
  rows: number;
  cols: number;
  /** ms of each single query. */
  queryMs: number[];
  /** ms to build the synthetic matrix and its index (0 when reused or for the model). */
  buildMs: number;
}
