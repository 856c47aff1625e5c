import { describe, expect, it } from 'vitest';
import { charPositions, charPositionsOfWord } from './charPositions';
import { digitMetrics, tokenizationMetrics } from './metrics';
import { findWords, utf8Length, wordSafeChunks } from './words';

const span = (start: number, end: number) => ({ start, end });
// "Tokenizers split 12345 words." cut the way a GPT-2-like tokenizer would.
const TEXT = 'Tokenizers split 12345 words.';
const TOKENS = [span(0, 5), span(5, 10), span(10, 16), span(16, 20), span(20, 22), span(22, 28), span(28, 29)];

describe('findWords', () => {
  it('finds Unicode words with their byte spans, without punctuation', () => {
    expect(findWords('héllo, 日本 12,345!')).toEqual([
      { text: 'héllo', start: 0, end: 6 },
      { text: '日本', start: 8, end: 14 },
      { text: '12,345', start: 15, end: 21 },
    ]);
  });

  it('finds whitespace-separated words, punctuation included', () => {
    expect(findWords(' a, b.', 'whitespace')).toEqual([
      { text: 'a,', start: 1, end: 3 },
      { text: 'b.', start: 4, end: 6 },
    ]);
  });

  it('cuts long texts only where words always break, so segmenting the pieces equals segmenting the whole', () => {
    const mixed = 'Naïve café 12,345 dollars. e\u0301 \u0301x 👍🏽 👨‍👩‍👧 สวัสดีครับ 日本語のテキスト\r\n  "quoted" don\'t\n';
    const text = mixed.repeat(40);
    const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
    const whole = [...segmenter.segment(text)].map((s) => s.segment);
    for (const chunkLength of [1, 7, 50]) {
      const chunks = [...wordSafeChunks(text, chunkLength)];
      expect(chunks.join('')).toBe(text);
      expect(chunks.length).toBeGreaterThan(40);
      expect(chunks.flatMap((chunk) => [...segmenter.segment(chunk)].map((s) => s.segment))).toEqual(whole);
    }
  });

  it('finds the words of a 300 kB text in linear time', () => {
    const text = 'Gentlemen of the Senate, 12345 dollars; naïve café 😀.\n'.repeat(6000);
    const started = performance.now();
    expect(findWords(text)).toHaveLength(6000 * 8);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('counts UTF-8 bytes like TextEncoder, surrogate pairs included', () => {
    for (const s of ['', 'a', 'é', '日', '😀', 'a😀é\u{10FFFF}'])
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe('tokenizationMetrics', () => {
  it('measures compression, fertility and split words on Unicode words', () => {
    const m = tokenizationMetrics(TEXT, TOKENS);
    expect(m).toMatchObject({ tokens: 7, characters: 29, bytes: 29, words: 4, wordDefinition: 'unicode-words' });
    expect(m.charactersPerToken).toBeCloseTo(29 / 7, 12);
    expect(m.bytesPerToken).toBeCloseTo(29 / 7, 12);
    // Tokenizers: 2 tokens, split: 1, 12345: 2, words: 1.
    expect(m.fertility).toBe(1.5);
    expect(m.splitWordShare).toBe(0.5);
  });

  it('counts the final full stop with "words." when words are whitespace runs', () => {
    const m = tokenizationMetrics(TEXT, TOKENS, 'whitespace');
    expect(m.fertility).toBe(7 / 4);
    expect(m.splitWordShare).toBe(3 / 4);
  });

  it('tells characters from bytes', () => {
    // "héllo 日本" as one token per word plus the space.
    const m = tokenizationMetrics('héllo 日本', [span(0, 6), span(6, 7), span(7, 13)]);
    expect(m).toMatchObject({ characters: 8, bytes: 13, words: 2, fertility: 1 });
  });

  it('has zeros, not NaN, for an empty text', () => {
    const m = tokenizationMetrics('', []);
    expect([m.charactersPerToken, m.bytesPerToken, m.fertility, m.splitWordShare, m.numbers.digitsPerPiece]).toEqual([
      0, 0, 0, 0, 0,
    ]);
  });
});

describe('digitMetrics', () => {
  it('lists how many digits each token holds, per run of digits', () => {
    const d = digitMetrics(TEXT, TOKENS);
    expect(d.runs).toEqual([{ text: '12345', start: 17, end: 22, pieces: [3, 2] }]);
    expect(d).toMatchObject({
      digits: 5,
      pieces: 2,
      digitsPerPiece: 2.5,
      piecesPerRun: 2,
      pieceLengthCounts: { 3: 1, 2: 1 },
    });
  });

  it('splits runs at separators and reads non-ASCII digits', () => {
    // Bengali "৮:১৫", one token per character (each digit is 3 bytes).
    const d = digitMetrics('৮:১৫', [span(0, 3), span(3, 4), span(4, 7), span(7, 10)]);
    expect(d.runs.map((r) => r.pieces)).toEqual([[1], [1, 1]]);
    expect(d.runs.map((r) => [r.start, r.end])).toEqual([
      [0, 3],
      [4, 10],
    ]);
  });

  it('gives one piece to a number inside a single token, and one per digit when split into digits', () => {
    expect(digitMetrics('x 2024', [span(0, 1), span(1, 6)]).runs[0].pieces).toEqual([4]);
    expect(digitMetrics('2024', [span(0, 1), span(1, 2), span(2, 3), span(3, 4)]).pieceLengthCounts).toEqual({ 1: 4 });
  });
});

describe('charPositions', () => {
  it('gives each letter the length of its token and its offset inside it', () => {
    // " strawberry" as " straw" + "berry".
    const positions = charPositions(' strawberry', [span(0, 6), span(6, 11)], 1, 11);
    expect(positions.map((p) => p.char).join('')).toBe('strawberry');
    expect(positions[0]).toMatchObject({
      char: 's',
      index: 0,
      token: 0,
      tokenLength: 6,
      offsetInToken: 1,
      splitAcrossTokens: false,
    });
    expect(positions[4]).toMatchObject({ char: 'w', index: 4, token: 0, tokenLength: 6, offsetInToken: 5 });
    expect(positions[5]).toMatchObject({ char: 'b', index: 5, token: 1, tokenLength: 5, offsetInToken: 0 });
    expect(positions[9]).toMatchObject({ char: 'y', token: 1, offsetInToken: 4 });
  });

  it('puts a character split across tokens in the token holding its first byte, and flags it', () => {
    // "a😀": token 0 = "a" + the first two bytes of the emoji, token 1 = its last two bytes.
    const positions = charPositions('a😀', [span(0, 3), span(3, 5)], 0, 5);
    expect(positions[1]).toMatchObject({
      char: '😀',
      token: 0,
      tokenLength: 2,
      offsetInToken: 1,
      splitAcrossTokens: true,
    });
  });

  it('tokenizes a word after a space by default', () => {
    const seen: string[] = [];
    const positions = charPositionsOfWord((text) => {
      seen.push(text);
      return { text, tokens: [span(0, 3), span(3, 5)] };
    }, 'abcd');
    expect(seen).toEqual([' abcd']);
    expect(positions.map((p) => [p.token, p.offsetInToken])).toEqual([
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
    ]);
  });
});
