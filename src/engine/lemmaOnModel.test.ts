/**
 * The lemma on an asynchronous model (rounds), on sotu-gpt's real tokenizer (8,192 tokens) and
 * a stand-in model whose logits are a fixed function of the prefix: the rounds give the
 * synchronous lemma's answer, pruning's bound really bounds the error, and the labels say
 * "exact" only when nothing was left unchecked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/lib/files';
import { logSoftmax } from '../core/distribution/softmax';
import { stableBoundary } from '../core/tokenizers/biasLens';
import { exactNextByteDistribution } from '../core/tokenizers/byteLemma';
import { ByteSpanTokenizer } from './byteSpanTokenizer';
import { errorBoundOf, exactHeading, exactnessLabel, exactNextBytesOnModel } from '../core/tokenizers/lemmaOnModel';

const dir = join(repoRoot, 'public/models/sotu-gpt');
/** A tokenizer object of its own: validity answers are kept per tokenizer object. */
const freshTokenizer = () =>
  ByteSpanTokenizer.fromText(
    readFileSync(join(dir, 'tokenizer.json'), 'utf8'),
    readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'),
  );
const tokenizer = freshTokenizer();
const V = tokenizer.vocabularyBytes().length;
const START = V - 1;

/** Peaked, prefix-dependent logits: a hash order of the vocabulary with p ∝ rank^-1.1. */
function standIn(ids: readonly number[]): Float32Array {
  let h = 2166136261;
  for (const t of ids) h = Math.imul(h ^ (t + 1), 16777619) >>> 0;
  return Float32Array.from({ length: V }, (_, t) => -1.1 * Math.log(1 + ((((t * 2654435761) >>> 0) + h) % V)));
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('exactNextBytesOnModel', () => {
  it("gives the synchronous lemma's distribution, exact, after ASCII, non-ASCII and mid-character prompts", async () => {
    const vocabulary = tokenizer.vocabularyBytes();
    const byteTokenizer = { vocabulary, encode: (b: Uint8Array) => tokenizer.encodeBytes(b) };
    for (const x of [
      utf8('the State of the Uni'),
      utf8('our Nation\u2019s caf'),
      utf8('Japan (日本').subarray(0, 12),
    ]) {
      let progress = 0;
      const result = await exactNextBytesOnModel(x, tokenizer, {
        startTokenId: START,
        nextLogits: async (ids) => standIn(ids),
        onProgress: (p) => (progress = p.forwardPasses),
      });
      const direct = exactNextByteDistribution(x, byteTokenizer, (prefix) => logSoftmax(standIn([START, ...prefix])), {
        boundary: stableBoundary(x, byteTokenizer),
      });
      for (let b = 0; b < 256; b++)
        expect(Math.abs(result.probabilities[b] - direct.probabilities[b])).toBeLessThan(1e-12);
      expect(result.errorBound).toBe(0);
      expect(result.characterErrorBound).toBe(0);
      // After a context that is text, every token is checked (after one inside a character,
      // only those that complete it: sotu-gpt has none for 本).
      if (x.at(-1)! < 0x80) expect(result.validityChecks).toBeGreaterThan(V / 2);
      expect(progress).toBe(result.forwardPasses);
    }
  });

  it('prunes only what it reports: every probability within the bound of the exact one', async () => {
    const x = utf8('the State of the Uni');
    const exact = await exactNextBytesOnModel(x, freshTokenizer(), {
      startTokenId: START,
      nextLogits: async (ids) => standIn(ids),
    });
    for (const pruneBelow of [1e-5, 3e-5, 1e-4]) {
      const pruned = await exactNextBytesOnModel(x, freshTokenizer(), {
        startTokenId: START,
        nextLogits: async (ids) => standIn(ids),
        pruneBelow,
      });
      expect(pruned.errorBound).toBeGreaterThan(0);
      expect(pruned.validityChecks).toBeLessThan(exact.validityChecks);
      expect(exactnessLabel(pruned.errorBound)).not.toBe('exact');
      let worst = 0;
      for (let b = 0; b < 256; b++) worst = Math.max(worst, Math.abs(pruned.probabilities[b] - exact.probabilities[b]));
      expect(worst).toBeLessThanOrEqual(pruned.errorBound);
    }
  });

  it('reuses validity answers on the same tokenizer: the same tail costs no checks the second time', async () => {
    const own = freshTokenizer();
    const first = await exactNextBytesOnModel(utf8('Members of Cong'), own, {
      startTokenId: START,
      nextLogits: async (ids) => standIn(ids),
    });
    const again = await exactNextBytesOnModel(utf8('Senators of Cong'), own, {
      startTokenId: START,
      nextLogits: async (ids) => standIn(ids),
    });
    expect(first.validityChecks).toBeGreaterThan(V / 2);
    expect(again.validityChecks).toBeLessThan(first.validityChecks / 10);
  });

  it('stops when aborted and when the prompt needs too many forward passes', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      exactNextBytesOnModel(utf8('the Uni'), tokenizer, {
        startTokenId: START,
        nextLogits: async (ids) => standIn(ids),
        signal: controller.signal,
      }),
    ).rejects.toThrow(/abort/i);
    await expect(
      exactNextBytesOnModel(utf8('the State of the Uni'), tokenizer, {
        startTokenId: START,
        nextLogits: async (ids) => standIn(ids),
        maxForwardPasses: 2,
      }),
    ).rejects.toThrow(/more than 2 forward passes/);
  });
});

describe('exactnessLabel', () => {
  it('says "exact" only with nothing unchecked', () => {
    expect(exactnessLabel(0)).toBe('exact');
    expect(exactnessLabel(3.14e-5)).toBe('exact within 3.1e-5');
    expect(exactnessLabel(2e-7)).toBe('exact within 2e-7');
    expect(exactnessLabel(0.7)).toBe('not exact: too much left unchecked');
  });

  it('heads the lab\'s columns: "Exact" only for a result with no bound or a bound of 0', () => {
    expect(exactHeading('next byte', errorBoundOf({ bytes: [] }))).toBe('Exact next byte');
    expect(exactHeading('next byte', errorBoundOf({ errorBound: 0 }))).toBe('Exact next byte');
    expect(exactHeading('next byte', errorBoundOf({ errorBound: 3e-5 }))).toBe('Next byte, exact within 3e-5');
  });
});
