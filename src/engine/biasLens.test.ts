/**
 * The bias lens over an asynchronous model: the rounds of prefetching give exactly what the
 * lemma computes with a synchronous model, on sotu-gpt's real tokenizer and a made-up model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime, EMBEDDED_MODELS_DIR } from './nodeRuntime';
import { exactNextByteDistribution } from '../core/tokenizers/byteLemma';
import { stableBoundary } from '../core/tokenizers/biasLens';
import { ByteSpanTokenizer } from './byteSpanTokenizer';
import { byteLabel, computeBiasLens } from './biasLens';
import { logSoftmax } from '../core/distribution/softmax';
import { Engine } from './engine';

const sotu = ByteSpanTokenizer.fromText(
  readFileSync(join(EMBEDDED_MODELS_DIR, 'sotu-gpt', 'tokenizer.json'), 'utf8'),
  readFileSync(join(EMBEDDED_MODELS_DIR, 'sotu-gpt', 'tokenizer_config.json'), 'utf8'),
);
const V = sotu.vocabularyBytes().length;
const START = 0;

/** Logits that depend on the whole prefix (a made-up but fixed model). */
function fakeLogits(ids: readonly number[]): Float32Array {
  let seed = 2166136261;
  for (const id of ids) seed = Math.imul(seed ^ id, 16777619) >>> 0;
  const out = new Float32Array(V);
  for (let t = 0; t < V; t++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    out[t] = (seed / 2 ** 32) * 6;
  }
  return out;
}

describe('computeBiasLens', () => {
  it("gives the lemma's exact next byte with a model that answers asynchronously, counting forward passes", async () => {
    const calls: number[][] = [];
    const result = await computeBiasLens(
      { prompt: 'the State of the Uni' },
      {
        tokenizer: sotu,
        startTokenId: START,
        nextLogits: async (ids) => {
          calls.push(ids);
          return fakeLogits(ids);
        },
      },
    );
    expect(calls.every((ids) => ids[0] === START)).toBe(true);
    expect(result.exact.forwardPasses).toBe(new Set(calls.map((c) => c.join(','))).size);
    // A vocabulary under 50,000 tokens: every candidate checked, so the result is exact.
    expect(result.exact.errorBound).toBe(0);
    expect(result.exact.uncheckedProbability).toBe(0);
    const x = new TextEncoder().encode('the State of the Uni');
    const tokenizer = { vocabulary: sotu.vocabularyBytes(), encode: (b: Uint8Array) => sotu.encodeBytes(b) };
    const boundary = stableBoundary(x, tokenizer);
    expect(new TextDecoder().decode(x.subarray(boundary))).toBe(' Uni');
    expect(result.exact.boundary).toBe(boundary);
    const direct = exactNextByteDistribution(x, tokenizer, (prefix) => logSoftmax(fakeLogits([START, ...prefix])), {
      boundary,
      validityCheckMinProbability: 1e-6,
    });
    const best = [...direct.probabilities]
      .map((p, b) => ({ b, p }))
      .sort((a, b) => b.p - a.p || a.b - b.b)
      .slice(0, 8);
    expect(result.exact.bytes.map((r) => r.byte)).toEqual(best.map((r) => r.b));
    result.exact.bytes.forEach((r, i) => expect(r.probability).toBeCloseTo(best[i].p, 12));
    expect(direct.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
  });

  it('heals the last token and lists the naive next token after the prompt as tokenized', async () => {
    const result = await computeBiasLens(
      { prompt: 'the State of the Uni', top: 5 },
      { tokenizer: sotu, startTokenId: START, nextLogits: async (ids) => fakeLogits(ids) },
    );
    expect(result.tokens.map((t) => t.text).join('')).toBe('the State of the Uni');
    expect(result.naive.tokens).toHaveLength(5);
    expect(result.healed?.removed).toBe(result.tokens.at(-1)!.text);
    for (const t of result.healed!.tokens) expect(t.text.startsWith(result.healed!.removed)).toBe(true);
    const naive = logSoftmax(fakeLogits([START, ...sotu.encode('the State of the Uni')]));
    expect(result.naive.tokens[0].probability).toBeCloseTo(Math.exp(Math.max(...naive)), 12);
  });

  it('refuses an empty prompt and one over 200 bytes', async () => {
    const deps = { tokenizer: sotu, startTokenId: START, nextLogits: async (ids: number[]) => fakeLogits(ids) };
    await expect(computeBiasLens({ prompt: '' }, deps)).rejects.toThrow(/Type a prompt/);
    await expect(computeBiasLens({ prompt: 'a'.repeat(201) }, deps)).rejects.toThrow(/up to 200 bytes/);
  });

  it('labels bytes as characters when printable, else as \\xNN', () => {
    expect([0x20, 0x0a, 0x65, 0xe6].map(byteLabel)).toEqual(['␣', '↵', 'e', '\\xE6']);
  });
});

describe('computeBiasLens on sotu-gpt (Node)', () => {
  it('puts the exact next byte after "the State of the Uni" on "t" / "o" (" United", " Union"), where naive and healed spread their mass', async () => {
    const engine = new Engine(createNodeRuntime());
    const info = await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    try {
      const result = await computeBiasLens(
        { prompt: 'the State of the Uni' },
        {
          tokenizer: sotu,
          startTokenId: info.bosTokenId ?? info.eosTokenId ?? 0,
          nextLogits: async (ids) => (await engine.step({ ids })).logits,
        },
      );
      // Measured: exact t 0.76 (" United"), o 0.24 (" Union"); naive (after "i"): t + o ≈ 0.08; healed (after " Un"): v 0.68.
      const mass = (rows: { label: string; probability: number }[]) =>
        rows.filter((b) => b.label === 't' || b.label === 'o').reduce((sum, b) => sum + b.probability, 0);
      expect(result.tokens.map((t) => t.text)).toEqual(['the', ' State', ' of', ' the', ' Un', 'i']);
      expect(mass(result.exact.bytes)).toBeGreaterThan(0.99);
      expect(mass(result.naive.bytes)).toBeLessThan(0.3);
      expect(mass(result.healed!.bytes)).toBeLessThan(0.3);
      expect(
        result.exact.characters
          .map((c) => c.character)
          .slice(0, 2)
          .sort(),
      ).toEqual(['o', 't']);
      expect(result.exact.forwardPasses).toBeGreaterThan(1);
    } finally {
      await engine.unload();
    }
  });
});
