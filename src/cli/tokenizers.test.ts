import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteSpanTokenizer } from '../engine/byteSpanTokenizer';
import { exactNextBytesOnModel } from '../core/tokenizers/lemmaOnModel';
import { tokenizationMetrics } from '../core/tokenizers/metrics';
import { logSoftmax } from '../core/distribution/softmax';
import { Engine } from '../engine/engine';
import { TokenizerLab } from '../engine/tokenizerLab';
import { type LabRowOk } from '../protocol/tokenizerLab';
import { parseArgs, UsageError } from './args';
import { runCli, runTokenizerCli } from './main';
import { createNodeRuntime } from '../engine/nodeRuntime';
import { diskTokenizerFiles, parseTokenizerArgs, TOKENIZERS_DIR } from './tokenizers';

const TEXT = 'Tokenizers cut 12345 apples 😀 in 2024, naïve café — 日本語のテキスト!';
const dir = mkdtempSync(join(tmpdir(), 'tokenscope-cli-tok-'));
const file = join(dir, 'text.txt');
writeFileSync(file, TEXT);

const shipped = (id: string) =>
  ByteSpanTokenizer.fromText(
    readFileSync(join(TOKENIZERS_DIR, id, 'tokenizer.json'), 'utf8'),
    readFileSync(join(TOKENIZERS_DIR, id, 'tokenizer_config.json'), 'utf8'),
  );

type TokenizeOut = { tokenCount: number; ids: number[]; tokens: { start: number; end: number }[] };

describe('tokenizer-lab commands: arguments', () => {
  it('parses each command and refuses options of the other', () => {
    expect(parseTokenizerArgs(['compare-tokenizers', file, '--tokenizers', 'gpt2, llama-2'])).toMatchObject({
      tokenizers: ['gpt2', 'llama-2'],
      input: file,
    });
    expect(parseTokenizerArgs(['next-bytes', '-', '--top', '3', '--model', 'sotu-bytes'])).toMatchObject({
      top: 3,
      model: 'sotu-bytes',
      input: '-',
    });
    expect(() => parseTokenizerArgs(['next-bytes', file, '--tokenizers', 'gpt2'])).toThrow(
      /only for compare-tokenizers/,
    );
    expect(() => parseTokenizerArgs(['compare-tokenizers', file, '--top', '3'])).toThrow(/only for next-bytes/);
    expect(() => parseTokenizerArgs(['next-bytes', file, '--top', '0'])).toThrow(/from 1 to 256/);
    expect(() => parseTokenizerArgs(['compare-tokenizers'])).toThrow(/needs a text file/);
  });

  it('takes --tokenizer only for tokenize, and without a model', () => {
    expect(parseArgs(['tokenize', file, '--tokenizer', 'gpt2']).tokenizer).toBe('gpt2');
    expect(() => parseArgs(['score', file, '--tokenizer', 'gpt2'])).toThrow(/only for tokenize/);
    expect(() => parseArgs(['tokenize', file, '--tokenizer', 'gpt2', '--model', 'sotu-gpt'])).toThrow(
      /without a model/,
    );
  });
});

describe('tokenize --tokenizer', () => {
  it("gives the lab's ids and byte offsets for a shipped tokenizer", async () => {
    const out = (await runCli(parseArgs(['tokenize', file, '--tokenizer', 'llama-3']))) as TokenizeOut;
    const lab = new TokenizerLab(diskTokenizerFiles(), () => null);
    const [row] = (await lab.tokenize({ tokenizerIds: ['llama-3'], text: TEXT })).rows as LabRowOk[];
    expect(out.ids).toEqual(row.tokens.map((t) => t.id));
    expect(out.tokens.map((t) => [t.start, t.end])).toEqual(row.tokens.map((t) => [t.start, t.end]));
    expect(out.tokenCount).toBe(row.tokenCount);
  });

  it("gives an embedded model's ids, the same the model's own tokenize gives, with no model loaded", async () => {
    const viaLab = (await runCli(parseArgs(['tokenize', file, '--tokenizer', 'sotu-gpt']))) as TokenizeOut;
    const viaModel = (await runCli(parseArgs(['tokenize', file, '--model', 'sotu-gpt']))) as TokenizeOut;
    expect(viaLab.ids).toEqual(viaModel.ids);
    expect('model' in (viaLab as object)).toBe(false);
  });

  it('reads a tokenizer.json path, and refuses a truncated one with the reason', async () => {
    const path = join(TOKENIZERS_DIR, 'gpt2', 'tokenizer.json');
    const out = (await runCli(parseArgs(['tokenize', file, '--tokenizer', path]))) as TokenizeOut;
    expect(out.ids).toEqual(shipped('gpt2').encode(TEXT));
    const broken = join(dir, 'tokenizer.json');
    writeFileSync(broken, readFileSync(path, 'utf8').slice(0, 5000));
    await expect(runCli(parseArgs(['tokenize', file, '--tokenizer', broken]))).rejects.toThrow(
      /tokenizer\.json cannot be used .*not valid JSON/,
    );
    await expect(runCli(parseArgs(['tokenize', file, '--tokenizer', 'no-such-tokenizer']))).rejects.toThrow(UsageError);
  });
});

