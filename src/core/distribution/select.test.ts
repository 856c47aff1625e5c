import { describe, expect, it } from 'vitest';
import { nthLargest, nucleusCut, topNIndices } from './select';

/** Independent oracle: a full sort of every id by score descending, then id ascending. */
function fullSortIds(scores: Float64Array): number[] {
  const key = (i: number) => (Number.isNaN(scores[i]) ? -Infinity : scores[i]);
  return Array.from(scores.keys()).sort((a, b) => (key(b) > key(a) ? 1 : key(b) < key(a) ? -1 : a - b));
}

/** 152k scores drawn from only 500 distinct values, so ties are everywhere. */
function makeTiedScores(size = 152_064): Float64Array {
  const scores = new Float64Array(size);
  let state = 12345;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    scores[i] = (state % 500) / 500;
  }
  return scores;
}

const tiedScores = makeTiedScores();
const tiedOrder = fullSortIds(tiedScores);

describe('topNIndices', () => {
  it('orders by score descending, then by lower id on ties', () => {
    expect(Array.from(topNIndices(new Float64Array([0.1, 0.4, 0.1, 0.4]), 3))).toEqual([1, 3, 0]);
  });

  it('clips n to the vocabulary size and returns nothing for n = 0', () => {
    expect(Array.from(topNIndices([0.2, 0.8], 5))).toEqual([1, 0]);
    expect(topNIndices([0.2, 0.8], 0)).toHaveLength(0);
  });

  it('treats NaN as the lowest score', () => {
    expect(Array.from(topNIndices([Number.NaN, -Infinity, 1], 3))).toEqual([2, 0, 1]);
  });

  it.each([1, 50, 256, 257, 5000, 152_064])('agrees with a full sort for n = %i over 152k tied scores', (n) => {
    expect(Array.from(topNIndices(tiedScores, n))).toEqual(tiedOrder.slice(0, n));
  });

  it('rejects a negative or fractional n', () => {
    expect(() => topNIndices([1], -1)).toThrow(RangeError);
    expect(() => topNIndices([1], 1.5)).toThrow(/integer >= 0/);
  });

  it('selects the top 50 of 152k much faster than a full index sort', () => {
    const scores = tiedScores;
    const time = (f: () => void, repeats: number) => {
      f();
      const start = performance.now();
      for (let r = 0; r < repeats; r++) f();
      return (performance.now() - start) / repeats;
    };
    const partial = time(() => topNIndices(scores, 50), 10);
    const full = time(() => Uint32Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b), 3);
    expect(partial * 5).toBeLessThan(full);
  });
});

describe('nthLargest', () => {
  it('counts ties with multiplicity', () => {
    expect(nthLargest([0.1, 0.5, 0.5, 0.2], 1)).toBe(0.5);
    expect(nthLargest([0.1, 0.5, 0.5, 0.2], 2)).toBe(0.5);
    expect(nthLargest([0.1, 0.5, 0.5, 0.2], 3)).toBe(0.2);
  });

  it.each([3, 300, 70_000, 152_064])('agrees with a sorted copy for n = %i', (n) => {
    expect(nthLargest(tiedScores, n)).toBe(tiedScores[tiedOrder[n - 1]]);
  });

  it('rejects n outside [1, V]', () => {
    expect(() => nthLargest([1, 2], 0)).toThrow(RangeError);
    expect(() => nthLargest([1, 2], 3)).toThrow(RangeError);
  });
});

describe('nucleusCut', () => {
  it('keeps the lower id among ties at the boundary', () => {
    expect(nucleusCut([0.25, 0.5, 0.125, 0.125], 0.76)).toEqual({ threshold: 0.125, tiesKept: 1 });
  });

  it('ends the nucleus where the mass first reaches p exactly', () => {
    expect(nucleusCut([0.25, 0.5, 0.125, 0.125], 0.75)).toEqual({ threshold: 0.25, tiesKept: 1 });
    expect(nucleusCut([0.25, 0.25, 0.25, 0.25], 0.5)).toEqual({ threshold: 0.25, tiesKept: 2 });
    expect(nucleusCut([0.5, 0.25, 0.25], 0.5)).toEqual({ threshold: 0.5, tiesKept: 1 });
  });

  it('keeps one token at p = 0 and everything when the mass never reaches p', () => {
    expect(nucleusCut([0.25, 0.5, 0.25], 0)).toEqual({ threshold: 0.5, tiesKept: 1 });
    expect(nucleusCut([0.25, 0.25], 0.75)).toEqual({ threshold: 0, tiesKept: 0 });
  });

  // Dyadic masses (multiples of 2^-20) so every partial sum is exact in any order.
  const unit = 2 ** -20;
  const probabilities = Float64Array.from(tiedScores, (s) => Math.round(s * 500) * unit);
  const total = probabilities.reduce((sum, q) => sum + q, 0) / unit;

  it.each([0.01, 0.3, 0.5, 0.9, 0.99])('agrees with a sequential sum over the sorted order (p = %s)', (p) => {
    const target = Math.round(p * total) * unit;
    let kept = 0;
    let cumulative = 0;
    while (kept === 0 || cumulative < target) cumulative += probabilities[tiedOrder[kept++]];
    const threshold = probabilities[tiedOrder[kept - 1]];
    let above = 0;
    for (const q of probabilities) if (q > threshold) above++;
    expect(nucleusCut(probabilities, target)).toEqual({ threshold, tiesKept: kept - above });
  });
});
