/**
 * Two models on one text, on the real embedded sotu-gpt (BPE 8,192) and sotu-bytes (bytes):
 * the second model in a second Engine beside the first, bits aligned on bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { logSoftmax } from '../core/distribution/softmax';
import { Engine } from './engine';
import { LIMITS } from '../core/limits';
import { compareModelsOnText, nextBytesOnBoth, SecondModel, tokenizerOf, type ModelHandle } from './modelComparison';

const TEXT = 'Fellow-Citizens of the Senate and House of Representatives: the state of the Union is sound.';
const runtime = createNodeRuntime();
const main = new Engine(runtime);
const second = new SecondModel(new Engine(runtime));
let a: ModelHandle;
let b: ModelHandle;

beforeAll(async () => {
  const info = await main.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
  a = { engine: main, tokenizer: tokenizerOf(main) };
  b = await second.ensure({ kind: 'embedded', id: 'sotu-bytes' }, info);
}, 180_000);
afterAll(async () => {
  await main.unload();
  await b.engine.unload();
});

describe('two models on one text', () => {
  it('keeps both models loaded, the second in its own engine, and does not reload it for the same source', async () => {
    expect(main.modelInfo?.label).toBe('sotu-gpt');
    expect(b.engine.modelInfo?.label).toBe('sotu-bytes');
    const loadedAt = b.engine.modelInfo;
    expect(await second.ensure({ kind: 'embedded', id: 'sotu-bytes' }, main.modelInfo!)).toMatchObject({
      engine: b.engine,
    });
    expect(b.engine.modelInfo).toBe(loadedAt);
  });

  it("gives each word bits that add up to each model's total, the byte model's equal to its own per-byte surprisal", async () => {
    const result = await compareModelsOnText({ text: TEXT }, a, b);
    const bytes = new TextEncoder().encode(TEXT);
    expect(result.bytes).toBe(bytes.length);
    expect(result.b.tokens).toBe(bytes.length);
    expect(result.a.tokens).toBeLessThan(bytes.length / 2);
    expect(result.words.map((w) => w.text).join(' ')).toBe(TEXT);
    expect(result.words.reduce((s, w) => s + w.bitsA, 0)).toBeCloseTo(result.a.bits, 8);
    expect(result.words.reduce((s, w) => s + w.bitsB, 0)).toBeCloseTo(result.b.bits, 8);
    expect(result.a.bitsPerByte).toBeCloseTo(result.a.bits / bytes.length, 12);

    // Independently: one forward pass of the byte model, −log2 p of each byte, summed over a word's bytes.
    const ids = b.engine.tokenize({ text: TEXT }).ids;
    const start = b.engine.modelInfo!.bosTokenId ?? b.engine.modelInfo!.eosTokenId ?? 0;
    const { logits } = await b.engine.forward({ ids: [start, ...ids] });
    const vocab = b.engine.modelInfo!.vocabSize;
    const bitsOfByte = ids.map((id, k) => -logSoftmax(logits.subarray(k * vocab, (k + 1) * vocab))[id] / Math.LN2);
    const word = result.words[3]; // " Senate", with its leading space
    expect(new TextDecoder().decode(bytes.subarray(word.start, word.end))).toBe(' Senate');
    expect(word.bitsB).toBeCloseTo(
      bitsOfByte.slice(word.start, word.end).reduce((s, x) => s + x, 0),
      3,
    );

    const diffs = result.largest.map((w) => Math.abs(w.differenceBitsPerByte));
    expect(diffs).toEqual([...diffs].sort((x, y) => y - x));
    expect(diffs[0]).toBe(Math.max(...result.words.map((w) => Math.abs(w.differenceBitsPerByte))));
  }, 60_000);

  it('shares one load between requests: cancelling the first does not fail the second', async () => {
    const other = new SecondModel(new Engine(runtime));
    const controller = new AbortController();
    const first = other.ensure({ kind: 'embedded', id: 'sotu-bytes' }, main.modelInfo!, { signal: controller.signal });
    const second = other.ensure({ kind: 'embedded', id: 'sotu-bytes' }, main.modelInfo!);
    controller.abort();
    await expect(first).rejects.toThrow(/cancel/i);
    const handle = await second;
    expect(handle.engine.modelInfo?.label).toBe('sotu-bytes');
    await handle.engine.unload();
  }, 180_000);

  it('refuses an empty text and one over the limit', async () => {
    await expect(compareModelsOnText({ text: '' }, a, b)).rejects.toThrow(/Type a text/);
    await expect(compareModelsOnText({ text: 'a'.repeat(LIMITS.twoModels.maxBytes + 1) }, a, b)).rejects.toThrow(
      /20,001 bytes\); the two-model comparison takes up to 20.0 kB/,
    );
  });

  it('gives the exact next byte on each model, saying which one has byte tokens', async () => {
    const result = await nextBytesOnBoth('the State of the Uni', [a, b]);
    expect(result.models.map((m) => [m.label, m.tokensAreBytes])).toEqual([
      ['sotu-gpt', false],
      ['sotu-bytes', true],
    ]);
    for (const model of result.models) {
      expect(model.bytes.length).toBeGreaterThan(0);
      expect(model.bytes.reduce((s, x) => s + x.probability, 0)).toBeLessThanOrEqual(1 + 1e-9);
      expect(model.forwardPasses).toBeGreaterThan(0);
    }
  }, 60_000);
});
