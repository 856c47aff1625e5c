/**
 * Exact k-nearest-neighbour search over key matrices, by cosine or by dot product.
 *
 * Every key is scored (no approximation), in blocks of rows so that a batch of queries
 * reuses each block while it is in cache; sums run in float64 (JS numbers) over float32
 * keys. The k best are then picked by partial selection (`topNIndices`), never by sorting
 * the vocabulary. Order: similarity descending, then token id ascending.
 * Where the index has a WebAssembly SIMD scanner (simdScan.ts), the cosine scan runs there in
 * float32 and the refinement widens its margin by the scanner's error bound, so the result
 * is the same.
 */

import { topNIndices } from '../distribution';
import { assertKeyMatrix, assertRow, rowVector, unitVector, type KeyIndex, type KeyMatrix } from './keyMatrix';

/** 'cosine' ranks by angle (unit keys); 'dot' by the raw product, the quantity a logit is. */
export type KeyMetric = 'cosine' | 'dot';

/** The k best keys for one query. */
export interface Neighbours {
  tokenIds: Uint32Array;
  /** Cosine in [-1, 1] or dot product, aligned with `tokenIds`. */
  similarities: Float64Array;
  metric: KeyMetric;
}

export interface NearestOptions {
  metric?: KeyMetric;
  /** Token ids never returned (e.g. the query token itself, special tokens). */
  exclude?: Iterable<number>;
}

/** Rows per block: 64 rows × 768 float32 is 192 KB, which stays in L2 across a batch of queries. */
const ROW_BLOCK = 64;

/**
 * Σ row[i] · query[i] with four accumulators so the loop pipelines. The row is a subarray
 * indexed from 0, which V8 compiles to tighter bounds checks (measured ~1.3× faster).
 */
function dotRow(row: Float32Array, query: Float64Array, cols: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 3 < cols; i += 4) {
    s0 += row[i] * query[i];
    s1 += row[i + 1] * query[i + 1];
    s2 += row[i + 2] * query[i + 2];
    s3 += row[i + 3] * query[i + 3];
  }
  for (; i < cols; i++) s0 += row[i] * query[i];
  return s0 + s1 + (s2 + s3);
}

/**
 * Dot products of every row with every query: one Float64Array of `rows` scores per query.
 *
 * @example
 * scoreRows({ values: Float32Array.of(1, 0, 0, 2), rows: 2, cols: 2 }, [Float64Array.of(3, 1)]); // [[3, 2]]
 */
export function scoreRows(matrix: KeyMatrix, queries: readonly Float64Array[]): Float64Array[] {
  assertKeyMatrix(matrix);
  const { values, rows, cols } = matrix;
  for (const q of queries)
    if (q.length !== cols) throw new RangeError(`a query has ${q.length} values, the keys have ${cols}`);
  const scores = queries.map(() => new Float64Array(rows));
  for (let start = 0; start < rows; start += ROW_BLOCK) {
    const end = Math.min(start + ROW_BLOCK, rows);
    for (let q = 0; q < queries.length; q++) {
      const query = queries[q];
      const out = scores[q];
      for (let r = start; r < end; r++) out[r] = dotRow(values.subarray(r * cols, r * cols + cols), query, cols);
    }
  }
  return scores;
}

/**
 * Bound on |cosine from float32 unit keys − exact cosine|: each unit coordinate carries a
 * relative rounding of at most 2^-24, so the error is below 6e-8 · Σ|u_i q_i| ≤ 6e-8.
 * Ten times that leaves room for the float64 sums.
 */
const UNIT_KEY_ERROR = 6e-7;

/** Sets excluded ids to -Infinity; returns how many rows remain selectable. */
function applyExclusions(scores: Float64Array, exclude: ReadonlySet<number>): number {
  let excluded = 0;
  for (const id of exclude) {
    if (id >= 0 && id < scores.length) {
      scores[id] = -Infinity;
      excluded++;
    }
  }
  return scores.length - excluded;
}

/**
 * Exact top k by cosine from the approximate scan over unit keys: every key whose
 * approximate score is within twice the rounding bound of the k-th best could truly be in
 * the top k, so those few are rescored in float64 from the raw keys and norms, then ranked.
 */
