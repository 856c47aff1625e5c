/**
 * What the next-token lab shows per token of a text, computed once from the logits row that
 * predicted it: GLTR's rank, Frac(p) and top-10 entropy (docs/PAPERS.md section 6), the surprisal,
 * the entropy.
 */
import { logProbRanking, rowStatistics } from '../distribution';

export interface PositionMetrics {
  tokenId: number;
  /** ln p(token) at temperature 1. */
  logProb: number;
  /** 1-based; ties share the best rank. */
  rank: number;
  /** Entropy of the whole distribution. */
  entropyNats: number;
  /** GLTR's entropy panel: the entropy of the top-10 probabilities renormalised. */
  top10EntropyNats: number;
  /** GLTR's Frac(p): p(token) / max p. */
  probabilityRelativeToTop: number;
  /** The model's most probable token at this position (lowest id on ties). */
  topTokenId: number;
}

/** The engine's analysis of a text: the metrics of every position (the worker's `analyze` answer). */
export interface AnalyzeResult {
  /** The token the engine put before the text (the model's BOS, else EOS). */
  startTokenId: number;
  /** positions[i] is the prediction of ids[i] from the start token and ids[0, i). */
  positions: PositionMetrics[];
  /** Entropy of the next-token distribution after the whole text. */
  nextEntropyNats: number;
  /** Positions (of the start + text sequence) taken unchanged from the previous analysis. */
  reusedPositions: number;
  /** Tokens the model ran on for this analysis. */
  computedTokens: number;
  windowCount: number;
  /** The most tokens one pass sees; longer texts go through sliding windows. */
  windowTokens: number;
  elapsedMs: number;
}

/**
 * The mean surprisal in bits of the scored tokens; null when no token was scored (an empty
 * text): a mean over nothing is no number, and 0 bits would claim a perfect prediction.
 */
export function meanSurprisalBits(positions: readonly Pick<PositionMetrics, 'logProb'>[]): number | null {
  if (positions.length === 0) return null;
  return positions.reduce((sum, p) => sum - p.logProb / Math.LN2, 0) / positions.length;
}

/**
 * The lab's metrics of `tokenId` under one logits row: one exp pass (`rowStatistics`) and one
 * ranking pass over log-probabilities, so every field but the entropy equals what
 * logSoftmax + tokenMetrics + topNIndices give bit for bit (the entropy to rounding).
 */
export function positionMetrics(logits: ArrayLike<number>, tokenId: number): PositionMetrics {
  const row = rowStatistics(logits, tokenId, 0);
  const ranking = logProbRanking(logits, row, tokenId, 10);
  return {
    tokenId,
    logProb: ranking.logProb,
    rank: ranking.rank,
    entropyNats: row.entropyNats,
    top10EntropyNats: top10EntropyNats(ranking.topLogProbs),
    probabilityRelativeToTop: Math.exp(ranking.logProb - ranking.topLogProbs[0]),
    topTokenId: ranking.topIds[0],
  };
}

/**
 * GLTR's top-10 entropy from the top-10 log-probabilities: the same value as
 * `topNEntropyNats(p, 10)` without exponentiating the whole vocabulary.
 */
function top10EntropyNats(topLogProbs: Float64Array): number {
  const top = Array.from(topLogProbs, (lp) => Math.exp(lp));
  const sum = top.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return 0;
  return top.reduce((h, p) => (p > 0 ? h - (p / sum) * Math.log(p / sum) : h), 0);
}
