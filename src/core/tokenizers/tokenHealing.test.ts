import { describe, expect, it } from 'vitest';
import type { NextTokenLogProbs } from './byteLemma';
import { TokenByteIndex } from './tokenByteIndex';
import { naiveNextByteDistribution, tokenHealing } from './tokenHealing';

const utf8 = (s: string) => new TextEncoder().encode(s);
// ids:              0    1     2     3     4       5 (special: no bytes)
const PIECES = ['a', 'b', 'aa', 'ab', ' Tow', ''];
const vocabulary = PIECES.map(utf8);
const log = Math.log;

describe('TokenByteIndex', () => {
  it('finds every token that starts with some bytes, and no other', () => {
    const index = new TokenByteIndex(vocabulary);
    expect([...index.startingWith(utf8('a'))].sort()).toEqual([0, 2, 3]);
    expect([...index.startingWith(utf8('ab'))]).toEqual([3]);
    expect([...index.startingWith(utf8('abc'))]).toEqual([]);
    expect([...index.startingWith(new Uint8Array(0))].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('tokenHealing', () => {
  // After the context [1] ("b"), the model gives: a 0.2, b 0.3, aa 0.3, ab 0.1, " Tow" 0.05, special 0.05.
  const lm: NextTokenLogProbs = (prefix) =>
    prefix.length === 1 && prefix[0] === 1 ? [0.2, 0.3, 0.3, 0.1, 0.05, 0.05].map(log) : new Array(6).fill(log(1 / 6));

  it('backs up the last token and renormalises over the tokens that start with its bytes', () => {
    const healed = tokenHealing([1, 0], vocabulary, lm)!;
    expect(healed.contextIds).toEqual([1]);
    expect(healed.removedId).toBe(0);
    expect(healed.allowedMass).toBeCloseTo(0.6, 12);
    expect(healed.candidates.map((c) => c.id)).toEqual([2, 0, 3]);
    expect(healed.candidates.map((c) => c.probability)).toEqual(
      [0.5, 0.2 / 0.6, 0.1 / 0.6].map((p) => expect.closeTo(p, 12)),
    );
  });

  it('gives the healed next byte from the candidates longer than the removed bytes', () => {
    const healed = tokenHealing([1, 0], vocabulary, lm)!;
    // "aa" (0.5) continues with 'a', "ab" (1/6) with 'b': renormalised over 2/3.
    expect(healed.nextByteProbabilities[0x61]).toBeCloseTo(0.75, 12);
    expect(healed.nextByteProbabilities[0x62]).toBeCloseTo(0.25, 12);
    expect(healed.sameBytesProbability).toBeCloseTo(1 / 3, 12);
  });

  it('has nothing to heal in an empty prompt or after a special token', () => {
    expect(tokenHealing([], vocabulary, lm)).toBeNull();
    expect(tokenHealing([1, 5], vocabulary, lm)).toBeNull();
  });
});

describe('naiveNextByteDistribution', () => {
  it('sums token probabilities by first byte and leaves out tokens without bytes', () => {
    const d = naiveNextByteDistribution([0.2, 0.3, 0.3, 0.1, 0.05, 0.05].map(log), vocabulary);
    expect(d[0x61]).toBeCloseTo(0.6 / 0.95, 12);
    expect(d[0x62]).toBeCloseTo(0.3 / 0.95, 12);
    expect(d[0x20]).toBeCloseTo(0.05 / 0.95, 12);
  });
});
