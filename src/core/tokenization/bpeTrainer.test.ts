import { describe, expect, it } from 'vitest';
import { countPretokens, toTokenizerJson, trainByteLevelBpe } from './bpeTrainer';
import { byteToChar, bytesToTokenString, pretokenize, tokenStringToBytes } from './byteLevel';

describe('byte-level alphabet', () => {
  it('maps the 256 bytes to 256 distinct printable characters, GPT-2 style', () => {
    expect(new Set(byteToChar).size).toBe(256);
    expect(byteToChar[0x20]).toBe('Ġ');
    expect(byteToChar[0x0a]).toBe('Ċ');
    expect(byteToChar[0x41]).toBe('A');
  });

  it('round-trips bytes through token strings, split UTF-8 characters included', () => {
    const bytes = new TextEncoder().encode(' é😀');
    expect(tokenStringToBytes(bytesToTokenString(bytes))).toEqual(bytes);
    expect(() => tokenStringToBytes('a b')).toThrow(/not a byte-level token string/);
  });

  it('pre-tokenizes like GPT-2 (leading spaces stay with words, contractions split)', () => {
    expect(pretokenize("Hello world, it's  2024!")).toEqual(['Hello', ' world', ',', ' it', "'s", ' ', ' 2024', '!']);
  });
});

describe('BPE training', () => {
  it('merges the most frequent pair first and breaks ties by the smaller pair', () => {
    const counts = new Map([
      ['aaab', 3],
      ['ab', 2],
    ]);
    // Pairs: (a,a) x6, (a,b) x5 -> "aa" first; then "aa a"? words become [aa,a,b]x3, [a,b]x2:
    // pairs (aa,a) x3, (a,b) x5 -> "ab" next.
    const { merges, mergeCounts } = trainByteLevelBpe(counts, { vocabSizeWithoutSpecials: 258 });
    expect(merges).toEqual([
      ['a', 'a'],
      ['a', 'b'],
    ]);
    expect(mergeCounts).toEqual([6, 5]);
  });

  it('stops when no pair occurs twice', () => {
    const { merges } = trainByteLevelBpe(new Map([['xyz', 1]]), { vocabSizeWithoutSpecials: 300 });
    expect(merges).toEqual([]);
  });

  it('is deterministic whatever order the counts arrive in', () => {
    const docs = ['the cat sat on the mat', 'the hat of the cat', 'a mat, a hat; the end'];
    const forward = trainByteLevelBpe(countPretokens(docs), { vocabSizeWithoutSpecials: 280 });
    const backward = trainByteLevelBpe(new Map([...countPretokens(docs)].reverse()), { vocabSizeWithoutSpecials: 280 });
    expect(backward).toEqual(forward);
  });

  it('writes a GPT-2 style tokenizer.json with end-of-text after the regular tokens', () => {
    const { tokens, merges } = trainByteLevelBpe(new Map([['ĠĠ', 1]]), { vocabSizeWithoutSpecials: 256 });
    const json = toTokenizerJson(tokens, merges) as {
      model: { vocab: Record<string, number>; merges: string[] };
      added_tokens: { id: number; content: string }[];
    };
    expect(Object.keys(json.model.vocab)).toHaveLength(257);
    expect(json.added_tokens[0]).toMatchObject({ id: 256, content: '<|endoftext|>' });
    expect(json.model.merges).toEqual([]);
  });
});
