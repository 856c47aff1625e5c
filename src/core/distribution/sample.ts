/**
 * Choosing one token from a distribution: seeded sampling by inverse CDF, and greedy argmax.
 */

import type { UniformSource } from './rng';
import type { Scores } from './softmax';

/**
 * Draws a token by inverse CDF in float64: u = rng.nextFloat64() in [0, 1), then the first
 * token (in id order) whose cumulative probability exceeds u × Σp. Zero-probability tokens
 * are never returned. The probabilities need not sum to exactly 1 (they are scaled by
 * their sum). The same rng state and probabilities always give the same token.
 *
 * @example
 * sampleToken(new Float64Array([0.1, 0.6, 0.3]), createRng(42)); // 1
 */
export function sampleToken(probabilities: Scores, rng: UniformSource): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (!(p >= 0)) throw new RangeError(`probability ${i} is ${p}: probabilities must be >= 0`);
    total += p;
  }
  if (!(total > 0 && Number.isFinite(total)))
    throw new RangeError(`probabilities must have a positive finite sum (got ${total})`);
  const target = rng.nextFloat64() * total;
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (p > 0) {
      cumulative += p;
      last = i;
      if (cumulative > target) return i;
    }
  }
  return last; // u × total can round up to the full sum
}

/**
 * Greedy choice: the id of the highest score (logits, log-probabilities or probabilities),
 * lowest id on ties. NaN scores are skipped.
 *
 * @example
 * greedyToken(new Float32Array([1, 3, 3])); // 1
 */
export function greedyToken(scores: Scores): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s > bestScore || (best === -1 && s === -Infinity)) {
      best = i;
      bestScore = s;
    }
  }
  if (best === -1) throw new RangeError('greedyToken needs at least one score that is not NaN');
  return best;
}
