/**
 * What the foundation reports per position, composed from `core/distribution`: the
 * probability and rank of a token, the entropy, and the top candidates of one logits row.
 */
import { entropyNats, rowStatistics, softmax, tailMass, topNIndices } from '../distribution';

export interface Candidate {
  tokenId: number;
  /** In [0, 1]. */
  probability: number;
}

export interface PositionScore {
  tokenId: number;
  /** Probability of `tokenId` under the row, in [0, 1]. */
  probability: number;
  /** 1-based; tied tokens share the best rank. */
  rank: number;
  entropyNats: number;
  top: Candidate[];
}

/**
 * Everything the CLI's `score` reports for one position, from that position's logits row, in
 * two passes (`rowStatistics`). The probabilities, rank and top ids are those of logSumExp,
 * softmax, tokenRank and topNIndices bit for bit; the entropy equals entropyNats(softmax) to rounding.
 */
export function scorePosition(logits: ArrayLike<number>, actualTokenId: number, topK: number): PositionScore {
  const row = rowStatistics(logits, actualTokenId, topK);
  const logNormaliser = row.maxLogit + row.logExpSum; // logSumExp's max + ln Σ exp(z − max)
  return {
    tokenId: actualTokenId,
    probability: Math.exp(logits[actualTokenId] - logNormaliser),
    rank: row.rank,
    entropyNats: row.entropyNats,
    top: Array.from(row.topIds, (tokenId) => ({
      tokenId,
      probability: Math.exp(logits[tokenId] - row.maxLogit) / row.expSum,
    })),
  };
}

export interface NextTokenDistribution {
  /** The most probable tokens, most probable first. */
  top: Candidate[];
  /** Probability of every other token together. */
  tailProbability: number;
  /** How many tokens the tail holds. */
  tailCount: number;
  entropyNats: number;
  vocabSize: number;
}

/** The top-n view of a full next-token distribution, with what is left out made explicit. */
export function nextTokenDistribution(logits: ArrayLike<number>, n: number): NextTokenDistribution {
  const probabilities = softmax(logits);
  const top = Array.from(topNIndices(probabilities, n), (tokenId) => ({
    tokenId,
    probability: probabilities[tokenId],
  }));
  return {
    top,
    tailProbability: tailMass(probabilities, n),
    tailCount: logits.length - top.length,
    entropyNats: entropyNats(probabilities),
    vocabSize: logits.length,
  };
}
