import { describe, expect, it } from 'vitest';
import { createKeyIndex } from './keyMatrix';
import { keySimProfile } from './keySim';
import { spuriousCorrelationSplit } from './spurious';

/**
 * Six tokens with hand-placed keys. By logit: t0 > t1 > t2 > t3 > t4 > t5; the top K = 2
 * are t0 = x-axis and t1 = y-axis. t2 nearly copies t0, t5 leans to t1, t3 is orthogonal
 * to both, t4 points away from t0.
 */
const keys = createKeyIndex({
  values: Float32Array.of(
    1,
    0,
    0, // t0
    0,
    1,
    0, // t1
    0.9,
    0.1,
    0, // t2
    0,
    0,
    1, // t3
    -1,
    0,
    0, // t4
    0.6,
    0.8,
    0, // t5
  ),
  rows: 6,
  cols: 3,
});
const logits = Float32Array.of(5, 4, 3, 2, 1, 0);
const profile = keySimProfile(logits, keys, { topN: 6, topK: 2 });
const t2Cosine = 0.9 / Math.hypot(0.9, 0.1);

describe('keySimProfile', () => {
  it('ranks the candidates by logit and gives their probabilities', () => {
    expect(profile.candidates.map((c) => c.tokenId)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(profile.candidates.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    const z = logits.reduce((s, l) => s + Math.exp(l), 0);
    expect(profile.candidates[0].probability).toBeCloseTo(Math.exp(5) / z, 12);
  });

  it('gives each candidate its highest cosine to a top-K key other than its own', () => {
    const keySims = profile.candidates.map((c) => c.keySim);
    [0, 0, t2Cosine, 0, 0, 0.8].forEach((expected, i) => expect(keySims[i]).toBeCloseTo(expected, 6));
    expect(profile.candidates.map((c) => c.nearestTopRank)).toEqual([2, 1, 1, 1, 2, 2]);
  });

  it("keeps the full candidate × top-key cosine table, with 1 on a top key's own column", () => {
    expect(profile.similarityToTop.length).toBe(6 * 2);
    expect(profile.similarityToTop[0]).toBe(1);
    expect(profile.similarityToTop[1 * 2 + 1]).toBe(1);
    expect(profile.similarityToTop[4 * 2 + 0]).toBeCloseTo(-1, 6);
    expect(profile.similarityToTop[5 * 2 + 0]).toBeCloseTo(0.6, 6);
  });

  it('has no keySim for the top-1 token when K = 1', () => {
    const single = keySimProfile(logits, keys, { topN: 3, topK: 1 });
    expect(single.candidates[0].keySim).toBeNaN();
    expect(single.candidates[2].keySim).toBeCloseTo(t2Cosine, 6);
  });

  it('rejects logits that do not match the key matrix', () => {
    expect(() => keySimProfile(Float32Array.of(1, 2), keys)).toThrow(RangeError);
  });
});

describe('spuriousCorrelationSplit', () => {
  // Acceptable answers: t1 (top), t3 (beyond the top, outside the neighbourhood).
  const acceptable = [1, 3];

  it('splits by keySim threshold and scores precision, mean rank and share per group', () => {
    const split = spuriousCorrelationSplit(profile, acceptable, { kind: 'keySim', minKeySim: 0.5 });
    expect(split.main).toEqual({
      tokenIds: [2, 5],
      count: 2,
      proportion: 0.5,
      correct: 0,
      precision: 0,
      meanRank: 4.5,
    });
    expect(split.other).toEqual({
      tokenIds: [3, 4],
      count: 2,
      proportion: 0.5,
      correct: 1,
      precision: 0.5,
      meanRank: 4.5,
    });
    expect(split.top).toMatchObject({ tokenIds: [0, 1], correct: 1, precision: 0.5, meanRank: 1.5 });
    expect(split.beyondTop.map((c) => [c.tokenId, c.inNeighbourhood, c.acceptable])).toEqual([
      [2, true, false],
      [3, false, true],
      [4, false, false],
      [5, true, false],
    ]);
  });

  it('splits by nearest keys of the top K', () => {
    // t0's nearest other key is t2; t1's is t5.
    const split = spuriousCorrelationSplit(profile, acceptable, { kind: 'nearest', neighbours: 1, index: keys });
    expect(split.main.tokenIds).toEqual([2, 5]);
    expect(split.other.tokenIds).toEqual([3, 4]);
  });

  it('splits by shared cluster with a top-K token, as the paper does', () => {
    const split = spuriousCorrelationSplit(profile, acceptable, { kind: 'clusters', clusterOf: [0, 1, 0, 2, 0, 1] });
    expect(split.main.tokenIds).toEqual([2, 4, 5]);
    expect(split.other).toMatchObject({ tokenIds: [3], precision: 1, meanRank: 4, proportion: 0.25 });
  });

  it('reports an empty group with no precision or mean rank rather than NaN', () => {
    const split = spuriousCorrelationSplit(profile, acceptable, { kind: 'keySim', minKeySim: 2 });
    expect(split.main).toEqual({ tokenIds: [], count: 0, proportion: 0, correct: 0, precision: null, meanRank: null });
    expect(split.other.count).toBe(4);
  });
});
