/**
 * Per-token metrics for the text view, from the log-probabilities at one position and the
 * token that actually came next: GLTR's (rank, probability, Frac(p)) and the PAWN-style
 * feature set (log p, max log p, entropy, normalised rank, "top-p" mass); docs/PAPERS.md section 6.
 * One O(V) pass.
 */

import { assertTokenId } from './validate';

export interface TokenMetrics {
  tokenId: number;
  /** ln p(actual). */
  logProb: number;
  /** p(actual), in [0, 1]. */
  probability: number;
  /** −log2 p(actual). */
  surprisalBits: number;
  /** 1-based: #{t : p_t > p_actual} + 1 (ties share the best rank). */
  rank: number;
  /** GLTR's Frac(p) = p(actual) / max_t p(t), in [0, 1]. */
  probabilityRelativeToTop: number;
  /** PAWN: max_t ln p(t). */
  maxLogProb: number;
  /** −Σ p ln p of the whole distribution. */
  entropyNats: number;
  /** PAWN: |{t : ln p_t >= ln p_actual}| / V, in (0, 1]; counts the token itself and all ties. */
  normalisedRank: number;
  /** PAWN's "top-p": Σ p_t over tokens with p_t >= p_actual (the actual token included), in (0, 1]. */
  cumulativeProbability: number;
}

/**
 * All per-token metrics of `tokenId` under `logProbs` (natural-log probabilities over the
 * vocabulary, e.g. `logSoftmax(logits)` at temperature 1 as GLTR uses).
 *
 * @example
 * const m = tokenMetrics(logSoftmax(logits), actualId);
 * m.rank; m.surprisalBits; m.normalisedRank;
 */
export function tokenMetrics(logProbs: Float64Array, tokenId: number): TokenMetrics {
  assertTokenId(logProbs.length, tokenId);
  const logProb = logProbs[tokenId];
  let maxLogProb = -Infinity;
  let greater = 0;
  let atLeast = 0;
  let cumulativeProbability = 0;
  let entropyNats = 0;
  for (let i = 0; i < logProbs.length; i++) {
    const lp = logProbs[i];
    if (lp > maxLogProb) maxLogProb = lp;
    if (lp >= logProb) {
      atLeast++;
      if (lp > logProb) greater++;
    }
    if (lp === -Infinity) continue;
    const p = Math.exp(lp);
    entropyNats -= p * lp;
    if (lp >= logProb) cumulativeProbability += p;
  }
  return {
    tokenId,
    logProb,
    probability: Math.exp(logProb),
    surprisalBits: (0 - logProb) / Math.LN2,
    rank: greater + 1,
    probabilityRelativeToTop: Math.exp(logProb - maxLogProb),
    maxLogProb,
    entropyNats,
    normalisedRank: atLeast / logProbs.length,
    cumulativeProbability,
  };
}