function refineCosine(index: KeyIndex, query: Float64Array, approx: Float64Array, k: number): Neighbours {
  const kth = k > 0 ? approx[topNIndices(approx, k)[k - 1]] : Infinity;
  // The SIMD scan sums in float32: its own bound adds to the unit keys' rounding.
  const floor = kth - 2 * (UNIT_KEY_ERROR + (index.scanner?.errorBound ?? 0));
  const { values, cols } = index.keys;
  // Non-candidates stay -Infinity; candidates get their exact cosine (0 for a zero-norm key).
  const exact = new Float64Array(approx.length).fill(-Infinity);
  for (let r = 0; r < approx.length; r++) {
    if (!(approx[r] >= floor) || approx[r] === -Infinity) continue;
    const norm = index.norms[r];
    exact[r] = norm > 0 ? dotRow(values.subarray(r * cols, r * cols + cols), query, cols) / norm : 0;
  }
  const ids = topNIndices(exact, k);
  return { tokenIds: ids, similarities: Float64Array.from(ids, (id) => exact[id]), metric: 'cosine' };
}

/**
 * The k nearest keys to each query vector (e.g. hidden states, or other keys), exactly.
 * Cosine scans the unit keys, then rescores the near-boundary candidates exactly, so the
 * result equals a float64 computation from the raw keys; a zero query scores 0 everywhere.
 *
 * @example
 * nearestKeysBatch(index, [hiddenState], 10, { metric: 'dot' })[0].tokenIds; // the top-10 logits' tokens
 */
export function nearestKeysBatch(
  index: KeyIndex,
  queries: readonly ArrayLike<number>[],
  k: number,
  options: NearestOptions = {},
): Neighbours[] {
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`k must be an integer >= 0 (got ${k})`);
  const metric = options.metric ?? 'cosine';
  const exclude = new Set(options.exclude ?? []);
  if (metric === 'dot') {
    // Raw float32 keys times a float64 query, summed in float64: already exact up to summation order.
    return scoreRows(
      index.keys,
      queries.map((q) => Float64Array.from(q)),
    ).map((scores) => {
      const ids = topNIndices(scores, Math.min(k, applyExclusions(scores, exclude)));
      return { tokenIds: ids, similarities: Float64Array.from(ids, (id) => scores[id]), metric };
    });
  }
  const unitQueries = queries.map(unitVector);
  const { scanner } = index;
  const approx = scanner
    ? unitQueries.map((q) => {
        if (q.length !== index.unitKeys.cols)
          throw new RangeError(`a query has ${q.length} values, the keys have ${index.unitKeys.cols}`);
        const scores = new Float64Array(index.unitKeys.rows);
        scanner.scan(q, scores);
        return scores;
      })
    : scoreRows(index.unitKeys, unitQueries);
  return approx.map((scores, q) =>
    refineCosine(index, unitQueries[q], scores, Math.min(k, applyExclusions(scores, exclude))),
  );
}

/** The k nearest keys to one query vector. See `nearestKeysBatch`. */
export function nearestKeys(
  index: KeyIndex,
  query: ArrayLike<number>,
  k: number,
  options: NearestOptions = {},
): Neighbours {
  return nearestKeysBatch(index, [query], k, options)[0];
}

/**
 * The k nearest keys to token `tokenId`'s own key, excluding the token itself unless
 * `includeSelf` is set. The query is the token's key in float64 (normalised in float64 for cosine).
 *
 * @example
 * neighboursOfToken(index, 1531, 10); // the 10 keys with the highest cosine to token 1531's key
 */
export function neighboursOfToken(
  index: KeyIndex,
  tokenId: number,
  k: number,
  options: NearestOptions & { includeSelf?: boolean } = {},
): Neighbours {
  assertRow(index.keys, tokenId);
  const exclude = new Set(options.exclude ?? []);
  if (!options.includeSelf) exclude.add(tokenId);
  return nearestKeys(index, rowVector(index.keys, tokenId), k, { ...options, exclude });
}
