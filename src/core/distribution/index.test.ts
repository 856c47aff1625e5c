import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng, greedyToken, sampleToken, samplingPipeline, softmax, topNIndices } from './index';

describe('distribution public API', () => {
  it('replays a seeded generation exactly, and slider moves reuse the same logits', () => {
    const logits = new Float32Array([2.5, 1.25, 0.5, -0.75, -3, -Infinity]);
    const run = (seed: number, settings: Parameters<typeof samplingPipeline>[1]) => {
      const { probabilities } = samplingPipeline(logits, settings);
      const rng = createRng(seed);
      return Array.from({ length: 16 }, () => sampleToken(probabilities, rng));
    };
    const settings = { temperature: 1.3, topK: 4, topP: 0.95, minP: 0.02 };
    expect(run(1234, settings)).toEqual(run(1234, settings));
    expect(run(1234, { ...settings, topK: 1 })).toEqual(new Array(16).fill(0));
    expect(logits[5]).toBe(-Infinity); // inputs are never mutated
  });

  it('agrees on the top token between greedy, top-N and softmax', () => {
    const logits = new Float32Array([0.1, 4, 4, -2]);
    expect(greedyToken(logits)).toBe(topNIndices(softmax(logits), 1)[0]);
  });

  it('stays pure: source files import only from this folder', () => {
    const folder = new URL('.', import.meta.url);
    const sources = readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const text = readFileSync(new URL(file, folder), 'utf8');
      for (const [, from] of text.matchAll(/from\s+'([^']+)'/g))
        expect(from, `${file} imports ${from}`).toMatch(/^\.\/[A-Za-z]+$/);
      expect(text, file).not.toMatch(/\b(window|document|process|require)\b\s*[.(]/);
    }
  });
});
