import { describe, expect, it } from 'vitest';
import { distributionView } from './distributionView';

const OFF = { temperature: 1, topK: 0, topP: 1, minP: 0 };
// p = [0.5, 0.25, 0.125, 0.0625, 0.0625]
const LOGITS = [Math.log(8), Math.log(4), Math.log(2), 0, 0];

describe('distributionView', () => {
  it('lists the top N with ranks and the tail, summing to 1, hand-checked', () => {
    const view = distributionView(LOGITS, OFF, 2, null);
    expect(view.rows.map((r) => [r.tokenId, r.rank])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(view.rows[0].probability).toBeCloseTo(0.5, 12);
    expect(view.tail.count).toBe(3);
    expect(view.tail.probability).toBeCloseTo(0.25, 12);
    expect(view.entropyBits).toBeCloseTo(0.5 * 1 + 0.25 * 2 + 0.125 * 3 + 2 * 0.0625 * 4, 12);
    expect(view.sampledEntropyBits).toBeCloseTo(view.entropyBits, 12);
  });

  it('adds the actual token with its rank when it is far down, and marks it', () => {
    const view = distributionView(LOGITS, OFF, 2, 4);
    expect(view.rows).toHaveLength(3);
    expect(view.rows[2]).toMatchObject({ tokenId: 4, rank: 4, isActual: true, beyondTop: true });
    expect(view.tail.count).toBe(2);
    expect(view.tail.probability).toBeCloseTo(0.1875, 12);
  });

  it('names the stage that removed each token and renormalises after each stage', () => {
    const view = distributionView(LOGITS, { temperature: 1, topK: 3, topP: 0.7, minP: 0 }, 5, null);
    const byId = Object.fromEntries(view.rows.map((r) => [r.tokenId, r]));
    expect(byId[3].removedBy).toBe('topK');
    expect(byId[4].removedBy).toBe('topK');
    // After top-k: [0.5, 0.25, 0.125] / 0.875; top-p 0.7 keeps 0 and 1 (0.571 < 0.7 before token 1).
    expect(byId[2].removedBy).toBe('topP');
    expect(byId[0].afterStage[1]).toBeCloseTo(0.5 / 0.875, 12);
    expect(byId[0].afterStage[3]).toBeCloseTo(2 / 3, 12);
    expect(byId[0].removedBy).toBeNull();
    expect(view.stages.map((s) => s.keptCount)).toEqual([5, 3, 2, 2]);
    expect(view.stages[3].active).toBe(false);
  });

  it('sharpens at temperature 0.01 and flattens at 2.0 without removing anything', () => {
    const cold = distributionView(LOGITS, { ...OFF, temperature: 0.01 }, 5, null);
    expect(cold.rows[0].afterStage[0]).toBeCloseTo(1, 12);
    expect(cold.rows.every((r) => r.removedBy === null)).toBe(true);
    const hot = distributionView(LOGITS, { ...OFF, temperature: 2 }, 5, null);
    // p ∝ sqrt([8, 4, 2, 1, 1])
    const z = Math.sqrt(8) + 2 + Math.sqrt(2) + 2;
    expect(hot.rows[0].afterStage[0]).toBeCloseTo(Math.sqrt(8) / z, 12);
    expect(hot.sampledEntropyBits).toBeGreaterThan(hot.entropyBits);
  });

  it('handles -Infinity logits and ties', () => {
    const view = distributionView([0, 0, -Infinity], { ...OFF, topK: 1 }, 3, 2);
    expect(view.rows.map((r) => r.rank)).toEqual([1, 1, 3]);
    expect(view.rows[1].afterStage[1]).toBe(0.5); // tie with the k-th is kept
    expect(view.rows[2]).toMatchObject({ probability: 0, removedBy: null, isActual: true });
  });
});
