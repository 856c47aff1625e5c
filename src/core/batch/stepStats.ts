/**
 * What a batch result records per generated token, from the step's raw logits (temperature 1):
 * the chosen token's natural-log probability and the distribution's entropy in bits. One pass
 * of exp over the vocabulary instead of logSumExp + softmax + entropy (three): on sotu-gpt's
 * 8,192 logits that was a millisecond a step, a fifth of the runner's time.
 *
 * With m the largest logit, e_i = exp(l_i − m), S = Σ e_i and T = Σ e_i (l_i − m):
 * ln p(k) = (l_k − m) − ln S and H = ln S − T / S nats (= −Σ p ln p), both from shifted logits
 * so a peaked distribution keeps its small entropy's precision. Equal to logSumExp and
 * entropyBits(softmax(·)) of core/distribution within rounding (the tests check 1e-12).
 */

import { maxLogit } from '../distribution/softmax';

export interface StepStatistics {
  /** ln p(token) at temperature 1. */
  logProb: number;
  /** Entropy of the temperature-1 distribution, in bits. */
  entropyBits: number;
}

export function stepStatistics(logits: ArrayLike<number>, tokenId: number): StepStatistics {
  if (!(Number.isInteger(tokenId) && tokenId >= 0 && tokenId < logits.length))
    throw new RangeError(`token ${tokenId} is outside the vocabulary (${logits.length})`);
  const max = maxLogit(logits);
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < logits.length; i++) {
    const shifted = logits[i] - max;
    const e = Math.exp(shifted);
    if (e > 0) {
      sum += e;
      weighted += e * shifted;
    }
  }
  const logSum = Math.log(sum);
  return { logProb: logits[tokenId] - max - logSum, entropyBits: Math.max(0, logSum - weighted / sum) / Math.LN2 };
}
