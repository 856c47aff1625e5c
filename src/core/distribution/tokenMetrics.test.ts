import { describe, expect, it } from 'vitest';
import { tokenMetrics } from './tokenMetrics';

// p = [0.5, 0.2, 0.2, 0.1, 0]; expected values worked out by hand / mpmath.
const logProbs = new Float64Array([Math.log(0.5), Math.log(0.2), Math.log(0.2), Math.log(0.1), -Infinity]);

describe('tokenMetrics', () => {
  it('gives GLTR rank, probability, surprisal and Frac(p) for the actual token', () => {
    const m = tokenMetrics(logProbs, 2);
    expect(m.rank).toBe(2);
    expect(m.probability).toBeCloseTo(0.2, 15);
    expect(m.surprisalBits).toBeCloseTo(2.321928094887362, 14);
    expect(m.probabilityRelativeToTop).toBeCloseTo(0.4, 15);
  });

  it('gives the PAWN-style features, counting ties as at least as probable', () => {
    const m = tokenMetrics(logProbs, 1);
    expect(m.maxLogProb).toBeCloseTo(Math.log(0.5), 15);
    expect(m.entropyNats).toBeCloseTo(1.2206072645530173, 14);
    expect(m.normalisedRank).toBeCloseTo(3 / 5, 15);
    expect(m.cumulativeProbability).toBeCloseTo(0.9, 14);
  });

  it('ranks the top token 1 with normalised rank 1/V', () => {
    const m = tokenMetrics(logProbs, 0);
    expect([m.rank, m.normalisedRank, m.probabilityRelativeToTop]).toEqual([1, 1 / 5, 1]);
    expect(m.cumulativeProbability).toBeCloseTo(0.5, 15);
  });

  it('handles an impossible actual token', () => {
    const m = tokenMetrics(logProbs, 4);
    expect([m.probability, m.surprisalBits, m.rank, m.normalisedRank]).toEqual([0, Infinity, 5, 1]);
    expect(m.cumulativeProbability).toBeCloseTo(1, 14);
  });

  it('rejects a token outside the vocabulary', () => {
    expect(() => tokenMetrics(logProbs, 5)).toThrow(/outside the vocabulary/);
  });
});
