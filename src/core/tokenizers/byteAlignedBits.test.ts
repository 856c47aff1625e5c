import { describe, expect, it } from 'vitest';
import { bitsPerBytePosition, compareOnBytes, largestDisagreements, type ScoredSpan } from './byteAlignedBits';

const span = (start: number, end: number, surprisalBits: number): ScoredSpan => ({ start, end, surprisalBits });

describe('bits per byte of two tokenizations, aligned on bytes', () => {
  it('spreads each token evenly over its bytes', () => {
    expect([...bitsPerBytePosition(4, [span(0, 3, 6), span(3, 4, 1)]).bits]).toEqual([2, 2, 2, 1]);
  });

  it('sums per word, each word carrying the space before it (hand-checked)', () => {
    // "ab cd": model A has tokens "ab" (4 bits) and " cd" (3 bits); model B one token per byte.
    const a = [span(0, 2, 4), span(2, 5, 3)];
    const b = [span(0, 1, 1), span(1, 2, 1), span(2, 3, 2), span(3, 4, 0.5), span(4, 5, 0.5)];
    const { words, totals } = compareOnBytes('ab cd', a, b);
    expect(words.map((w) => [w.text, w.start, w.end])).toEqual([
      ['ab', 0, 2],
      ['cd', 2, 5],
    ]);
    expect(words[0]).toMatchObject({ bitsA: 4, bitsB: 2, bitsPerByteA: 2, bitsPerByteB: 1, differenceBitsPerByte: 1 });
    expect(words[1]).toMatchObject({ bitsA: 3, bitsB: 3, bitsPerByteA: 1, bitsPerByteB: 1, differenceBitsPerByte: 0 });
    expect(totals).toMatchObject({ bytes: 5, bitsA: 7, bitsB: 5, bitsPerByteA: 1.4, bitsPerByteB: 1 });
  });

  it('splits a token that crosses a word boundary between the words by bytes', () => {
    // Token "b c" (bytes 1..4) of 6 bits: 2 bits to "ab", 4 bits to " cd".
    const { words } = compareOnBytes('ab cd', [span(0, 1, 1), span(1, 4, 6), span(4, 5, 1)], [span(0, 5, 5)]);
    expect(words[0].bitsA).toBeCloseTo(3, 12);
    expect(words[1].bitsA).toBeCloseTo(5, 12);
    expect(words[0].bitsPerByteA).toBeCloseTo(1.5, 12);
    expect(words[1].bitsPerByteA).toBeCloseTo(5 / 3, 12);
  });

  it('gives every byte to one word, so the words add up to the total (multi-byte characters, spaces at both ends)', () => {
    const text = '  café 日本 x\n';
    const bytes = new TextEncoder().encode(text).length;
    const perByte = Array.from({ length: bytes }, (_, i) => span(i, i + 1, (i % 5) + 0.25));
    const { words, totals } = compareOnBytes(text, perByte, [span(0, bytes, 10)]);
    expect(words.map((w) => w.text)).toEqual(['café', '日本', 'x']);
    expect(words[0].start).toBe(0);
    expect(words.at(-1)!.end).toBe(bytes);
    expect(words.reduce((s, w) => s + w.bitsA, 0)).toBeCloseTo(totals.bitsA, 10);
    expect(words.reduce((s, w) => s + w.bitsB, 0)).toBeCloseTo(10, 10);
    expect(words[1].end - words[1].start).toBe(7); // " 日本": a space and two 3-byte characters
  });

  it('counts a token with no bytes in the total but in no word', () => {
    const { words, totals } = compareOnBytes('ab', [span(0, 0, 3), span(0, 2, 2)], [span(0, 2, 2)]);
    expect(words[0].bitsA).toBe(2);
    expect(totals).toMatchObject({ bitsA: 5, unplacedBitsA: 3, bitsPerByteA: 2.5 });
  });

  it('lists the words with the largest disagreement first, either sign', () => {
    const { words } = compareOnBytes(
      'aa bb cc',
      [span(0, 2, 2), span(2, 5, 12), span(5, 8, 3)],
      [span(0, 2, 6), span(2, 5, 3), span(5, 8, 3)],
    );
    expect(largestDisagreements(words, 2).map((w) => [w.text, w.differenceBitsPerByte])).toEqual([
      ['bb', 3],
      ['aa', -2],
    ]);
  });
});
