import { describe, expect, it } from 'vitest';
import { createRng, entropyBits, logSumExp, softmax } from '../distribution';
import { stepStatistics } from './stepStats';

describe('stepStatistics', () => {
  it('equals logSumExp and entropyBits(softmax) of the core within 1e-12', () => {
    const rng = createRng(3);
    for (const spread of [0.1, 3, 30]) {
      const logits = Float32Array.from({ length: 8192 }, () => (rng.nextFloat64() - 0.5) * spread);
      logits[7] = -Infinity;
      for (const token of [0, 100, 8191]) {
        const stats = stepStatistics(logits, token);
        expect(stats.logProb).toBeCloseTo(logits[token] - logSumExp(logits), 12);
        expect(stats.entropyBits).toBeCloseTo(entropyBits(softmax(logits)), 12);
      }
    }
  });

  it("keeps a peaked distribution's entropy small and exact", () => {
    const stats = stepStatistics(new Float32Array([0, -40, -40]), 0);
    expect(stats.entropyBits).toBeGreaterThan(0);
    expect(stats.entropyBits).toBeCloseTo(entropyBits(softmax(new Float32Array([0, -40, -40]))), 15);
    expect(stepStatistics(new Float32Array([0, -Infinity]), 0)).toEqual({ logProb: 0, entropyBits: 0 });
  });

  it('refuses NaN logits and tokens outside the vocabulary', () => {
    expect(() => stepStatistics(new Float32Array([0, NaN]), 0)).toThrow(/logit 1 is NaN/);
    expect(() => stepStatistics(new Float32Array([0, 1]), 2)).toThrow(RangeError);
  });
});