describe('compare-tokenizers', () => {
  it("gives the core metrics of each tokenizer's tokenization", async () => {
    const out = (await runTokenizerCli(
      parseTokenizerArgs(['compare-tokenizers', file, '--tokenizers', 'gpt2,llama-2,qwen3']),
    )) as {
      text: { bytes: number; words: number };
      tokenizers: {
        name: string;
        status: string;
        tokens: number;
        charactersPerToken: number;
        bytesPerToken: number;
        fertility: number;
        splitWordShare: number;
        numbers: { pieces: number; runs: { pieces: number[] }[] };
      }[];
      failedTokenizers: number;
    };
    expect(out.failedTokenizers).toBe(0);
    expect(out.tokenizers.map((t) => t.name)).toEqual(['gpt2', 'llama-2', 'qwen3']);
    for (const row of out.tokenizers) {
      const expected = tokenizationMetrics(TEXT, shipped(row.name).tokenize(TEXT).tokens);
      expect(row).toMatchObject({
        status: 'ok',
        tokens: expected.tokens,
        charactersPerToken: expected.charactersPerToken,
        bytesPerToken: expected.bytesPerToken,
        fertility: expected.fertility,
        splitWordShare: expected.splitWordShare,
      });
      expect(row.numbers.runs.map((r) => r.pieces)).toEqual(expected.numbers.runs.map((r) => r.pieces));
    }
    expect(out.text.bytes).toBe(new TextEncoder().encode(TEXT).length);
    // Digit cuts differ: GPT-2 takes up to three digits per token, Llama 2 one.
    expect(out.tokenizers[0].numbers.runs[0].pieces).toEqual([3, 2]);
    expect(out.tokenizers[1].numbers.runs[0].pieces).toEqual([1, 1, 1, 1, 1]);
  });

  it('lists every shipped tokenizer by default', async () => {
    const out = (await runTokenizerCli(parseTokenizerArgs(['compare-tokenizers', file]))) as {
      tokenizers: { name: string }[];
    };
    const index = JSON.parse(readFileSync(join(TOKENIZERS_DIR, 'index.json'), 'utf8')) as {
      tokenizers: { id: string }[];
    };
    expect(out.tokenizers.map((t) => t.name)).toEqual(index.tokenizers.map((t) => t.id));
  }, 60_000);
});

