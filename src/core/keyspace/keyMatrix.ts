/**
 * Key matrices: a model's unembedding as [vocabulary, n_embd] rows, where token t's key is
 * row t and its logit is q · key_t. A KeyIndex adds the row-normalised copy that cosine
 * search runs on, so a cosine query is a plain dot product over unit rows.
 */

import { createCosineScanner, type CosineScanner } from './simdScan';

/** A row-major matrix of keys: row t is token t's key. */
export interface KeyMatrix {
  /** rows × cols values, row-major. */
  values: Float32Array;
  /** Number of keys (the vocabulary size). */
  rows: number;
  /** Key width (the model's n_embd). */
  cols: number;
}

/** A key matrix with its row-normalised copy, built once per model. */
export interface KeyIndex {
  keys: KeyMatrix;
  /** Each row scaled to unit L2 norm (all-zero rows stay zero); float32, so cosines carry ~1e-7 rounding. */
  unitKeys: KeyMatrix;
  /** L2 norm of each key, computed in float64. */
  norms: Float64Array;
  /** The WebAssembly SIMD scan over `unitKeys` (whose values live in its memory); null: JS loops. */
  scanner?: CosineScanner | null;
}

/** Throws unless `values` holds rows × cols numbers and both are positive integers. */
export function assertKeyMatrix(matrix: KeyMatrix): void {
  const { values, rows, cols } = matrix;
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0))
    throw new RangeError(`a key matrix needs positive integer rows and cols (got ${rows} × ${cols})`);
  if (values.length !== rows * cols)
    throw new RangeError(`a ${rows} × ${cols} key matrix needs ${rows * cols} values (got ${values.length})`);
}

/** Throws unless `tokenId` is a row of the matrix. */
export function assertRow(matrix: KeyMatrix, tokenId: number): void {
  if (!(Number.isInteger(tokenId) && tokenId >= 0 && tokenId < matrix.rows))
    throw new RangeError(`token id ${tokenId} is outside the key matrix [0, ${matrix.rows})`);
}

/**
 * A row-normalised copy of `matrix` and the row norms. Rows with zero norm stay zero
 * (their cosine with anything is 0) rather than becoming NaN.
 *
 * @example
 * normalizeRows({ values: Float32Array.of(3, 4, 0, 0), rows: 2, cols: 2 });
 * // { unitKeys: { values: [0.6, 0.8, 0, 0], rows: 2, cols: 2 }, norms: [5, 0] }
 */
export function normalizeRows(matrix: KeyMatrix, into?: Float32Array): { unitKeys: KeyMatrix; norms: Float64Array } {
  assertKeyMatrix(matrix);
  const { values, rows, cols } = matrix;
  if (into && into.length !== values.length)
    throw new RangeError(`the output holds ${into.length} values, the keys ${values.length}`);
  const unit = into ?? new Float32Array(values.length);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let sum = 0;
    for (let i = 0; i < cols; i++) sum += values[base + i] * values[base + i];
    const norm = Math.sqrt(sum);
    norms[r] = norm;
    if (norm > 0) for (let i = 0; i < cols; i++) unit[base + i] = values[base + i] / norm;
  }
  return { unitKeys: { values: unit, rows, cols }, norms };
}

/**
 * Builds the index that k-NN, keySim and the spurious-correlation split share.
 *
 * @example
 * const index = createKeyIndex({ values: unembedding.values, rows: vocabularySize, cols: embeddingSize });
 */
export function createKeyIndex(keys: KeyMatrix, options: { simd?: boolean } = {}): KeyIndex {
  assertKeyMatrix(keys);
  const scanner = options.simd === false ? null : createCosineScanner(keys.rows, keys.cols);
  const { unitKeys, norms } = normalizeRows(keys, scanner?.unitValues);
  return { keys, unitKeys, norms, scanner };
}

/** Row `tokenId` of a matrix as a float64 copy (a query vector). */
export function rowVector(matrix: KeyMatrix, tokenId: number): Float64Array {
  assertRow(matrix, tokenId);
  return Float64Array.from(matrix.values.subarray(tokenId * matrix.cols, (tokenId + 1) * matrix.cols));
}

/** Cosine similarity of two keys, from the unit rows, accumulated in float64. */
export function keyCosine(index: KeyIndex, a: number, b: number): number {
  const { values, cols } = index.unitKeys;
  assertRow(index.unitKeys, a);
  assertRow(index.unitKeys, b);
  let sum = 0;
  for (let i = 0, pa = a * cols, pb = b * cols; i < cols; i++) sum += values[pa + i] * values[pb + i];
  return sum;
}

/** `query` scaled to unit L2 norm, in float64; a zero query stays zero. */
export function unitVector(query: ArrayLike<number>): Float64Array {
  let sum = 0;
  for (let i = 0; i < query.length; i++) sum += query[i] * query[i];
  const norm = Math.sqrt(sum);
  const out = new Float64Array(query.length);
  if (norm > 0) for (let i = 0; i < query.length; i++) out[i] = query[i] / norm;
  return out;
}
