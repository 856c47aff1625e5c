import { describe, expect, it } from 'vitest';
import { createRng } from '../distribution';
import { cosineCurves, covarianceSimilarity, layerNorm, logitLens, rankOf, recallAtK, type Matrix } from './layers';

function randomLayer(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const rng = createRng(seed);
  return { values: Float32Array.from({ length: rows * cols }, () => (rng.nextFloat64() - 0.5) * scale), rows, cols };
}

/** Independent float64 reference: ⟨Σ_i,Σ_j⟩ = ‖X̃_i X̃_jᵀ‖_F² / n² (docs/PAPERS.md section 2 E). */
function referenceSimilarity(layers: Matrix[]): number[][] {
  const centred = layers.map((m) => {
    const out: number[][] = [];
    for (let r = 0; r < m.rows; r++) out.push(Array.from(m.values.subarray(r * m.cols, (r + 1) * m.cols)));
    for (let c = 0; c < m.cols; c++) {
      const mean = out.reduce((s, row) => s + row[c], 0) / m.rows;
      for (const row of out) row[c] -= mean;
    }
    return out;
  });
  const inner = (a: number[][], b: number[][]) => {
    let total = 0;
    for (const ra of a)
      for (const rb of b) {
        let dot = 0;
        for (let k = 0; k < ra.length; k++) dot += ra[k] * rb[k];
        total += dot * dot;
      }
    return total / a.length ** 2;
  };
  return centred.map((a) => centred.map((b) => inner(a, b) / Math.sqrt(inner(a, a) * inner(b, b))));
}

describe('covarianceSimilarity', () => {
  const layers = [randomLayer(40, 6, 1), randomLayer(40, 6, 2, 3), randomLayer(40, 6, 3, 0.1)];
  // A layer that is a rescaled copy of the first plus a little noise: similar, but not equal.
  const noisy = randomLayer(40, 6, 4, 0.2);
  layers.push({ ...noisy, values: noisy.values.map((v, i) => v + 2 * layers[0].values[i]) });
  const sim = covarianceSimilarity(layers);
  const n = layers.length;

  it('is 1 on the diagonal and symmetric', () => {
    for (let i = 0; i < n; i++) {
      expect(sim[i * n + i]).toBeCloseTo(1, 12);
      for (let j = 0; j < n; j++) expect(sim[i * n + j]).toBe(sim[j * n + i]);
    }
  });

  it('equals the float64 reference ‖X̃_i X̃_jᵀ‖²_F / n² on random data', () => {
    const reference = referenceSimilarity(layers);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(sim[i * n + j]).toBeCloseTo(reference[i][j], 10);
    expect(sim[0 * n + 3]).toBeGreaterThan(sim[0 * n + 1]);
  });

  it('standardised: ignores the scale of each dimension, so an outlier dimension cannot dominate', () => {
    const base = randomLayer(50, 5, 9);
    const outlier = { ...base, values: base.values.map((v, i) => (i % 5 === 0 ? v * 1000 : v)) };
    const other = randomLayer(50, 5, 10);
    const withOutlier = { ...other, values: other.values.map((v, i) => (i % 5 === 0 ? base.values[i] * 1000 : v)) };
    const plain = covarianceSimilarity([outlier, withOutlier]);
    const standardised = covarianceSimilarity([outlier, withOutlier], { standardised: true });
    expect(plain[1]).toBeGreaterThan(0.99);
    // Correlation matrices share their unit diagonal, so unrelated layers still score high; the outlier no longer decides it.
    expect(standardised[1]).toBeLessThan(0.98);
    expect(standardised[1]).toBeCloseTo(covarianceSimilarity([base, other], { standardised: true })[1], 1);
    expect(covarianceSimilarity([base, outlier], { standardised: true })[1]).toBeCloseTo(1, 10);
  });

  it('rejects layers of different shapes', () => {
    expect(() => covarianceSimilarity([randomLayer(4, 3, 1), randomLayer(5, 3, 1)])).toThrow(/same positions/);
  });
});

describe('logit lens', () => {
  it('is the unembedding of the layer-normed state', () => {
    const norm = { gain: Float32Array.of(1, 2), bias: Float32Array.of(0, 1), epsilon: 0 };
    expect(Array.from(layerNorm([1, 3], norm))).toEqual([-1, 3]);
    const unembedding = { values: Float32Array.of(1, 0, 0, 1, 1, 1), rows: 3, cols: 2 };
    expect(Array.from(logitLens([1, 3], norm, unembedding))).toEqual([-1, 3, 2]);
  });

  it('normalises by the root mean square, without centring, for an RMSNorm (Llama, Qwen, Gemma)', () => {
    // x = (3, 4): mean(x²) = 12.5, so x / √12.5 · gain; LayerNorm would give (−1, 1) · gain instead.
    const norm = { gain: Float32Array.of(1, 2), bias: new Float32Array(2), epsilon: 0, rms: true };
    const out = Array.from(layerNorm([3, 4], norm));
    expect(out[0]).toBeCloseTo(3 / Math.sqrt(12.5), 12);
    expect(out[1]).toBeCloseTo((2 * 4) / Math.sqrt(12.5), 12);
    expect(layerNorm([3, 4], { ...norm, epsilon: 0.5 })[0]).toBeCloseTo(3 / Math.sqrt(13), 12);
  });
});

describe('recall and cosine curves', () => {
  it('ranks with ties sharing the best rank and counts recall@k', () => {
    expect(rankOf(Float64Array.of(0.1, 0.5, 0.5, 0.2), 2)).toBe(1);
    expect(rankOf(Float64Array.of(0.1, 0.5, 0.5, 0.2), 0)).toBe(4);
    expect(recallAtK([1, 3, 7, 20], [1, 5, 10])).toEqual([0.25, 0.5, 0.75]);
  });

  it('is 1 toward the current embedding when the centred states are those embeddings', () => {
    const embedding = { values: Float32Array.of(1, 0, -1, 0, 0, 1, 0, -1), rows: 4, cols: 2 };
    const layer = { values: Float32Array.of(1, 0, -1, 0), rows: 2, cols: 2 };
    const curves = cosineCurves([layer], [0, 1], [1, null], embedding, embedding);
    expect(curves.toCurrentEmbedding[0]).toBeCloseTo(1, 12);
    expect(curves.toNextKey[0]).toBeCloseTo(-1, 12);
  });
});
