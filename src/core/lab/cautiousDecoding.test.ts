import { describe, expect, it } from 'vitest';
import { cautiousTrialCount, trialPerplexity } from '../distribution';
import { cautiousStep } from './cautiousDecoding';

const OFF = { temperature: 1, topK: 0, topP: 1, minP: 0 };
const STOP = 3; // the "punctuation" token of the toy vocabulary

/** A toy model over 4 tokens: after the context it is uniform over 0..2 plus the stop token, or sure. */
function toyModel(uniform: boolean) {
  const calls: number[][] = [];
  return {
    calls,
    nextLogits: async (ids: readonly number[]) => {
      calls.push([...ids]);
      return uniform ? [0, 0, 0, 0] : [10, -10, -10, -10];
    },
  };
}

describe('cautiousStep', () => {
  it('takes a normal sampled step where the entropy is low', async () => {
    const model = toyModel(false);
    const result = await cautiousStep({
      nextLogits: model.nextLogits,
      context: [1],
      sampling: OFF,
      stopTokenIds: new Set([STOP]),
      seed: 1,
    });
    expect(result.trialCount).toBe(1);
    expect(result.trials).toEqual([]);
    expect(result.appendedTokenIds).toEqual([0]);
    expect(model.calls).toEqual([[1]]);
  });

  it('branches into N(H) trials to punctuation where the entropy is high, and keeps the lowest perplexity', async () => {
    const model = toyModel(true);
    const result = await cautiousStep({
      nextLogits: model.nextLogits,
      context: [1, 2],
      sampling: OFF,
      stopTokenIds: new Set([STOP]),
      seed: 42,
      maxTrialTokens: 8,
    });
    // H = ln 4 ≈ 1.386 nats: the code rule gives ⌊1 + 9 × (1.376 / 1.49)⌋ = 9 trials.
    expect(result.entropyNats).toBeCloseTo(Math.log(4), 6);
    expect(result.trialCount).toBe(cautiousTrialCount(Math.log(4)));
    expect(result.trialCount).toBe(9);
    expect(result.trials).toHaveLength(9);
    for (const trial of result.trials) {
      expect(trial.tokenIds.length).toBeGreaterThan(0);
      expect(trial.tokenIds.length).toBeLessThanOrEqual(8);
      expect(trial.endedOnPunctuation).toBe(trial.tokenIds.at(-1) === STOP);
      expect(trial.perplexity).toBeCloseTo(trialPerplexity(trial.logProbs), 12);
      // Every token had p = 1/4 under the uniform model.
      expect(trial.perplexity).toBeCloseTo(4, 9);
    }
    // All perplexities tie: the first trial is kept, as Python's min does.
    expect(result.chosenIndex).toBe(0);
    expect(result.appendedTokenIds).toEqual(result.trials[0].tokenIds);
    // Each trial after its first token asks the model with the context plus its own tokens.
    expect(model.calls[0]).toEqual([1, 2]);
    expect(model.calls.every((ids) => ids[0] === 1 && ids[1] === 2)).toBe(true);
  });

  it('gives the same trials for the same seed, and stops when asked', async () => {
    const run = (seed: number) =>
      cautiousStep({
        nextLogits: toyModel(true).nextLogits,
        context: [0],
        sampling: OFF,
        stopTokenIds: new Set([STOP]),
        seed,
      });
    expect((await run(5)).trials.map((t) => t.tokenIds)).toEqual((await run(5)).trials.map((t) => t.tokenIds));
    let calls = 0;
    const stopped = await cautiousStep({
      nextLogits: toyModel(true).nextLogits,
      context: [0],
      sampling: OFF,
      stopTokenIds: new Set([STOP]),
      seed: 5,
      shouldStop: () => ++calls > 3,
    });
    expect(stopped.trials.length).toBeLessThan(9);
  });

  it('appends nothing when stopped before the first trial (no RangeError from an empty choice)', async () => {
    const result = await cautiousStep({
      nextLogits: toyModel(true).nextLogits,
      context: [0],
      sampling: OFF,
      stopTokenIds: new Set([STOP]),
      seed: 5,
      shouldStop: () => true,
    });
    expect(result).toMatchObject({ trialCount: 9, trials: [], chosenIndex: null, appendedTokenIds: [], stopped: true });
  });

  it('never keeps a trial that Stop cut short', async () => {
    for (let stopAfter = 1; stopAfter < 12; stopAfter++) {
      const model = toyModel(true);
      const result = await cautiousStep({
        nextLogits: model.nextLogits,
        context: [0],
        sampling: OFF,
        stopTokenIds: new Set([STOP]),
        seed: 9,
        maxTrialTokens: 8,
        shouldStop: () => model.calls.length > stopAfter,
      });
      expect(result.stopped).toBe(true);
      expect(result.appendedTokenIds).toEqual([]);
      // The trials kept are whole: each ends on punctuation or at the length limit.
      for (const trial of result.trials) expect(trial.endedOnPunctuation || trial.tokenIds.length === 8).toBe(true);
    }
  });
});
