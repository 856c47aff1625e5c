import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { greedyToken, sampleToken } from './sample';
import { sampleNext } from './sampleNext';
import { samplingPipeline } from './sampling';

const LOGITS = new Float32Array([2.5, 1.25, 0.5, -0.75, -3, -Infinity, 2.5]);
const SETTINGS = { temperature: 1.3, topK: 4, topP: 0.95, minP: 0.02 };
const SEEDS = Array.from({ length: 200 }, (_, i) => i);

describe('sampleNext', () => {
  it('draws the token sampleToken draws from the final stage with a fresh createRng(seed)', () => {
    for (const seed of SEEDS) {
      const expected = sampleToken(samplingPipeline(LOGITS, SETTINGS).probabilities, createRng(seed));
      expect(sampleNext(LOGITS, SETTINGS, seed).tokenId, `seed ${seed}`).toBe(expected);
    }
  });

  it('gives the same token for the same seed and settings, and other tokens for other seeds', () => {
    expect(sampleNext(LOGITS, SETTINGS, 42).tokenId).toBe(sampleNext(LOGITS, SETTINGS, 42).tokenId);
    const drawn = new Set(SEEDS.map((seed) => sampleNext(LOGITS, SETTINGS, seed).tokenId));
    expect([...drawn].sort()).toEqual([0, 1, 2, 6]); // the four tokens top-k 4 keeps
  });

  it('returns every stage of the pipeline it drew from', () => {
    const { pipeline } = sampleNext(LOGITS, { topK: 2 }, 7);
    expect(pipeline.stages.map((s) => s.name)).toEqual(['temperature', 'topK', 'topP', 'minP']);
    expect(pipeline.stages[1].keptCount).toBe(2);
    expect(Array.from(pipeline.probabilities)).toEqual(Array.from(samplingPipeline(LOGITS, { topK: 2 }).probabilities));
  });

  it('greedy takes the argmax of the logits (lowest id on ties) whatever the seed', () => {
    for (const seed of [0, 1, 99, 0xffffffff]) {
      expect(sampleNext(LOGITS, { temperature: 5 }, seed, 'greedy').tokenId).toBe(0);
    }
    expect(greedyToken(LOGITS)).toBe(0);
    expect(SEEDS.some((seed) => sampleNext(LOGITS, { temperature: 5 }, seed).tokenId !== 0)).toBe(true);
  });

  it('rejects a seed outside [0, 2^32) and a temperature <= 0, in both modes', () => {
    expect(() => sampleNext(LOGITS, {}, -1)).toThrow(RangeError);
    expect(() => sampleNext(LOGITS, {}, 1.5, 'greedy')).toThrow(/seed must be an integer/);
    expect(() => sampleNext(LOGITS, { temperature: 0 }, 0, 'greedy')).toThrow(
      /temperature must be a finite number > 0/,
    );
  });
});
