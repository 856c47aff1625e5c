/**
 * The statistics a whole-text scoring needs at every position of one logits row (the CLI's and
 * the worker's `score`, the lab's analyze), in two or three passes over the vocabulary and one
 * Math.exp per token. Composing softmax, logSumExp, tokenRank, entropyNats and topNIndices read
 * the row six times with two exps per token: on sotu-gpt (8,192 logits) that per-position maths
 * took twice as long as the model's forward pass.
 *
 * Pass 1 finds the largest logit, counts the logits above the token's for its rank, and keeps
 * the top n in a sorted buffer that one comparison guards. Pass 2 sums e_i = exp(z_i − max) in
 * index order, the very sum softmax and logSoftmax divide by, so the probabilities and
 * log-probabilities derived from it are theirs bit for bit, and accumulates Σ e_i (z_i − max)
 * for the entropy H = ln S − Σ e_i (z_i − max) / S (= −Σ p ln p; both terms are ≥ 0, so a
 * peaked row keeps its small entropy's precision).
 */

import { insertIntoTop, topNIndices, TOP_BUFFER_MAX_N } from './select';
import { maxLogit, type Scores } from './softmax';
import { assertCount, assertTokenId } from './validate';

export interface RowStatistics {
  /** The largest logit. */
  maxLogit: number;
  /** S = Σ exp(z − maxLogit) in index order, in [1, V]: p_i = exp(z_i − maxLogit) / S. */
  expSum: number;
  /** ln S: ln p_i = (z_i − maxLogit) − logExpSum, as logSoftmax computes it. */
  logExpSum: number;
  /** −Σ p ln p of the whole row, in nats. */
  entropyNats: number;
  /** 1-based rank of the token by logit: #{z > z_token} + 1, so ties share the best rank (`tokenRank`). */
  rank: number;
  /** Ids of the n largest logits, logit descending then id ascending (`topNIndices`); n clipped to V. */
  topIds: Uint32Array;
}

/**
 * Everything `score` reports for one position but the probabilities themselves, in two passes.
 * Throws as `maxLogit` does on bad logits, then on a token outside the vocabulary.
 *
 * @example
 * const row = rowStatistics(logits, actualId, 5);
 * Math.exp(logits[actualId] - row.maxLogit) / row.expSum; // p(actual)
 */
export function rowStatistics(logits: Scores, tokenId: number, topN: number): RowStatistics {
  assertCount(topN, 'topN');
  const n = Math.min(topN, logits.length);
  // Beyond the buffer's size, insertion sort would cost O(n) per entry: topNIndices' quickselect instead.
  const buffered = n > 0 && n <= TOP_BUFFER_MAX_N;
  const bufferSize = buffered ? n : 0;
  const ids = new Uint32Array(bufferSize);
  const vals = new Float64Array(bufferSize);
  // The first ids fill the buffer; after them only a logit above the buffer's last one enters.
  for (let i = 0; i < bufferSize; i++) insertIntoTop(ids, vals, i, bufferSize, i, logits[i]);
  let threshold = buffered ? vals[bufferSize - 1] : Infinity;
  const tokenLogit = logits[tokenId];
  let greater = 0;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    if (z > max) max = z;
    if (z > tokenLogit) greater++;
    if (z > threshold && i >= bufferSize) {
      insertIntoTop(ids, vals, bufferSize, bufferSize, i, z);
      threshold = vals[bufferSize - 1];
    }
  }
  let expSum = 0;
  let weighted = 0;
  for (let i = 0; i < logits.length; i++) {
    const shifted = logits[i] - max;
    const e = Math.exp(shifted);
    expSum += e;
    if (e > 0) weighted += e * shifted; // a -Infinity logit would add 0 · (−∞) = NaN
  }
  // The largest logit adds exactly 1. Anything less means no logits, a NaN, +Infinity or only
  // -Infinity: the checks are left to this point, out of the loops, and maxLogit names the problem.
  if (!(expSum >= 1)) maxLogit(logits);
  assertTokenId(logits.length, tokenId);
  const logExpSum = Math.log(expSum);
  return {
    maxLogit: max,
    expSum,
    logExpSum,
    entropyNats: logExpSum - weighted / expSum,
    rank: greater + 1,
    topIds: buffered || n === 0 ? ids : topNIndices(logits, n),
  };
}

export interface LogProbRanking {
  /** ln p of the token, exactly logSoftmax(logits)[tokenId]. */
  logProb: number;
  /** 1-based rank of the token by log-probability (ties share the best rank), as tokenMetrics counts it. */
  rank: number;
  /** Ids of the n largest log-probabilities, descending then id ascending, as topNIndices(logSoftmax(logits), n). */
  topIds: Uint32Array;
  /** Their log-probabilities. */
  topLogProbs: Float64Array;
}

/**
 * The token's rank and the top n ranked by log-probability ln p_i = (z_i − maxLogit) − logExpSum,
 * computed as logSoftmax does, in one pass after `rowStatistics` and without an array of V
 * log-probabilities. Ranking log-probabilities rather than logits matters only where rounding
 * makes two nearly equal logits one log-probability (|z| < 1e-7 or so), but there the lab's
 * ranks stay exactly what they were. n must be at most TOP_BUFFER_MAX_N.
 */
export function logProbRanking(
  logits: Scores,
  row: Pick<RowStatistics, 'maxLogit' | 'logExpSum'>,
  tokenId: number,
  topN: number,
): LogProbRanking {
  assertTokenId(logits.length, tokenId);
  assertCount(topN, 'topN');
  if (topN > TOP_BUFFER_MAX_N) throw new RangeError(`topN must be at most ${TOP_BUFFER_MAX_N} (got ${topN})`);
  const { maxLogit: max, logExpSum } = row;
  const n = Math.min(topN, logits.length);
  const ids = new Uint32Array(n);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) insertIntoTop(ids, vals, i, n, i, logits[i] - max - logExpSum);
  let threshold = n > 0 ? vals[n - 1] : Infinity;
  const logProb = logits[tokenId] - max - logExpSum;
  let greater = 0;
  for (let i = 0; i < logits.length; i++) {
    const lp = logits[i] - max - logExpSum;
    if (lp > logProb) greater++;
    if (lp > threshold && i >= n) {
      insertIntoTop(ids, vals, n, n, i, lp);
      threshold = vals[n - 1];
    }
  }
  return { logProb, rank: greater + 1, topIds: ids, topLogProbs: vals };
}
