import { describe, expect, it } from 'vitest';
import { applyMinP, applyTopK, applyTopP, samplingPipeline } from './sampling';
import { softmax } from './softmax';

const probs = (values: number[]) => new Float64Array(values);
const list = (a: ArrayLike<number>) => Array.from(a);

function expectAllClose(actual: ArrayLike<number>, expected: number[], digits = 14): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe('applyTopK', () => {
  it('keeps the k most probable tokens and renormalises them', () => {
    const stage = applyTopK(probs([0.5, 0.2, 0.3]), 2);
    expectAllClose(stage.probabilities, [0.625, 0, 0.375]);
    expect(list(stage.removedTokenIds)).toEqual([1]);
    expect(stage.removedProbability).toBeCloseTo(0.2, 15);
    expect(stage.keptCount).toBe(2);
    expect(stage.active).toBe(true);
  });

  it('keeps every token tied with the k-th, as HF transformers does', () => {
    const stage = applyTopK(probs([0.4, 0.3, 0.3]), 2);
    expectAllClose(stage.probabilities, [0.4, 0.3, 0.3], 15);
    expect(stage.removedTokenIds).toHaveLength(0);
    expect(applyTopK(probs([0.1, 0.3, 0.3, 0.3]), 1).keptCount).toBe(3);
  });

  it.each([0, 3, 10])('passes k = %i through unchanged (0 or >= V)', (k) => {
    const input = probs([0.5, 0.2, 0.3]);
    const stage = applyTopK(input, k);
    expect(stage.active).toBe(false);
    expect(stage.probabilities).toBe(input);
    expect(stage.removedTokenIds).toHaveLength(0);
  });

  it('rejects a negative or fractional k', () => {
    expect(() => applyTopK(probs([1]), -1)).toThrow(/topK must be an integer >= 0/);
    expect(() => applyTopK(probs([1]), 1.5)).toThrow(RangeError);
  });
});

describe('applyTopP', () => {
  // Dyadic probabilities: every cumulative sum is exact, so the boundary is exact too.
  const dyadic = () => probs([0.25, 0.5, 0.125, 0.125]);

  it('keeps the smallest most-probable set whose mass reaches p', () => {
    const stage = applyTopP(dyadic(), 0.7);
    expectAllClose(stage.probabilities, [1 / 3, 2 / 3, 0, 0]);
    expect(list(stage.removedTokenIds)).toEqual([2, 3]);
    expect(stage.removedProbability).toBe(0.25);
  });

  it('stops exactly at the boundary: a token after mass exactly p is removed', () => {
    expectAllClose(applyTopP(dyadic(), 0.75).probabilities, [1 / 3, 2 / 3, 0, 0]);
  });

  it('stops exactly at the boundary inside a run of tied tokens', () => {
    const stage = applyTopP(probs([0.25, 0.25, 0.25, 0.25]), 0.5);
    expect(list(stage.probabilities)).toEqual([0.5, 0.5, 0, 0]);
  });

  it('breaks a tie at the boundary by keeping the lower id', () => {
    const stage = applyTopP(dyadic(), 0.76);
    expectAllClose(stage.probabilities, [0.25 / 0.875, 0.5 / 0.875, 0.125 / 0.875, 0]);
    expect(list(stage.removedTokenIds)).toEqual([3]);
  });

  it('always keeps at least the top token', () => {
    expect(list(applyTopP(dyadic(), 0).probabilities)).toEqual([0, 1, 0, 0]);
    expect(list(applyTopP(probs([0.97, 0.03]), 0.5).probabilities)).toEqual([1, 0]);
  });

  it('passes p = 1 through unchanged', () => {
    const input = dyadic();
    const stage = applyTopP(input, 1);
    expect(stage.active).toBe(false);
    expect(stage.probabilities).toBe(input);
  });

  describe('over 152k tokens', () => {
    const logits = new Float32Array(152_064);
    for (let i = 0; i < logits.length; i++) logits[i] = 2 * Math.sin(i * 12.9898) + (i % 7 === 0 ? 3 : 0);
    const input = softmax(logits);
    // Oracle: HF's TopPLogitsWarper, written independently: sort ascending (ties: higher id
    // first, so the lower id counts as more probable), remove where cumulative <= 1 − p.
    const ascending = Array.from(input.keys()).sort((a, b) => input[a] - input[b] || b - a);

    it.each([0.1, 0.5, 0.9, 0.999])('matches HF’s ascending-cumsum rule at p = %s', (p) => {
      const expectedRemoved: number[] = [];
      let cumulative = 0;
      ascending.forEach((id, j) => {
        cumulative += input[id];
        if (cumulative <= 1 - p && j < ascending.length - 1) expectedRemoved.push(id);
      });
      const stage = applyTopP(input, p);
      expectedRemoved.sort((a, b) => a - b);
      expect(stage.removedTokenIds.length).toBe(expectedRemoved.length);
      expect(stage.removedTokenIds.findIndex((id, i) => id !== expectedRemoved[i])).toBe(-1);
      expect(stage.keptCount).toBe(input.length - expectedRemoved.length);
    });
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => applyTopP(dyadic(), 1.1)).toThrow(/topP must be a number in \[0, 1\]/);
    expect(() => applyTopP(dyadic(), Number.NaN)).toThrow(RangeError);
  });
});

