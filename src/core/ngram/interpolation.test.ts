import { describe, expect, it } from 'vitest';
import { createRng } from '../distribution/rng';
import { combinedPerplexity, interpolate, perplexity, relativeImprovement, tuneLambdas } from './interpolation';

/** Uniform floats in [0, 1) from the project's seeded generator. */
function makeRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.nextFloat64();
}

describe('interpolation with the ∞-gram', () => {
  it("gives Eq. 2 as the paper's Table 2 rounds it", () => {
    // GPT-2 117M on the Pile: 22.82 → 13.71 (and the table's 22.86 → 13.58) are both 42%.
    expect(Math.round(100 * relativeImprovement(22.82, 13.71))).toBe(42);
    expect(Math.round(100 * relativeImprovement(22.86, 13.58))).toBe(42);
    expect(relativeImprovement(10, 10)).toBe(0);
    expect(relativeImprovement(10, 1)).toBe(1);
  });

  it('computes a hand-made case', () => {
    expect(perplexity([0.5, 0.5])).toBeCloseTo(2, 12);
    expect(perplexity([0.25, 1])).toBeCloseTo(2, 12);
    expect(interpolate(1, 0.2, 0.5)).toBeCloseTo(0.6, 12);
    expect(interpolate(NaN, 0.2, 0.5)).toBe(0.2); // no ∞-gram estimate: the neural model alone
    const positions = { pInfinity: [1, 0, 0.5], sparse: [1, 0, 0], pNeural: [0.2, 0.4, 0.5] };
    // λ_sparse = 0.5: 0.6; λ_dense = 0.5: 0.2 and 0.5.
    expect(combinedPerplexity(positions, 0.5, 0.5)).toBeCloseTo(Math.cbrt(1 / (0.6 * 0.2 * 0.5)), 12);
    // The sparse position wants λ = 1 (P∞ = 1 > P_neural); the dense ones: P∞ = 0 hurts most, so λ = 0.
    const tuned = tuneLambdas(positions, [0, 0.25, 0.5, 0.75, 1]);
    expect(tuned.lambdaSparse).toBe(1);
    expect(tuned.lambdaDense).toBe(0);
    expect(tuned.perplexity).toBeCloseTo(Math.cbrt(1 / (1 * 0.4 * 0.5)), 12);
    expect(tuned.neuralPerplexity).toBeCloseTo(Math.cbrt(1 / (0.2 * 0.4 * 0.5)), 12);
    expect(tuned.perplexityBySparseLambda).toHaveLength(5);
    expect(Math.min(...tuned.perplexityBySparseLambda)).toBeCloseTo(tuned.perplexity, 12);
  });

  it('never tunes to worse than λ = 0 on the validation data', () => {
    const random = makeRandom(11);
    for (let c = 0; c < 20; c++) {
      const m = 50 + Math.floor(random() * 200);
      const sparse = Array.from({ length: m }, () => (random() < 0.3 ? 1 : 0));
      // Often P∞ = 0 (the numerator can be zero), sometimes confident and right.
      const pInfinity = sparse.map((s) => (s ? (random() < 0.8 ? 1 : 0) : random() < 0.4 ? 0 : random()));
      const pNeural = Array.from({ length: m }, () => 0.001 + 0.999 * random());
      const positions = { pInfinity, sparse, pNeural };
      const tuned = tuneLambdas(positions);
      expect(tuned.perplexity).toBeLessThanOrEqual(combinedPerplexity(positions, 0, 0) * (1 + 1e-12));
      expect(tuned.perplexity).toBeCloseTo(combinedPerplexity(positions, tuned.lambdaSparse, tuned.lambdaDense), 9);
      expect(tuned.neuralPerplexity).toBeCloseTo(perplexity(pNeural), 9);
      expect(tuned.relativeImprovement).toBeGreaterThanOrEqual(-1e-12);
    }
  });

  it('refuses inputs of different lengths and bad grids', () => {
    expect(() => combinedPerplexity({ pInfinity: [1], sparse: [0, 1], pNeural: [0.5] }, 0, 0)).toThrow(
      /differ in length/,
    );
    expect(() => tuneLambdas({ pInfinity: [1], sparse: [0], pNeural: [0.5] }, [2])).toThrow(/\[0, 1\]/);
    expect(() => tuneLambdas({ pInfinity: [], sparse: [], pNeural: [] })).toThrow(/no validation positions/);
  });
});
