import { describe, expect, it } from 'vitest';
import { agreementSummary, MAX_EFFECTIVE_N_BIN } from './corpusAgreement';

describe('agreementSummary', () => {
  it("counts agreement by the paper's rule (P∞ > 0.5) and by argmax, per effective n", () => {
    const s = agreementSummary({
      ids: [5, 6, 7, 8],
      suffixLength: [0, 1, 1, 40],
      infiniGramProbability: [0.1, 0.5, 0.9, 1],
      sparse: [false, false, true, true],
      infiniGramArgmax: [5, 6, 1, 8],
      modelArgmax: [5, 0, 0, 8],
    });
    expect(s.tokens).toBe(4);
    expect(s.agreement).toBe(0.5); // 0.5 is not above 0.5
    expect(s.argmaxAgreement).toBe(0.75);
    expect(s.sparseAgreement).toBe(1);
    expect(s.sparseShare).toBe(0.5);
    expect(s.modelAgreement).toBe(0.5);
    expect(s.meanEffectiveN).toBe((1 + 2 + 2 + 41) / 4);
    expect(s.medianEffectiveN).toBe(2);
    expect(s.bins).toHaveLength(MAX_EFFECTIVE_N_BIN);
    expect(s.bins[0]).toEqual({ effectiveN: 1, tokens: 1, agreeing: 0, sparseTokens: 0, sparseAgreeing: 0 });
    expect(s.bins[1]).toEqual({ effectiveN: 2, tokens: 2, agreeing: 1, sparseTokens: 1, sparseAgreeing: 1 });
    expect(s.bins[MAX_EFFECTIVE_N_BIN - 1].tokens).toBe(1); // n = 41 lands in the last bin
  });

  it('ends the bins at the longest n seen and has no sparse agreement without sparse tokens', () => {
    const s = agreementSummary({
      ids: [1, 2, 3],
      suffixLength: [0, 2, 1],
      infiniGramProbability: [0, 0, 0],
      sparse: [false, false, false],
      infiniGramArgmax: [0, 0, 0],
      modelArgmax: [0, 0, 0],
    });
    expect(s.bins.map((b) => b.tokens)).toEqual([1, 1, 1]);
    expect(s.sparseAgreement).toBeNull();
    expect(s.medianEffectiveN).toBe(2);
  });
});