describe('next-bytes', () => {
  it('gives a next-byte distribution that sums to 1, with the forward passes it took', async () => {
    const prompt = join(dir, 'prompt.txt');
    writeFileSync(prompt, 'the State of the Uni');
    const out = (await runTokenizerCli(parseTokenizerArgs(['next-bytes', prompt]))) as {
      nextBytes: { byte: number; probability: number }[];
      nextBytesWithProbability: number;
      forwardPasses: number;
      boundary: number;
      promptTokens: string[];
    };
    expect(out.nextBytes).toHaveLength(out.nextBytesWithProbability);
    expect(out.nextBytes.reduce((sum, b) => sum + b.probability, 0)).toBeCloseTo(1, 10);
    expect(out.boundary).toBe('the State of the'.length);
    // One pass per token prefix of " Uni"'s splits at least; never the whole vocabulary.
    expect(out.forwardPasses).toBeGreaterThan(1);
    expect(out.forwardPasses).toBeLessThan(40);
    expect(out.promptTokens.join('')).toBe('the State of the Uni');
  });

  it('says the distribution is exact, or how far off pruning may leave it', async () => {
    const prompt = join(dir, 'prompt-prune.txt');
    writeFileSync(prompt, 'the State of the Uni');
    const exact = (await runTokenizerCli(parseTokenizerArgs(['next-bytes', prompt, '--top', '3']))) as {
      exactness: string;
      errorBound: number;
      validityChecks: number;
    };
    expect(exact).toMatchObject({ exactness: 'exact', errorBound: 0 });
    // sotu-gpt's 8,192 tokens after the context, at least.
    expect(exact.validityChecks).toBeGreaterThan(8000);
    const pruned = (await runTokenizerCli(
      parseTokenizerArgs(['next-bytes', prompt, '--top', '3', '--prune-below', '1e-4']),
    )) as {
      exactness: string;
      errorBound: number;
      uncheckedProbability: number;
      validityChecks: number;
      nextBytes: { probability: number }[];
    };
    expect(pruned.errorBound).toBeGreaterThan(0);
    expect(pruned.exactness).toMatch(/^exact within \d(\.\d)?e-\d+$/);
    expect(pruned.uncheckedProbability).toBeGreaterThan(0);
    expect(pruned.validityChecks).toBeLessThan(exact.validityChecks);
    expect(() => parseTokenizerArgs(['next-bytes', prompt, '--prune-below', '2'])).toThrow(
      /--prune-below must be a probability/,
    );
  });

  it('on the byte model equals its own next-token distribution over the 256 bytes (tokens are bytes)', async () => {
    const text = 'the State of the Uni';
    const prompt = join(dir, 'prompt-bytes.txt');
    writeFileSync(prompt, text);
    const out = (await runTokenizerCli(
      parseTokenizerArgs(['next-bytes', prompt, '--model', 'sotu-bytes', '--top', '3']),
    )) as {
      nextBytes: { label: string; probability: number }[];
      promptTokens: string[];
    };
    expect(out.promptTokens).toHaveLength(new TextEncoder().encode(text).length);
    const engine = new Engine(createNodeRuntime());
    const info = await engine.load({ source: { kind: 'embedded', id: 'sotu-bytes' }, backend: 'wasm', dtype: 'auto' });
    const ids = engine.tokenize({ text }).ids;
    const logProbs = logSoftmax((await engine.step({ ids: [info.bosTokenId ?? info.eosTokenId ?? 0, ...ids] })).logits);
    const views = engine.tokenViews(Array.from(logProbs.keys()));
    await engine.unload();
    // Its own distribution without the end-of-text token, renormalised over the bytes.
    const own = views
      .map((v, id) => ({ text: v.text, special: v.special, p: Math.exp(logProbs[id]) }))
      .filter((t) => !t.special);
    const byteMass = own.reduce((sum, t) => sum + t.p, 0);
    own.sort((a, b) => b.p - a.p);
    expect(out.nextBytes.map((b) => b.label)).toEqual(own.slice(0, 3).map((t) => t.text));
    out.nextBytes.forEach((b, i) => expect(b.probability).toBeCloseTo(own[i].p / byteMass, 4)); // float32 logits, cached vs fresh pass
  });

  /*
   * sotu-bytes' tokens are bytes, so the lemma must give back its own next-token distribution:
   * all 257 entries (256 bytes and end-of-text, as P(byte | prompt) times the continuation
   * probability, and 1 minus it) within 1e-6, after ASCII, non-ASCII and (through the core
   * computation the CLI runs) mid-character prompts, where this small model mostly puts bytes
   * that UTF-8 rules out (it saw few non-ASCII characters): the lemma keeps what the tokenizer
   * cannot judge.
   */
  describe('the byte model: the lemma is its own distribution', () => {
    const PROMPTS = [
      'And so tonight, we',
      'the State of the Uni',
      'our Nation\u2019',
      'Señor Presidente, la naci',
      'Japan (日本',
      'the café ',
    ];
    let tokenizer: ByteSpanTokenizer;
    let engine: Engine;
    let start: number;

    beforeAll(async () => {
      engine = new Engine(createNodeRuntime());
      const info = await engine.load({
        source: { kind: 'embedded', id: 'sotu-bytes' },
        backend: 'wasm',
        dtype: 'auto',
      });
      start = info.bosTokenId ?? info.eosTokenId ?? 0;
      tokenizer = new TokenizerLab(diskTokenizerFiles(), () => engine.modelTokenizerFiles()).modelTokenizer();
    });
    afterAll(() => engine.unload());

    /** The model's own 257 probabilities after the bytes (one fresh pass). */
    const ownAfter = async (bytes: Uint8Array) => {
      const idOf = new Map(tokenizer.vocabularyBytes().map((b, id) => [b.length === 1 ? b[0] : -1, id]));
      const logits = (await engine.step({ ids: [start, ...Array.from(bytes, (b) => idOf.get(b)!)] })).logits;
      return logSoftmax(logits).map(Math.exp);
    };

    const compare = (probabilities: ArrayLike<number>, continuation: number, model: Float64Array, label: string) => {
      const views = engine.tokenViews(Array.from(model.keys()));
      let worst = 0;
      views.forEach((v, id) => {
        const byte = tokenizer.vocabularyBytes()[id];
        const mine = v.special ? 1 - continuation : probabilities[byte[0]] * continuation;
        worst = Math.max(worst, Math.abs(mine - model[id]));
      });
      expect(views).toHaveLength(257);
      expect(worst, label).toBeLessThan(1e-6);
      return worst;
    };

    it.each(PROMPTS)('after %j (the CLI)', async (text) => {
      const prompt = join(dir, 'prompt-identity.txt');
      writeFileSync(prompt, text);
      const out = (await runTokenizerCli(parseTokenizerArgs(['next-bytes', prompt, '--model', 'sotu-bytes']))) as {
        nextBytes: { byte: number; probability: number }[];
        continuationProbability: number;
        exactness: string;
      };
      expect(out.exactness).toBe('exact');
      const probabilities = new Float64Array(256);
      for (const b of out.nextBytes) probabilities[b.byte] = b.probability;
      const model = await ownAfter(new TextEncoder().encode(text));
      compare(probabilities, out.continuationProbability, model, text);
    });

    it.each([
      ['inside ’ (its lead byte)', 'our Nation\u2019', 2],
      ['inside ’ (two of three bytes)', 'our Nation\u2019', 1],
      ['inside ñ', 'Señ', 1],
      ['inside 本', 'Japan (日本', 2],
    ])('after a prompt %s (the core computation)', async (_, text, cut) => {
      const whole = new TextEncoder().encode(text);
      const bytes = whole.subarray(0, whole.length - cut);
      const result = await exactNextBytesOnModel(bytes, tokenizer, {
        startTokenId: start,
        nextLogits: async (ids) => (await engine.step({ ids })).logits,
      });
      expect(result.errorBound).toBe(0);
      compare(
        result.probabilities,
        result.continuationProbability,
        await ownAfter(bytes),
        `${text} minus ${cut} bytes`,
      );
    });
  });
});

