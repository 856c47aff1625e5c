/**
 * Model positions → infini-gram API queries on bytes, with a small greedy tokenizer whose cuts
 * are easy to see, and with the SentencePiece tokenizer shipped as public/tokenizers/llama-2.
 * (Meta's vocabulary, the one the API's indexes use: src/engine/tokenizerLabReference.test.ts
 * proves it); the alignment itself does not depend on which vocabulary it is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/lib/files';
import { ByteSpanTokenizer } from './byteSpanTokenizer';
import { apiContextQuery, apiTokenRows } from '../core/ngram/apiAlignment';

/** Longest match first over a tiny vocabulary; any other character is one token per code point (id 1000 + code point). */
const VOCAB = ['Hello', 'Hel', 'lo', ' world', ' ', 'naïve', 'na', 'ï', 've', '日本', '日', '本', '語'];
function greedy(text: string): number[] {
  const ids: number[] = [];
  for (let i = 0; i < text.length;) {
    const id = VOCAB.findIndex((piece) => text.startsWith(piece, i));
    if (id >= 0) {
      ids.push(id);
      i += VOCAB[id].length;
    } else {
      const cp = text.codePointAt(i)!;
      ids.push(1000 + cp);
      i += String.fromCodePoint(cp).length;
    }
  }
  return ids;
}
const utf8 = (s: string) => new TextEncoder().encode(s).length;

describe('apiContextQuery on ASCII', () => {
  const text = 'Hello world';
  it('sends the tokens of the bytes before the position, the boundary agreeing', () => {
    expect(apiContextQuery(text, 5, greedy)).toEqual({
      queryIds: [0],
      windowStart: 0,
      contextEnd: 5,
      droppedBytes: 0,
      truncatedTokens: 0,
      boundaryAgrees: true,
    });
    expect(apiContextQuery(text, 0, greedy)).toMatchObject({ queryIds: [], boundaryAgrees: true });
    expect(apiContextQuery(text, utf8(text), greedy)).toMatchObject({ queryIds: [0, 3], boundaryAgrees: true });
  });

  it('flags a context that ends inside one of the index tokenizer’s tokens', () => {
    // The model cut "Hel|lo"; the index's tokenizer reads "Hello" as one token.
    expect(apiContextQuery(text, 3, greedy)).toMatchObject({ queryIds: [1], contextEnd: 3, boundaryAgrees: false });
  });

  it('tokenises a window of a long text from just after a space, and keeps the last tokens', () => {
    const long = 'Hello world '.repeat(50) + 'Hello';
    const q = apiContextQuery(long, utf8(long), greedy, { windowBytes: 30, maxTokens: 4 });
    expect(q.windowStart).toBeGreaterThan(utf8(long) - 30);
    expect(long[q.windowStart - 1]).toBe(' ');
    expect(q.queryIds).toEqual(greedy(long.slice(q.windowStart)).slice(-4));
    expect(q.truncatedTokens).toBe(greedy(long.slice(q.windowStart)).length - 4);
  });

  it('refuses an offset outside the text', () => {
    expect(() => apiContextQuery(text, 12, greedy)).toThrow(RangeError);
    expect(() => apiContextQuery(text, -1, greedy)).toThrow(RangeError);
  });
});

describe('apiContextQuery on non-ASCII text', () => {
  const text = 'naïve 日本語'; // n a ï(2 bytes) v e ␠ 日(3) 本(3) 語(3)
  it('works on byte offsets of whole characters', () => {
    expect(utf8(text)).toBe(16);
    expect(apiContextQuery(text, 6, greedy)).toMatchObject({ queryIds: [5], contextEnd: 6, boundaryAgrees: true });
    expect(apiContextQuery(text, 7, greedy)).toMatchObject({ queryIds: [5, 4], boundaryAgrees: true });
    // Before 本: the greedy tokenizer has "日本" as one token, so 日| is mid-token for it.
    expect(apiContextQuery(text, 10, greedy)).toMatchObject({ queryIds: [5, 4, 10], boundaryAgrees: false });
    expect(apiContextQuery(text, 13, greedy)).toMatchObject({ queryIds: [5, 4, 9], boundaryAgrees: true });
  });

  it('stops at the start of a character that the position splits, and says how many bytes it left out', () => {
    // Inside ï (bytes 2..3) and inside 語 (bytes 13..15), as a byte-level model may cut.
    expect(apiContextQuery(text, 3, greedy)).toMatchObject({
      queryIds: [6],
      contextEnd: 2,
      droppedBytes: 1,
      boundaryAgrees: false,
    });
    expect(apiContextQuery(text, 15, greedy)).toMatchObject({
      queryIds: [5, 4, 9],
      contextEnd: 13,
      droppedBytes: 2,
      boundaryAgrees: false,
    });
  });
});

describe('with the shipped SentencePiece tokenizer', () => {
  let tokenizer: ByteSpanTokenizer;
  beforeAll(() => {
    const dir = join(repoRoot, 'public', 'tokenizers', 'llama-2');
    tokenizer = ByteSpanTokenizer.fromText(
      readFileSync(join(dir, 'tokenizer.json'), 'utf8'),
      readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'),
    );
  });
  const encode = (s: string) => tokenizer.encode(s);

  it('queries "naïve 日本語" position by position on bytes, with the dummy-prefix space', () => {
    const text = 'naïve 日本語';
    const before日 = apiContextQuery(text, 7, encode);
    expect(before日.boundaryAgrees).toBe(true);
    expect(before日.queryIds.map((id) => tokenizer.rawToken(id))).toEqual(['▁na', 'ï', 've', '▁']);
    // Mid-word: "na|ïve" is a boundary for this tokenizer too, "nai|ve" would not be a character boundary.
    expect(apiContextQuery(text, 2, encode)).toMatchObject({ boundaryAgrees: true });
    expect(apiContextQuery(text, 3, encode)).toMatchObject({ droppedBytes: 1, boundaryAgrees: false });
  });

  it('flags an ASCII word cut that the tokenizer would not make', () => {
    expect(apiContextQuery('Hello there', 3, encode).boundaryAgrees).toBe(false); // "Hel|lo", one token "▁Hello"
    expect(apiContextQuery('Hello there', 5, encode).boundaryAgrees).toBe(true);
  });

  it('shows the API’s next tokens as the tokenizer’s bytes', () => {
    const ids = encode(' 日本 world');
    const rows = apiTokenRows(
      [
        ...ids.map((tokenId, i) => ({ tokenId, prob: 0.1 * (i + 1), count: i + 1 })),
        { tokenId: 65535, prob: 0.01, count: 1 },
      ],
      (id) => tokenizer.tokenBytes(id),
    );
    expect(rows.map((r) => r.text).join('')).toContain('日本 world');
    expect(rows.at(-1)).toMatchObject({ endOfDocument: true, text: '(end of document)' });
    expect(rows.at(-1)!.bytes.length).toBe(0);
    // A byte-fallback piece that is part of a character renders as \xNN.
    const byteToken = tokenizer
      .encode('\u{1F9A9}')
      .map((id) => tokenizer.tokenBytes(id))
      .find((b) => b.length === 1 && b[0] >= 0x80);
    expect(byteToken).toBeDefined();
    expect(apiTokenRows([{ tokenId: 1, prob: 1, count: 1 }], () => byteToken!)[0].text).toMatch(/^\\x[0-9A-F]{2}$/);
    expect(apiTokenRows([{ tokenId: 7, prob: 1, count: 1 }], () => ' the')[0].bytes).toEqual(
      new TextEncoder().encode(' the'),
    );
  });
});
