/**
 * Partial selection over vocabulary-sized scores: the n best tokens without sorting the
 * whole vocabulary. Order everywhere is "score descending, then token id ascending", and
 * NaN scores count as -Infinity.
 *
 * Small n (≤ SMALL_N) keeps a sorted buffer of the best n seen in one pass, O(V) in
 * practice; larger n finds the n-th largest value by three-way quickselect on a float64
 * copy (expected O(V), safe with many ties), then sorts only the n selected ids.
 * `nucleusCut` finds a top-p boundary the same way, partitioning by probability mass.
 */

import type { Scores } from './softmax';
import { assertCount } from './validate';

const SMALL_N = 256;

function scoreAt(scores: Scores, i: number): number {
  const s = scores[i];
  return s === s ? s : -Infinity;
}

/** Largest n that `topNIndices` selects with a sorted buffer (`insertIntoTop`) rather than quickselect. */
export const TOP_BUFFER_MAX_N = SMALL_N;

/**
 * Puts token `id` with `score` into the best-n buffer (`ids`, `vals`: sorted score desc, id
 * asc, `size` filled) and returns the new size. Callers offer ids in ascending order and skip
 * a score that cannot enter a full buffer (`size === n && !(score > vals[n − 1])`): an equal
 * score then never beats a buffered one, which keeps lower ids first among ties.
 */
export function insertIntoTop(
  ids: Uint32Array,
  vals: Float64Array,
  size: number,
  n: number,
  id: number,
  score: number,
): number {
  let j = size < n ? size++ : n - 1;
  while (j > 0 && vals[j - 1] < score) {
    vals[j] = vals[j - 1];
    ids[j] = ids[j - 1];
    j--;
  }
  vals[j] = score;
  ids[j] = id;
  return size;
}

/** One pass keeping the best n (score desc, id asc) in a sorted buffer. */
function topSmall(scores: Scores, n: number): Uint32Array {
  const ids = new Uint32Array(n);
  const vals = new Float64Array(n);
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scoreAt(scores, i);
    if (size === n && !(s > vals[n - 1])) continue;
    size = insertIntoTop(ids, vals, size, n, i, s);
  }
  return ids;
}

/** The median of a[lo], a[mid], a[hi]: the quickselect pivot. */
function medianOfThree(a: Float64Array, lo: number, hi: number): number {
  const x = a[lo],
    y = a[(lo + hi) >>> 1],
    z = a[hi];
  return x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
}

/**
 * Three-way partition of a[lo..hi] in place: [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot;
 * `greaterMass` is the sum of the values above the pivot (nucleusCut needs it).
 */
function partitionDescending(
  a: Float64Array,
  lo: number,
  hi: number,
  pivot: number,
): { lt: number; gt: number; greaterMass: number } {
  let lt = lo,
    i = lo,
    gt = hi;
  let greaterMass = 0;
  while (i <= gt) {
    const v = a[i];
    if (v > pivot) {
      greaterMass += v;
      a[i] = a[lt];
      a[lt++] = v;
      i++;
    } else if (v < pivot) {
      a[i] = a[gt];
      a[gt--] = v;
    } else i++;
  }
  return { lt, gt, greaterMass };
}

/** The k-th largest value (k 1-based) of `a`, which is reordered in place. */
function quickselectDescending(a: Float64Array, k: number): number {
  const target = k - 1;
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = medianOfThree(a, lo, hi);
    const { lt, gt } = partitionDescending(a, lo, hi, pivot);
    if (target < lt) hi = lt - 1;
    else if (target > gt) lo = gt + 1;
    else return pivot;
  }
  return a[lo];
}

function copyScores(scores: Scores): Float64Array {
  const a = new Float64Array(scores.length);
  for (let i = 0; i < a.length; i++) a[i] = scoreAt(scores, i);
  return a;
}

/**
 * The n-th largest score (n 1-based, ties counted with multiplicity), in O(V).
 *
 * @example
 * nthLargest([0.1, 0.5, 0.5, 0.2], 2); // 0.5
 */
