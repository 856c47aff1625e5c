import { describe, expect, it } from 'vitest';
import {
  bigramDistribution,
  countBigrams,
  crossEntropyBits,
  decodeCorpusBigram,
  encodeCorpusBigram,
  hasContext,
  mostFrequentTokens,
} from './corpusBigram';
import { pearson } from './correlation';

describe('corpus bigram', () => {
  const stream = [0, 1, 0, 1, 0, 2, 3, 0];
  const bigram = countBigrams(stream, 5);

  it('is c(w, u) / Σ c(w, ·)', () => {
    expect(Array.from(bigramDistribution(bigram, 0))).toEqual([0, 2 / 3, 1 / 3, 0, 0]);
    expect(Array.from(bigramDistribution(bigram, 3))).toEqual([1, 0, 0, 0, 0]);
  });

  it('backs off to the unigram for an unseen context, then to uniform', () => {
    expect(hasContext(bigram, 4)).toBe(false);
    expect(Array.from(bigramDistribution(bigram, 4))).toEqual([4 / 8, 2 / 8, 1 / 8, 1 / 8, 0]);
    expect(Array.from(bigramDistribution(countBigrams([], 4), 1))).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('round-trips through its binary form and rejects other files', () => {
    const decoded = decodeCorpusBigram(encodeCorpusBigram(bigram));
    for (let w = 0; w < 5; w++)
      expect(Array.from(bigramDistribution(decoded, w))).toEqual(Array.from(bigramDistribution(bigram, w)));
    expect(decoded.tokenCount).toBe(8);
    const bytes = encodeCorpusBigram(bigram);
    expect(() => decodeCorpusBigram(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    expect(() => decodeCorpusBigram(new TextEncoder().encode('<html>'))).toThrow(/not a Tokenscope/);
  });

  it('lists tokens by frequency and rejects ids outside the vocabulary', () => {
    expect(mostFrequentTokens(bigram, 2)).toEqual([0, 1]);
    expect(() => countBigrams([0, 7], 5)).toThrow(/outside the vocabulary/);
  });

  it('measures cross-entropy in bits', () => {
    expect(crossEntropyBits([0.5, 0.5], [0.5, 0.5])).toBeCloseTo(1, 12);
    expect(crossEntropyBits([1, 0], [0, 1])).toBe(Infinity);
  });
});

describe('pearson', () => {
  it('is ±1 on lines, clips infinities to the largest finite value', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [1, 2, 3, Infinity])).toBeCloseTo(pearson([1, 2, 3, 4], [1, 2, 3, 3]), 12);
    expect(pearson([1, 1], [1, 2])).toBeNaN();
  });
});
