import { describe, expect, it } from 'vitest';
import {
  decodeMerges,
  digestBpeTokenizerJson,
  digestVocabularySize,
  encodeMerges,
  MergeRanks,
  mergeKeyParts,
  parseBpeDigest,
  TokenIds,
  type BpeDigest,
} from './bpeDigest';
import { describeTokenizerJson, type TokenizerJson } from './tokenizerJson';

/** A seeded generator, so every run tests the same cases. */
function random(seed: number): () => number {
  let h = seed;
  return () => (h = (Math.imul(h ^ (h >>> 15), 2246822519) + 1) >>> 0) / 2 ** 32;
}

const bpe = (vocab: Record<string, number>, merges: unknown[], added: TokenizerJson['added_tokens'] = []) =>
  ({ model: { type: 'BPE', vocab, merges }, added_tokens: added }) as TokenizerJson;

const digestOf = (json: TokenizerJson): BpeDigest => {
  const digest = digestBpeTokenizerJson(json);
  if ('reason' in digest) throw new Error(digest.reason);
  return digest;
};

describe('encodeMerges / decodeMerges', () => {
  it('give back every number, and -1 for a merge that never matches, at each width', () => {
    const next = random(1);
    for (const digits of [1, 2, 3, 4]) {
      const numbers = Array.from({ length: 2000 }, () => (next() < 0.05 ? -1 : Math.floor(next() * 64 ** digits)));
      numbers.push(0, 64 ** digits - 1);
      const text = encodeMerges(numbers, digits);
      expect(text).toHaveLength(numbers.length * digits);
      expect([...decodeMerges(text, digits)]).toEqual(numbers);
    }
  });

  it('refuses a character that is not a digit', () => {
    expect(() => decodeMerges('AB!A', 2)).toThrow(/"!", not a digit/);
    expect(() => decodeMerges('A=', 2)).toThrow(/"=", not a digit/);
    expect(() => decodeMerges('ABéA', 2)).toThrow(/not a digit/);
  });
});

describe('MergeRanks', () => {
  it('answers as a Map from "a b" to the last rank listing the pair, for pairs listed and not', () => {
    const next = random(2);
    const merges: number[] = [];
    const oracle = new Map<string, number>();
    for (let rank = 0; rank < 5000; rank++) {
      // Few symbols, so pairs repeat; some merges never match.
      const a = next() < 0.02 ? -1 : Math.floor(next() * 90);
      const b = a < 0 ? -1 : Math.floor(next() * 90);
      merges.push(a, b);
      if (a >= 0) oracle.set(`${a} ${b}`, rank);
    }
    const ranks = new MergeRanks(merges);
    for (let a = 0; a < 100; a++)
      for (let b = 0; b < 100; b++) {
        const got = ranks.rank(a, b);
        if (got !== oracle.get(`${a} ${b}`)) expect({ a, b, got }).toEqual({ a, b, got: oracle.get(`${a} ${b}`) });
      }
    expect(new MergeRanks([]).rank(0, 0)).toBeUndefined();
  });
});

