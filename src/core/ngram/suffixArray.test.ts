import { describe, expect, it } from 'vitest';
import { createRng } from '../distribution/rng';
import { buildSuffixArray } from './suffixArray';

/** mulberry32: a small seeded generator, so every failing case can be replayed. */
/** Uniform floats in [0, 1) from the project's seeded generator. */
function makeRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.nextFloat64();
}

/** body symbols (all ≥ 1) followed by the sentinel 0. */
function withSentinel(body: ArrayLike<number>): Uint32Array {
  const text = new Uint32Array(body.length + 1);
  text.set(Array.from(body));
  return text;
}

/** Oracle 1: sort the positions with a direct suffix comparison. Quadratic on repetitive text. */
function naiveSuffixArray(text: Uint32Array): number[] {
  const n = text.length;
  const positions = Array.from({ length: n }, (_, i) => i);
  positions.sort((a, b) => {
    for (let k = 0; ; k++) {
      // The unique sentinel guarantees a difference before either suffix ends.
      const d = text[a + k] - text[b + k];
      if (d !== 0) return d;
    }
  });
  return positions;
}

/** Oracle 2, for longer repetitive inputs: prefix doubling (Manber–Myers) with a comparison sort. */
function doublingSuffixArray(text: Uint32Array): number[] {
  const n = text.length;
  let rank = Array.from(text);
  const positions = Array.from({ length: n }, (_, i) => i);
  for (let width = 1; ; width *= 2) {
    const key = (i: number) => (i + width < n ? rank[i + width] : -1);
    positions.sort((a, b) => rank[a] - rank[b] || key(a) - key(b));
    const next = new Array<number>(n);
    next[positions[0]] = 0;
    for (let r = 1; r < n; r++) {
      const a = positions[r - 1];
      const b = positions[r];
      next[b] = next[a] + (rank[a] !== rank[b] || key(a) !== key(b) ? 1 : 0);
    }
    rank = next;
    if (rank[positions[n - 1]] === n - 1) return positions;
  }
}

function randomBody(random: () => number, length: number, alphabetSize: number): number[] {
  return Array.from({ length }, () => 1 + Math.floor(random() * (alphabetSize - 1)));
}

describe('buildSuffixArray (SA-IS)', () => {
  it('equals a naive sort on random texts over alphabets of 2 to 70,000 symbols', () => {
    const random = makeRandom(17);
    const alphabets = [2, 3, 4, 5, 8, 16, 256, 1000, 70000];
    let totalSymbols = 0;
    for (let c = 0; c < 90; c++) {
      const alphabetSize = alphabets[c % alphabets.length];
      const length = Math.floor(random() * (c < 45 ? 40 : 2000));
      const text = withSentinel(randomBody(random, length, alphabetSize));
      totalSymbols += text.length;
      expect(Array.from(buildSuffixArray(text, alphabetSize)), `case ${c}`).toEqual(naiveSuffixArray(text));
    }
    // A long one with a tiny alphabet: long LCPs and several recursion levels.
    const long = withSentinel(randomBody(random, 20000, 3));
    expect(Array.from(buildSuffixArray(long, 3))).toEqual(naiveSuffixArray(long));
    expect(totalSymbols + long.length).toBeGreaterThan(60000);
  });

  it('handles the smallest texts', () => {
    expect(Array.from(buildSuffixArray(new Uint32Array([0]), 1))).toEqual([0]);
    expect(Array.from(buildSuffixArray(new Uint32Array([5, 0]), 6))).toEqual([1, 0]);
    expect(Array.from(buildSuffixArray(new Uint32Array([1, 2, 0]), 3))).toEqual([2, 0, 1]);
    expect(Array.from(buildSuffixArray(new Uint32Array([2, 1, 0]), 3))).toEqual([2, 1, 0]);
  });

  it('equals the oracles on highly repetitive texts', () => {
    const cases: [string, number[], number][] = [];
    cases.push(['all equal', new Array(3000).fill(1), 2]);
    cases.push(['period 2', Array.from({ length: 3000 }, (_, i) => 1 + (i % 2)), 3]);
    cases.push(['period 7', Array.from({ length: 3001 }, (_, i) => 1 + ((i * 3) % 7)), 8]);
    const random = makeRandom(5);
    const document = randomBody(random, 40, 50);
    cases.push(['a document repeated 60 times', Array.from({ length: 60 }, () => document).flat(), 50]);
    // Documents repeated with a separator, as the ∞-gram index lays them out.
    cases.push(['documents with separators', Array.from({ length: 50 }, () => [...document, 1]).flat(), 50]);
    for (const [name, body, alphabetSize] of cases) {
      const text = withSentinel(body);
      expect(Array.from(buildSuffixArray(text, alphabetSize)), name).toEqual(naiveSuffixArray(text));
    }
    // Longer: the Fibonacci word (the deepest recursion for its length) and all-equal, by doubling.
    let [a, b] = [[1], [1, 2]];
    while (b.length < 25000) [a, b] = [b, [...b, ...a]];
    const longCases: [string, number[], number][] = [
      ['Fibonacci word', b, 3],
      ['all equal, long', new Array(20000).fill(7), 8],
      ['period 3, long', Array.from({ length: 20000 }, (_, i) => 1 + (i % 3)), 4],
    ];
    for (const [name, body, alphabetSize] of longCases) {
      const text = withSentinel(body);
      expect(Array.from(buildSuffixArray(text, alphabetSize)), name).toEqual(doublingSuffixArray(text));
    }
  });

  it('reports monotone progress ending at 1', () => {
    const fractions: number[] = [];
    buildSuffixArray(withSentinel(randomBody(makeRandom(3), 500, 4)), 4, (f) => fractions.push(f));
    expect(fractions[fractions.length - 1]).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
  });

  it('refuses texts that break the sentinel contract', () => {
    expect(() => buildSuffixArray(new Uint32Array([1, 2]), 3)).toThrow(/end with the sentinel/);
    expect(() => buildSuffixArray(new Uint32Array([]), 3)).toThrow(/end with the sentinel/);
    expect(() => buildSuffixArray(new Uint32Array([1, 0, 2, 0]), 3)).toThrow(/before the end/);
    expect(() => buildSuffixArray(new Uint32Array([1, 9, 0]), 3)).toThrow(/not below alphabetSize/);
    expect(() => buildSuffixArray(new Uint32Array([1, 0]), 0)).toThrow(/alphabetSize/);
  });
});