export function nthLargest(scores: Scores, n: number): number {
  assertCount(n);
  if (n < 1 || n > scores.length) throw new RangeError(`n must be in [1, ${scores.length}] (got ${n})`);
  if (n <= SMALL_N) return scoreAt(scores, topSmall(scores, n)[n - 1]);
  return quickselectDescending(copyScores(scores), n);
}

/**
 * Ids of the n highest scores, sorted by score descending then id ascending; n is clipped
 * to the vocabulary size. Works on probabilities, log-probabilities or logits alike.
 * Only the n selected ids are sorted, never the whole vocabulary.
 *
 * @example
 * topNIndices(new Float64Array([0.1, 0.4, 0.1, 0.4]), 3); // Uint32Array [1, 3, 0]
 */
export function topNIndices(scores: Scores, n: number): Uint32Array {
  assertCount(n);
  const count = Math.min(n, scores.length);
  if (count === 0) return new Uint32Array(0);
  if (count <= SMALL_N) return topSmall(scores, count);
  const threshold = quickselectDescending(copyScores(scores), count);
  let above = 0;
  for (let i = 0; i < scores.length; i++) if (scoreAt(scores, i) > threshold) above++;
  let tiesWanted = count - above;
  const ids = new Uint32Array(count);
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scoreAt(scores, i);
    if (s > threshold || (s === threshold && tiesWanted-- > 0)) ids[size++] = i;
  }
  // Sorts only the `count` selected ids; a full-vocabulary sort happens only when count ≈ V.
  ids.sort((a, b) => scoreAt(scores, b) - scoreAt(scores, a) || a - b);
  return ids;
}

/**
 * Where a nucleus (top-p) ends. In order of probability descending then id ascending, the
 * kept tokens are the shortest prefix (at least one token) whose mass reaches >= p: that
 * is every token with probability > `threshold` plus the first `tiesKept` tokens (by id)
 * whose probability equals `threshold`, so `threshold` is the last kept token's probability
 * and `tiesKept` >= 1. `threshold` 0 with `tiesKept` 0 means "keep every token with
 * probability > 0" (the mass never reached p, which only rounding can cause).
 */
export interface NucleusCut {
  threshold: number;
  tiesKept: number;
}

/**
 * Finds the nucleus boundary in expected O(V) by three-way quickselect on probability
 * mass, without sorting. Masses are summed per partition rather than in sorted order, so
 * a boundary within ~1e-16 of p can fall one token differently from a sequential sum.
 *
 * @example
 * nucleusCut([0.25, 0.5, 0.125, 0.125], 0.76); // { threshold: 0.125, tiesKept: 1 }
 */
export function nucleusCut(probabilities: Scores, p: number): NucleusCut {
  let n = 0;
  for (let i = 0; i < probabilities.length; i++) if (probabilities[i] > 0) n++;
  const a = new Float64Array(n);
  for (let i = 0, j = 0; i < probabilities.length; i++) if (probabilities[i] > 0) a[j++] = probabilities[i];
  let lo = 0;
  let hi = n - 1;
  let massAhead = 0; // mass of the tokens already known to be kept, all more probable than a[lo..hi]
  let countAhead = 0;
  while (lo <= hi) {
    const pivot = medianOfThree(a, lo, hi);
    const { lt, gt, greaterMass } = partitionDescending(a, lo, hi, pivot);
    if (lt > lo && massAhead + greaterMass >= p) {
      hi = lt - 1; // the nucleus ends among the tokens above the pivot
      continue;
    }
    massAhead += greaterMass;
    countAhead += lt - lo;
    const ties = gt - lt + 1;
    let tiesKept = 0;
    while (tiesKept < ties && (countAhead + tiesKept === 0 || massAhead < p)) {
      massAhead += pivot;
      tiesKept++;
    }
    if (massAhead >= p) return { threshold: pivot, tiesKept };
    countAhead += ties;
    lo = gt + 1;
  }
  return { threshold: 0, tiesKept: 0 };
}
