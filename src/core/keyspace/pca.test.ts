import { describe, expect, it } from 'vitest';
import { symmetricEigen, topEigenPairs } from './eigen';
import type { KeyMatrix } from './keyMatrix';
import { pcaOfKeys, projectKeys } from './pca';

function lcg(seed: number) {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

/** rows × cols data whose column j has spread scales[j], mixed by a fixed rotation of the first two columns. */
function anisotropic(rows: number, scales: number[], seed: number): KeyMatrix {
  const cols = scales.length;
  const next = lcg(seed);
  const values = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) values[r * cols + j] = next() * scales[j] + 0.25 * j;
    const [x, y] = [values[r * cols], values[r * cols + 1]];
    values[r * cols] = 0.8 * x - 0.6 * y;
    values[r * cols + 1] = 0.6 * x + 0.8 * y;
  }
  return { values, rows, cols };
}

/** Reference: naive covariance, then power iteration with deflation, many fixed steps. */
function referencePca(matrix: KeyMatrix, count: number) {
  const { values, rows, cols } = matrix;
  const mean = new Array(cols).fill(0);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) mean[j] += values[r * cols + j] / rows;
  const cov = Array.from({ length: cols }, () => new Array(cols).fill(0));
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < cols; i++)
      for (let j = 0; j < cols; j++)
        cov[i][j] += ((values[r * cols + i] - mean[i]) * (values[r * cols + j] - mean[j])) / (rows - 1);
  const result: Array<{ value: number; vector: number[] }> = [];
  for (let c = 0; c < count; c++) {
    let v = Array.from({ length: cols }, (_, i) => 1 + i * 0.1);
    let value = 0;
    for (let step = 0; step < 5000; step++) {
      const w = cov.map((rowValues) => rowValues.reduce((s, a, k) => s + a * v[k], 0));
      value = Math.hypot(...w);
      v = w.map((x) => x / value);
    }
    result.push({ value, vector: v });
    for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) cov[i][j] -= value * v[i] * v[j];
  }
  return result;
}

describe('pcaOfKeys', () => {
  const keys = anisotropic(500, [5, 1, 3, 0.5, 2, 0.2, 1.5], 3);

  it('matches a power-iteration reference on a small matrix', () => {
    const pca = pcaOfKeys(keys, { components: 3 });
    const reference = referencePca(keys, 3);
    reference.forEach(({ value, vector }, c) => {
      expect(pca.explainedVariance[c]).toBeCloseTo(value, 9);
      const alignment = vector.reduce((s, x, i) => s + x * pca.components[c][i], 0);
      expect(Math.abs(alignment)).toBeCloseTo(1, 9);
    });
  });

  it('explains variance in decreasing order, as shares of the total', () => {
    const pca = pcaOfKeys(keys, { components: 4 });
    for (let c = 1; c < 4; c++) expect(pca.explainedVariance[c]).toBeLessThan(pca.explainedVariance[c - 1]);
    const shares = pca.explainedVarianceRatio;
    expect(shares.reduce((s, x) => s + x, 0)).toBeLessThan(1);
    expect(shares[0]).toBeCloseTo(pca.explainedVariance[0] / pca.totalVariance, 12);
  });

  it('gives the closed-form axes of 2-D data', () => {
    const flat = anisotropic(400, [4, 1], 11);
    const pca = pcaOfKeys(flat);
    const [a, b, c] = covariance2d(flat);
    const top = (a + c) / 2 + Math.sqrt(((a - c) / 2) ** 2 + b * b);
    expect(pca.explainedVariance[0]).toBeCloseTo(top, 9);
    expect(pca.explainedVariance[1]).toBeCloseTo(a + c - top, 9);
    const axis = [b, top - a].map((x) => x / Math.hypot(b, top - a));
    expect(Math.abs(axis[0] * pca.components[0][0] + axis[1] * pca.components[0][1])).toBeCloseTo(1, 9);
    expect(pca.explainedVarianceRatio[0] + pca.explainedVarianceRatio[1]).toBeCloseTo(1, 12);
  });

  it("fixes each axis' sign: its largest-magnitude coordinate is positive", () => {
    for (const axis of pcaOfKeys(keys, { components: 3 }).components) {
      const largest = axis.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
  });

  it('estimates from an evenly strided sample when maxRows is set', () => {
    const pca = pcaOfKeys(keys, { maxRows: 100 });
    expect(pca.rowsUsed).toBe(100);
    const full = pcaOfKeys(keys).components[0];
    expect(Math.abs(pca.components[0].reduce((s, x, i) => s + x * full[i], 0))).toBeGreaterThan(0.99);
  });

  it('projects every key so that each coordinate has the explained variance', () => {
    const pca = pcaOfKeys(keys);
    const xy = projectKeys(keys, pca);
    expect(xy.length).toBe(keys.rows * 2);
    for (let c = 0; c < 2; c++) {
      let sum = 0;
      let squares = 0;
      for (let r = 0; r < keys.rows; r++) {
        sum += xy[r * 2 + c];
        squares += xy[r * 2 + c] ** 2;
      }
      expect(sum / keys.rows).toBeCloseTo(0, 4);
      expect(squares / (keys.rows - 1) / pca.explainedVariance[c]).toBeCloseTo(1, 5);
    }
  });

  it('gives zero variance, not NaN, for identical keys', () => {
    const pca = pcaOfKeys({ values: new Float32Array(12).fill(0.5), rows: 4, cols: 3 });
    expect(pca.explainedVariance).toEqual([0, 0]);
    expect(pca.explainedVarianceRatio).toEqual([0, 0]);
  });
});

function covariance2d(matrix: KeyMatrix): [number, number, number] {
  const { values, rows } = matrix;
  let mx = 0,
    my = 0;
  for (let r = 0; r < rows; r++) {
    mx += values[2 * r] / rows;
    my += values[2 * r + 1] / rows;
  }
  let a = 0,
    b = 0,
    c = 0;
  for (let r = 0; r < rows; r++) {
    const x = values[2 * r] - mx,
      y = values[2 * r + 1] - my;
    a += (x * x) / (rows - 1);
    b += (x * y) / (rows - 1);
    c += (y * y) / (rows - 1);
  }
  return [a, b, c];
}

describe('eigen-solvers', () => {
  it('diagonalises a symmetric matrix with known eigenpairs', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, -1, 0, -1, 2, -1, 0, -1, 2), 3);
    [2 + Math.SQRT2, 2, 2 - Math.SQRT2].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 12));
    expect(Math.abs(vectors[1][0] - -vectors[1][2])).toBeLessThan(1e-12);
    expect(vectors[1][1]).toBeCloseTo(0, 12);
  });

  it('finds the top eigenpairs of a larger matrix by subspace iteration', () => {
    const n = 30;
    const matrix = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) matrix[i * n + j] = i === j ? n - i : 0;
    const { values, vectors } = topEigenPairs(matrix, n, 2);
    expect(values[0]).toBeCloseTo(30, 9);
    expect(values[1]).toBeCloseTo(29, 9);
    expect(Math.abs(vectors[0][0])).toBeCloseTo(1, 9);
  });
});
