/**
 * Statistics of one next-token distribution: entropy, rank, top-N, tail mass, surprisal,
 * GLTR's Frac(p) and rank buckets, and KL / Jensen–Shannon divergence.
 * Probabilities are in [0, 1]; logs are natural unless the name says bits.
 */

import { topNIndices } from './select';
import type { Scores } from './softmax';
import { assertTokenId } from './validate';

export { nthLargest, topNIndices } from './select';

const LN2 = Math.LN2;

function assertSameLength(p: Scores, q: Scores): void {
  if (p.length !== q.length) throw new RangeError(`distributions differ in length (${p.length} vs ${q.length})`);
}

/**
 * Shannon entropy H = −Σ p ln p in nats; zero probabilities contribute 0.
 *
 * @example
 * entropyNats([0.5, 0.5]); // ln 2 ≈ 0.6931
 */
export function entropyNats(probabilities: Scores): number {
  let h = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Shannon entropy in bits (−Σ p log2 p). @example entropyBits([0.25, 0.25, 0.25, 0.25]); // 2 */
export function entropyBits(probabilities: Scores): number {
  return entropyNats(probabilities) / LN2;
}

/**
 * 1-based rank of a token: the number of tokens with a strictly greater score, plus 1.
 * Tied tokens share the best rank of their group, so two tokens tied for the top are both
 * rank 1 (GLTR's argsort position would split them arbitrarily). Any strictly increasing
 * transform of the scores (logits, log-probabilities, probabilities) gives the same rank;
 * prefer log-probabilities, which do not underflow.
 *
 * @example
 * tokenRank([0.2, 0.5, 0.2, 0.1], 2); // 2 (only token 1 is more probable)
 */
export function tokenRank(scores: Scores, tokenId: number): number {
  assertTokenId(scores.length, tokenId);
  const s = scores[tokenId];
  let greater = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > s) greater++;
  return greater + 1;
}

/**
 * Probability mass outside the top n tokens (top n as chosen by `topNIndices`, ties at the
 * boundary broken by lower id), summed directly rather than as 1 − top mass.
 *
 * @example
 * tailMass([0.5, 0.3, 0.2], 1); // 0.5
 */
export function tailMass(probabilities: Scores, n: number): number {
  const inTop = new Uint8Array(probabilities.length);
  const top = topNIndices(probabilities, n);
  for (let i = 0; i < top.length; i++) inTop[top[i]] = 1;
  let tail = 0;
  for (let i = 0; i < probabilities.length; i++) if (!inTop[i]) tail += probabilities[i];
  return tail;
}

/** Surprisal −log2 p in bits; Infinity for p = 0. @example surprisalBits(0.25); // 2 */
export function surprisalBits(probability: number): number {
  return 0 - Math.log2(probability); // 0 − x, so p = 1 gives 0 rather than −0
}

/** Surprisal in bits from a natural-log probability (exact where p would underflow). */
export function surprisalBitsFromLogProb(logProb: number): number {
  return (0 - logProb) / LN2;
}

/**
 * GLTR's Frac(p): p(token) / max_t p(t), in [0, 1]; 1 for the top-1 token.
 *
 * @example
 * probabilityRelativeToTop([0.2, 0.5, 0.3], 0); // 0.4
 */
export function probabilityRelativeToTop(probabilities: Scores, tokenId: number): number {
  assertTokenId(probabilities.length, tokenId);
  let max = 0;
  for (let i = 0; i < probabilities.length; i++) if (probabilities[i] > max) max = probabilities[i];
  return max > 0 ? probabilities[tokenId] / max : 0;
}

/**
 * GLTR's histogram entropy: the entropy (nats) of the top n probabilities renormalised
 * to sum to 1 (n = 10 in GLTR).
 */
export function topNEntropyNats(probabilities: Scores, n = 10): number {
  const top = topNIndices(probabilities, n);
  let sum = 0;
  for (let i = 0; i < top.length; i++) sum += probabilities[top[i]];
  if (!(sum > 0)) return 0;
  let h = 0;
  for (let i = 0; i < top.length; i++) {
    const p = probabilities[top[i]] / sum;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** GLTR's default bucket thresholds: top-10, top-100, top-1000, the rest. */
export const GLTR_DEFAULT_THRESHOLDS: readonly number[] = [10, 100, 1000];

/**
 * GLTR rank bucket of a 1-based rank: the number of thresholds the rank exceeds. With the
 * defaults 10/100/1000: ranks 1–10 → 0 (green), 11–100 → 1 (yellow), 101–1000 → 2 (red),
 * above → 3 (purple); the same as GLTR's d3 threshold scale on its 0-based rank.
 * Thresholds must be strictly increasing positive integers; there are thresholds.length + 1 buckets.
 *
 * @example
 * gltrBucket(10); // 0
 * gltrBucket(11); // 1
 * gltrBucket(5, [1, 4]); // 2
 */
export function gltrBucket(rank: number, thresholds: readonly number[] = GLTR_DEFAULT_THRESHOLDS): number {
  if (!(Number.isInteger(rank) && rank >= 1)) throw new RangeError(`rank must be an integer >= 1 (got ${rank})`);
  let bucket = 0;
  for (let i = 0; i < thresholds.length; i++) {
    const t = thresholds[i];
    if (!(Number.isInteger(t) && t >= 1 && (i === 0 || t > thresholds[i - 1]))) {
      throw new RangeError(
        `GLTR thresholds must be strictly increasing positive integers (got ${thresholds.join(', ')})`,
      );
    }
    if (rank > t) bucket++;
  }
  return bucket;
}

/**
 * Kullback–Leibler divergence KL(p ‖ q) = Σ p ln(p / q) in nats. Terms with p = 0 are 0;
 * a token with p > 0 and q = 0 makes it Infinity.
 *
 * @example
 * klDivergenceNats([0.5, 0.5], [0.25, 0.75]); // ≈ 0.1438
 */
export function klDivergenceNats(p: Scores, q: Scores): number {
  assertSameLength(p, q);
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i];
    if (pi > 0) kl += pi * Math.log(pi / q[i]);
  }
  return kl;
}

/**
 * Jensen–Shannon divergence ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, in nats: symmetric,
 * always finite (tokens where either side is 0 are fine), in [0, ln 2].
 *
 * @example
 * jensenShannonNats([1, 0], [0, 1]); // ln 2
 */
export function jensenShannonNats(p: Scores, q: Scores): number {
  assertSameLength(p, q);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i];
    const qi = q[i];
    const m = 0.5 * (pi + qi);
    if (pi > 0) js += 0.5 * pi * Math.log(pi / m);
    if (qi > 0) js += 0.5 * qi * Math.log(qi / m);
  }
  return Math.max(0, js); // rounding can leave −1e-17 for near-identical inputs
}