describe('applyMinP', () => {
  it('keeps tokens with probability >= minP × the top probability', () => {
    expectAllClose(applyMinP(probs([0.5, 0.3, 0.2]), 0.5).probabilities, [0.625, 0.375, 0]);
  });

  it('keeps a token exactly at the threshold', () => {
    const stage = applyMinP(probs([0.5, 0.3, 0.2]), 0.4); // threshold 0.2 exactly
    expect(stage.removedTokenIds).toHaveLength(0);
    expect(stage.active).toBe(true);
  });

  it('keeps only tokens tied with the top at minP = 1 and passes minP = 0 through', () => {
    expect(list(applyMinP(probs([0.4, 0.4, 0.2]), 1).probabilities)).toEqual([0.5, 0.5, 0]);
    const input = probs([0.5, 0.5]);
    expect(applyMinP(input, 0).probabilities).toBe(input);
  });

  it('rejects minP outside [0, 1]', () => {
    expect(() => applyMinP(probs([1]), -0.1)).toThrow(/minP must be a number in \[0, 1\]/);
  });
});

describe('samplingPipeline', () => {
  // Expected stages from an independent numpy implementation of HF's warpers.
  const logits = new Float32Array([2, 1.5, 1, 0.5, -1, -Infinity]);
  const settings = { temperature: 0.5, topK: 3, topP: 0.8 };

  it('runs temperature → top-k → top-p → min-p and returns every stage', () => {
    const { stages, probabilities } = samplingPipeline(logits, { ...settings, minP: 0.3 });
    expect(stages.map((s) => s.name)).toEqual(['temperature', 'topK', 'topP', 'minP']);
    expectAllClose(
      stages[0].probabilities,
      [0.6428881436318333, 0.2365053310150248, 0.08700544900787431, 0.03200751595988722, 0.0015935603853804014, 0],
    );
    expectAllClose(stages[1].probabilities, [0.6652409557748218, 0.24472847105479764, 0.09003057317038046, 0, 0, 0]);
    expectAllClose(stages[2].probabilities, [0.7310585786300049, 0.2689414213699951, 0, 0, 0, 0]);
    expect(stages[3].removedTokenIds).toHaveLength(0);
    expect(probabilities).toBe(stages[3].probabilities);
  });

  it('reports which tokens each stage removed, never re-removing masked ones', () => {
    const { stages, probabilities } = samplingPipeline(logits, { ...settings, minP: 0.4 });
    expect(stages.map((s) => list(s.removedTokenIds))).toEqual([[], [3, 4], [2], [1]]);
    expect(list(probabilities)).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it('passes disabled stages through as the same array', () => {
    const { stages } = samplingPipeline(logits, { topK: undefined });
    expect(stages.map((s) => s.active)).toEqual([false, false, false, false]);
    expect(stages[3].probabilities).toBe(stages[0].probabilities);
    expect(stages[0].keptCount).toBe(5);
  });

  it('rejects out-of-range settings with a clear error', () => {
    expect(() => samplingPipeline(logits, { temperature: 0 })).toThrow(/greedyToken/);
    expect(() => samplingPipeline(logits, { topK: -2 })).toThrow(/topK/);
    expect(() => samplingPipeline(logits, { topP: 2 })).toThrow(/topP/);
    expect(() => samplingPipeline(logits, { minP: 1.5 })).toThrow(/minP/);
  });
});
