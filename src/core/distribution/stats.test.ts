import { describe, expect, it } from 'vitest';
import {
  entropyBits,
  entropyNats,
  gltrBucket,
  jensenShannonNats,
  klDivergenceNats,
  probabilityRelativeToTop,
  surprisalBits,
  surprisalBitsFromLogProb,
  tailMass,
  tokenRank,
  topNEntropyNats,
} from './stats';

// Expected values from mpmath at 40 digits, rounded to float64.
const LN2 = 0.6931471805599453;

describe('entropy', () => {
  it('is ln 2 nats for a fair coin and 2 bits for four equal outcomes', () => {
    expect(entropyNats([0.5, 0.5])).toBeCloseTo(LN2, 15);
    expect(entropyBits([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(2, 15);
  });

  it('counts zero probabilities as 0, not NaN', () => {
    expect(entropyNats(new Float64Array([0.7, 0.2, 0.1, 0]))).toBeCloseTo(0.8018185525433373, 14);
    expect(entropyNats([1, 0, 0])).toBe(0);
  });

  it('gives GLTR histogram entropy over the renormalised top n', () => {
    expect(topNEntropyNats([0.4, 0.3, 0.2, 0.1], 2)).toBeCloseTo(0.6829081047004717, 14);
    expect(topNEntropyNats([0.4, 0.3, 0.2, 0.1])).toBeCloseTo(entropyNats([0.4, 0.3, 0.2, 0.1]), 15);
  });
});

describe('tokenRank', () => {
  it('is 1 + the number of strictly more probable tokens, so ties share a rank', () => {
    const p = [0.2, 0.5, 0.2, 0.1];
    expect([0, 1, 2, 3].map((t) => tokenRank(p, t))).toEqual([2, 1, 2, 4]);
  });

  it('gives the same rank from logits as from probabilities', () => {
    expect(tokenRank(new Float32Array([1, 3, 1, -2]), 3)).toBe(4);
  });

  it('rejects a token outside the vocabulary', () => {
    expect(() => tokenRank([0.5, 0.5], 2)).toThrow(/outside the vocabulary/);
  });
});

describe('tailMass', () => {
  it('is the mass outside the top n', () => {
    expect(tailMass([0.5, 0.3, 0.2], 1)).toBeCloseTo(0.5, 15);
    expect(tailMass([0.5, 0.3, 0.2], 3)).toBe(0);
  });

  it('excludes exactly n tokens when ties straddle the boundary', () => {
    expect(tailMass([0.4, 0.3, 0.3], 2)).toBeCloseTo(0.3, 15);
  });
});

describe('surprisal', () => {
  it('is −log2 p in bits', () => {
    expect(surprisalBits(0.25)).toBe(2);
    expect(surprisalBits(1)).toBe(0);
    expect(surprisalBits(0)).toBe(Infinity);
    expect(surprisalBitsFromLogProb(-LN2 * 3)).toBeCloseTo(3, 14);
    expect(surprisalBitsFromLogProb(-2000)).toBeCloseTo(2885.390081777927, 9);
  });
});

describe('probabilityRelativeToTop (GLTR Frac(p))', () => {
  it('divides by the top-1 probability', () => {
    expect(probabilityRelativeToTop([0.2, 0.5, 0.3], 0)).toBeCloseTo(0.4, 15);
    expect(probabilityRelativeToTop([0.2, 0.5, 0.3], 1)).toBe(1);
  });
});

describe('gltrBucket', () => {
  it('puts ranks 1–10, 11–100, 101–1000 and the rest in buckets 0..3 by default', () => {
    const ranks = [1, 10, 11, 100, 101, 1000, 1001, 152_064];
    expect(ranks.map((r) => gltrBucket(r))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('follows edited thresholds', () => {
    expect([1, 2, 4, 5].map((r) => gltrBucket(r, [1, 4]))).toEqual([0, 1, 1, 2]);
    expect(gltrBucket(7, [5])).toBe(1);
  });

  it('rejects non-increasing thresholds and ranks below 1', () => {
    expect(() => gltrBucket(3, [10, 10])).toThrow(/strictly increasing/);
    expect(() => gltrBucket(0)).toThrow(/rank/);
  });
});

describe('divergences', () => {
  it('computes KL(p ‖ q) in nats, asymmetric', () => {
    expect(klDivergenceNats([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.14384103622589045, 14);
    expect(klDivergenceNats([0.25, 0.75], [0.5, 0.5])).toBeCloseTo(0.13081203594113697, 14);
  });

  it('skips p = 0 terms and is Infinity where q = 0 < p', () => {
    expect(klDivergenceNats([1, 0], [0.5, 0.5])).toBeCloseTo(LN2, 15);
    expect(klDivergenceNats([0.5, 0.5], [1, 0])).toBe(Infinity);
    expect(klDivergenceNats([0.3, 0.7], [0.3, 0.7])).toBe(0);
  });

  it('computes a finite, symmetric Jensen–Shannon divergence', () => {
    expect(jensenShannonNats([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.03382207556860523, 15);
    expect(jensenShannonNats([0.25, 0.75], [0.5, 0.5])).toBeCloseTo(0.03382207556860523, 15);
    expect(jensenShannonNats([1, 0], [0, 1])).toBeCloseTo(LN2, 15);
    expect(jensenShannonNats([0.3, 0.7], [0.3, 0.7])).toBe(0);
  });

  it('rejects distributions of different lengths', () => {
    expect(() => klDivergenceNats([1], [0.5, 0.5])).toThrow(/differ in length/);
    expect(() => jensenShannonNats([1], [0.5, 0.5])).toThrow(/differ in length/);
  });
});