describe('language-bias', () => {
  interface Out {
    rows: {
      language: string;
      text: string;
      nextByteTvd: number;
      characterTvdAtLeast: number;
      errorBound: number;
      naiveTop: { character: string } | null;
      exactTop: { character: string } | null;
    }[];
    summary: { language: string; prompts: number; meanNextByteTvd: number }[];
  }

  it('parses its options and takes no text file', () => {
    expect(parseTokenizerArgs(['language-bias', '--languages', 'en,zh', '--per-language', '2'])).toMatchObject({
      command: 'language-bias',
      languages: ['en', 'zh'],
      perLanguage: 2,
      input: '',
    });
    expect(() => parseTokenizerArgs(['language-bias', file])).toThrow(/takes no text file/);
    expect(() => parseTokenizerArgs(['next-bytes', file, '--languages', 'en'])).toThrow(/only for language-bias/);
    expect(() => parseTokenizerArgs(['language-bias', '--per-language', '9'])).toThrow(/from 1 to 6/);
  });

  it('on the byte model the naive next byte is the exact one: every next-byte distance is 0 (within float error)', async () => {
    const out = (await runTokenizerCli(
      parseTokenizerArgs([
        'language-bias',
        '--model',
        'sotu-bytes',
        '--languages',
        'en,zh,hi,ar',
        '--per-language',
        '2',
      ]),
    )) as Out;
    expect(out.rows).toHaveLength(8);
    for (const row of out.rows) {
      expect(row.errorBound).toBe(0);
      expect(row.nextByteTvd, row.text).toBeLessThan(1e-6);
    }
    // In the parity set's order of languages.
    expect(out.summary.map((s) => s.language)).toEqual(['en', 'ar', 'hi', 'zh']);
  });

  it('on the BPE model the naive and exact next characters part after a cut word', async () => {
    const out = (await runTokenizerCli(
      parseTokenizerArgs(['language-bias', '--languages', 'en,de', '--per-language', '2']),
    )) as Out;
    expect(out.rows).toHaveLength(4);
    for (const row of out.rows) {
      expect(row.characterTvdAtLeast).toBeGreaterThanOrEqual(0);
      expect(row.characterTvdAtLeast).toBeLessThanOrEqual(1);
      expect(row.exactTop).not.toBeNull();
    }
    // A word cut inside a merged token: the naive prediction is not the exact one somewhere.
    expect(Math.max(...out.rows.map((r) => r.nextByteTvd))).toBeGreaterThan(0.05);
    await expect(runTokenizerCli(parseTokenizerArgs(['language-bias', '--languages', 'xx']))).rejects.toThrow(
      /Unknown language code xx/,
    );
  });
});
