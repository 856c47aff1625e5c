/**
 * PCA of key matrices for the 2-D key map: the covariance of the keys (n_embd × n_embd,
 * small next to the vocabulary), its top eigenvectors, and every key projected onto them.
 *
 * Cost: building the covariance is rows · cols² / 2 multiply-adds (8,192 × 256 keys: 0.27 G;
 * 50,257 × 768: 15 G, seconds in JS), so `maxRows` can estimate it from an evenly strided
 * sample of keys; the projection always covers every key.
 */

import { topEigenPairs } from './eigen';
import { assertKeyMatrix, type KeyMatrix } from './keyMatrix';

export interface PcaOptions {
  /** Principal components to keep (default 2). */
  components?: number;
  /** Estimate the covariance from at most this many keys, evenly strided (default: all). */
  maxRows?: number;
}

export interface Pca {
  /** Unit principal axes, largest variance first; the sign makes each axis' largest-magnitude coordinate positive. */
  components: Float64Array[];
  /** Variance along each axis (sample variance, n − 1), descending. */
  explainedVariance: number[];
  /** explainedVariance / total variance, each in [0, 1]. */
  explainedVarianceRatio: number[];
  /** Total variance: the trace of the covariance. */
  totalVariance: number;
  /** Mean key (length cols). */
  mean: Float64Array;
  /** Keys the covariance was estimated from. */
  rowsUsed: number;
  /** Subspace iterations the eigen-solver needed. */
  iterations: number;
}

/** Rows accumulated at once: the covariance update then reads each covariance entry once per block, not once per row. */
const ROW_BLOCK = 32;

function sampleRows(rows: number, maxRows: number): Int32Array {
  const count = Math.min(rows, Math.max(2, Math.floor(maxRows)));
  return Int32Array.from({ length: count }, (_, i) => Math.floor((i * rows) / count));
}

/** Covariance (n − 1) of the chosen rows, row-major cols × cols, and their mean. */
export function covariance(matrix: KeyMatrix, rowIds: Int32Array): { covariance: Float64Array; mean: Float64Array } {
  const { values, cols } = matrix;
  const n = rowIds.length;
  const mean = new Float64Array(cols);
  for (const r of rowIds) for (let i = 0, base = r * cols; i < cols; i++) mean[i] += values[base + i];
  for (let i = 0; i < cols; i++) mean[i] /= n;
  const cov = new Float64Array(cols * cols);
  // Centred rows of one block, column-major (block[i * ROW_BLOCK + b]) so the inner loop is contiguous.
  const block = new Float64Array(cols * ROW_BLOCK);
  for (let start = 0; start < n; start += ROW_BLOCK) {
    const size = Math.min(ROW_BLOCK, n - start);
    for (let b = 0; b < size; b++) {
      const base = rowIds[start + b] * cols;
      for (let i = 0; i < cols; i++) block[i * ROW_BLOCK + b] = values[base + i] - mean[i];
    }
    for (let i = 0; i < cols; i++) {
      const bi = i * ROW_BLOCK;
      for (let j = i; j < cols; j++) {
        const bj = j * ROW_BLOCK;
        let sum = 0;
        for (let b = 0; b < size; b++) sum += block[bi + b] * block[bj + b];
        cov[i * cols + j] += sum;
      }
    }
  }
  const divisor = Math.max(1, n - 1);
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      const c = cov[i * cols + j] / divisor;
      cov[i * cols + j] = c;
      cov[j * cols + i] = c;
    }
  }
  return { covariance: cov, mean };
}

/** Flips `v` so its largest-magnitude coordinate (lowest index on ties) is positive. */
function fixSign(v: Float64Array): Float64Array {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best])) best = i;
  if (v[best] < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  return v;
}

/**
 * Principal axes of the keys (rows), with deterministic signs.
 *
 * @example
 * const pca = pcaOfKeys(index.keys);
 * pca.explainedVarianceRatio; // e.g. [0.09, 0.05]
 */
export function pcaOfKeys(matrix: KeyMatrix, options: PcaOptions = {}): Pca {
  assertKeyMatrix(matrix);
  const count = Math.min(options.components ?? 2, matrix.cols);
  if (!(Number.isInteger(count) && count >= 1))
    throw new RangeError(`components must be a positive integer (got ${options.components})`);
  if (matrix.rows < 2) throw new RangeError('PCA needs at least two keys');
  const rowIds = sampleRows(matrix.rows, options.maxRows ?? matrix.rows);
  const { covariance: cov, mean } = covariance(matrix, rowIds);
  const cols = matrix.cols;
  let totalVariance = 0;
  for (let i = 0; i < cols; i++) totalVariance += cov[i * cols + i];
  const eigen = topEigenPairs(cov, cols, count);
  const explainedVariance = eigen.values.map((v) => Math.max(0, v));
  return {
    components: eigen.vectors.map(fixSign),
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => (totalVariance > 0 ? v / totalVariance : 0)),
    totalVariance,
    mean,
    rowsUsed: rowIds.length,
    iterations: eigen.iterations,
  };
}

/**
 * Coordinates of every key on the principal axes: rows × components, row-major
 * (x, y for two components), centred on the mean the PCA used.
 */
export function projectKeys(matrix: KeyMatrix, pca: Pca): Float32Array {
  assertKeyMatrix(matrix);
  const { values, rows, cols } = matrix;
  const k = pca.components.length;
  const out = new Float32Array(rows * k);
  const centred = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let i = 0, base = r * cols; i < cols; i++) centred[i] = values[base + i] - pca.mean[i];
    for (let c = 0; c < k; c++) {
      const axis = pca.components[c];
      let sum = 0;
      for (let i = 0; i < cols; i++) sum += centred[i] * axis[i];
      out[r * k + c] = sum;
    }
  }
  return out;
}
