import { describe, expect, it } from 'vitest';
import { nextTokenDistribution, scorePosition } from './positionStats';

describe('scorePosition', () => {
  const logits = new Float32Array([0.5, 2, -1, 2, 1]);
  const z = [0.5, 2, -1, 2, 1].reduce((s, l) => s + Math.exp(l), 0);

  it('gives the actual token its probability, shared rank and the top candidates', () => {
    const score = scorePosition(logits, 4, 2);
    expect(score.probability).toBeCloseTo(Math.exp(1) / z, 6);
    expect(score.rank).toBe(3);
    expect(score.top.map((c) => c.tokenId)).toEqual([1, 3]);
    expect(score.top[0].probability).toBeCloseTo(Math.exp(2) / z, 6);
  });

  it('gives the entropy of the whole row in nats', () => {
    const uniform = scorePosition(new Float32Array(16).fill(-3), 0, 1);
    expect(uniform.entropyNats).toBeCloseTo(Math.log(16), 10);
    expect(uniform.probability).toBeCloseTo(1 / 16, 10);
  });
});

describe('nextTokenDistribution', () => {
  it('reports the tail mass and size beyond the top n', () => {
    const d = nextTokenDistribution(new Float32Array([Math.log(4), Math.log(3), Math.log(2), 0]), 2);
    expect(d.top.map((c) => c.tokenId)).toEqual([0, 1]);
    expect(d.top[0].probability).toBeCloseTo(0.4, 6);
    expect(d.tailProbability).toBeCloseTo(0.3, 6);
    expect(d.tailCount).toBe(2);
    expect(d.vocabSize).toBe(4);
  });

  it('has an empty tail when n covers the vocabulary', () => {
    const d = nextTokenDistribution(new Float32Array([1, 2]), 10);
    expect(d.top).toHaveLength(2);
    expect(d.tailCount).toBe(0);
    expect(d.tailProbability).toBe(0);
  });
});
