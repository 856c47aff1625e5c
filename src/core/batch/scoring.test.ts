import { describe, expect, it } from 'vitest';
import type { PositionMetrics } from '../lab/positionMetrics';
import { bundledScoringSet } from './examples';
import { overallScore, parseScoringSet, textScore } from './scoring';

const at = (rank: number, bits: number): PositionMetrics => ({
  tokenId: 0,
  logProb: -bits * Math.LN2,
  rank,
  entropyNats: 1,
  top10EntropyNats: 1,
  probabilityRelativeToTop: 1,
  topTokenId: 0,
});

describe('GLTR scoring', () => {
  it('counts rank buckets 10/100/1000 and the mean surprisal of a text', () => {
    const score = textScore('a', [at(1, 1), at(10, 2), at(11, 3), at(100, 4), at(101, 5), at(1001, 15)]);
    expect(score.bucketCounts).toEqual([2, 2, 1, 1]);
    expect(score.bucketFractions).toEqual([2 / 6, 2 / 6, 1 / 6, 1 / 6]);
    expect(score.meanSurprisalBits).toBeCloseTo(5, 12);
    expect(textScore('empty', [])).toEqual({
      id: 'empty',
      tokens: 0,
      bucketCounts: [0, 0, 0, 0],
      bucketFractions: [0, 0, 0, 0],
      meanSurprisalBits: null,
    });
  });

  it("pools every token of the set, and also gives the mean of the texts' means", () => {
    const overall = overallScore([
      textScore('a', [at(1, 1)]),
      textScore('b', [at(50, 4), at(50, 4), at(50, 4)]),
      textScore('c', []),
    ]);
    expect(overall).toMatchObject({
      texts: 3,
      tokens: 4,
      bucketCounts: [1, 3, 0, 0],
      bucketFractions: [0.25, 0.75, 0, 0],
    });
    expect(overall.meanSurprisalBits).toBeCloseTo(13 / 4, 12);
    expect(overall.meanOfTextMeansBits).toBeCloseTo(2.5, 12);
  });

  it('the bundled scoring set and the set format', () => {
    expect(bundledScoringSet('scoring').texts.length).toBeGreaterThanOrEqual(5);
    expect(() =>
      parseScoringSet({
        name: 'x',
        texts: [
          { id: 'a', text: '1' },
          { id: 'a', text: '2' },
        ],
      }),
    ).toThrow(/texts: must not use an id twice/);
  });
});