describe('TokenIds', () => {
  it('answers get, has and size as a Map does, through growth, updates and keys it never held', () => {
    const next = random(4);
    const alphabet = ['a', 'b', 'Ġ', '▁', '😀', '\u0000', '"', ' ', 'é', 'ב'];
    const word = () =>
      Array.from({ length: Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const ids = new TokenIds(10);
    const oracle = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const key = word();
      ids.set(key, i);
      oracle.set(key, i);
    }
    expect(ids.size).toBe(oracle.size);
    for (const [key, value] of oracle)
      if (ids.get(key) !== value) expect({ key, got: ids.get(key) }).toEqual({ key, got: value });
    for (let i = 0; i < 5000; i++) {
      const key = word() + word();
      expect(ids.has(key)).toBe(oracle.has(key));
      expect(ids.get(key)).toBe(oracle.get(key));
    }
    for (const key of [undefined, null, 3, {}, 'constructor', '__proto__']) expect(ids.get(key)).toBeUndefined();
  });
});

describe('mergeKeyParts', () => {
  it('gives back both strings of every key JSON.stringify([a, b]) writes, quotes, backslashes and \'","\' included', () => {
    const next = random(3);
    const alphabet = ['a', 'é', '"', '\\', ',', '","', '\u0000', '\n', '\ud800', '😀', ' ', '[', ']', 'Ġ', '▁'];
    const word = () =>
      Array.from({ length: Math.floor(next() * 5) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const pair: [string, string] = [word(), word()];
      expect(mergeKeyParts(JSON.stringify(pair))).toEqual(pair);
    }
  });

  it('is null for keys that are not two strings', () => {
    for (const key of ['["a"]', '[]', 'ab', '["a",1]', '["a\\"","b","c"]', '{"a":"b"}', '["a\\u0"]'])
      expect(mergeKeyParts(key), key).toBeNull();
  });
});

describe('digestBpeTokenizerJson', () => {
  it('keeps the vocabulary by id with holes, numbers merge parts outside it after it, and marks merges that cannot match', () => {
    const digest = digestOf(bpe({ a: 0, b: 1, ab: 3 }, ['a b', 'ab x', 'nospace', 'a b c', 'b a', 'x y']));
    expect(digest.vocab).toEqual(['a', 'b', null, 'ab']);
    expect(digest.extraSymbols).toEqual(['x', 'y']);
    expect(digest.tokenizer.model).toEqual({ type: 'BPE', vocab: {}, merges: [] });
    expect([...decodeMerges(digest.merges, digest.mergeDigits)]).toEqual([0, 1, 3, 4, -1, -1, 0, 1, 1, 0, 4, 5]);
    // Merges as pairs: anything but two strings never matches.
    const pairs = digestOf(bpe({ a: 0, b: 1 }, [['a', 'b'], ['a'], ['a', 'b', 'a'], ['b', 1], ['b', 'a']]));
    expect([...decodeMerges(pairs.merges, pairs.mergeDigits)]).toEqual([0, 1, -1, -1, -1, -1, -1, -1, 1, 0]);
  });

  it('writes each number in as few digits as the symbols need', () => {
    const vocab = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, i]));
    expect(digestOf(bpe(vocab(64), ['t0 t63'])).mergeDigits).toBe(1);
    expect(digestOf(bpe(vocab(65), ['t0 t64'])).mergeDigits).toBe(2);
    expect(digestOf(bpe(vocab(64), ['t0 extra'])).mergeDigits).toBe(2);
  });

  it('counts the vocabulary as describeTokenizerJson does', () => {
    const json = bpe(
      { a: 0, b: 1, c: 5 },
      ['a b'],
      [
        { id: 1, content: 'b', special: false },
        { id: 7, content: '<s>', special: true },
        { id: 7, content: '<s>', special: true },
        { id: 2, content: 'a', special: false },
      ],
    );
    expect(digestVocabularySize(digestOf(json))).toBe(describeTokenizerJson(json).vocabularySize);
    expect(digestVocabularySize(digestOf(json))).toBe(5);
  });

  it('gives the reason when there can be no digest', () => {
    expect(digestBpeTokenizerJson({ model: { type: 'Unigram', vocab: [['a', 0]] } } as TokenizerJson)).toEqual({
      reason: 'the model is Unigram, not BPE',
    });
    expect(digestBpeTokenizerJson(bpe({ a: 0, b: 0 }, []))).toEqual({ reason: 'two tokens have the id 0' });
    expect(digestBpeTokenizerJson(bpe({ a: -1 }, []))).toEqual({ reason: 'the token "a" has the id -1' });
    expect(digestBpeTokenizerJson(bpe({ a: 0.5 }, []))).toEqual({ reason: 'the token "a" has the id 0.5' });
    // transformers.js cannot build this one either (it splits every merge as a string).
    expect(digestBpeTokenizerJson(bpe({ a: 0 }, ['a a', ['a', 'a']]))).toEqual({
      reason: 'the merge ["a","a"] is not a string',
    });
  });
});

describe('parseBpeDigest', () => {
  const text = JSON.stringify(digestOf(bpe({ a: 0, b: 1 }, ['a b'])));

  it('reads a digest back', () => {
    expect(parseBpeDigest(text)).toEqual(JSON.parse(text));
  });

  it('says what is wrong with a file that is not a usable digest', () => {
    expect(() => parseBpeDigest(text.slice(0, 40))).toThrow(/tokenizer.digest.json is cut off/);
    expect(() => parseBpeDigest('<!DOCTYPE html><html>')).toThrow(/an HTML page/);
    expect(() => parseBpeDigest('{"model":{}}')).toThrow(/not a version 1 tokenizer digest; run npm run tokenizers/);
    expect(() => parseBpeDigest(text.replace('"version":1', '"version":2'))).toThrow(/not a version 1/);
    const broken = JSON.parse(text);
    broken.merges += 'A';
    expect(() => parseBpeDigest(JSON.stringify(broken))).toThrow(/incomplete/);
    expect(() => parseBpeDigest(JSON.stringify({ ...JSON.parse(text), vocab: undefined }))).toThrow(/incomplete/);
  });
});
