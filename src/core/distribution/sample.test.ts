import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { greedyToken, sampleToken } from './sample';

/** A uniform source that returns the given values in turn. */
const fixedUniforms = (...values: number[]) => ({ nextFloat64: () => values.shift()! });

describe('sampleToken', () => {
  it('gives the same token sequence for the same seed (reference from an independent Python run)', () => {
    const draw = (seed: number, probabilities: number[], count: number) => {
      const rng = createRng(seed);
      const p = new Float64Array(probabilities);
      return Array.from({ length: count }, () => sampleToken(p, rng));
    };
    expect(draw(42, [0.1, 0.6, 0.3], 12)).toEqual([1, 2, 1, 1, 2, 1, 2, 1, 1, 0, 2, 1]);
    expect(draw(7, [0.05, 0.25, 0, 0.4, 0.3], 12)).toEqual([0, 4, 3, 3, 3, 1, 4, 1, 1, 1, 1, 1]);
    expect(draw(7, [0.05, 0.25, 0, 0.4, 0.3], 12)).toEqual(draw(7, [0.05, 0.25, 0, 0.4, 0.3], 12));
  });

  it('inverts the CDF: u picks the first token whose cumulative mass exceeds it', () => {
    const p = new Float64Array([0.25, 0.5, 0.25]);
    expect(sampleToken(p, fixedUniforms(0))).toBe(0);
    expect(sampleToken(p, fixedUniforms(0.2499))).toBe(0);
    expect(sampleToken(p, fixedUniforms(0.25))).toBe(1);
    expect(sampleToken(p, fixedUniforms(0.75))).toBe(2);
    expect(sampleToken(p, fixedUniforms(0.9999999999999999))).toBe(2);
  });

  it('never returns a zero-probability token, even at u = 0 or u → 1', () => {
    const p = new Float64Array([0, 0.5, 0.5, 0]);
    expect(sampleToken(p, fixedUniforms(0))).toBe(1);
    expect(sampleToken(p, fixedUniforms(0.9999999999999999))).toBe(2);
  });

  it('scales by the sum when probabilities do not sum to 1', () => {
    expect(sampleToken([2, 6], fixedUniforms(0.3))).toBe(1);
    expect(sampleToken([2, 6], fixedUniforms(0.2))).toBe(0);
  });

  it('rejects negative, NaN or all-zero probabilities', () => {
    expect(() => sampleToken([0.5, -0.1], fixedUniforms(0))).toThrow(/probability 1 is -0.1/);
    expect(() => sampleToken([Number.NaN], fixedUniforms(0))).toThrow(RangeError);
    expect(() => sampleToken([0, 0], fixedUniforms(0))).toThrow(/positive finite sum/);
  });
});

describe('greedyToken', () => {
  it('returns the argmax, lowest id on ties', () => {
    expect(greedyToken(new Float32Array([1, 3, 3]))).toBe(1);
    expect(greedyToken([0.2, 0.5, 0.3])).toBe(1);
  });

  it('skips NaN and copes with -Infinity scores', () => {
    expect(greedyToken([Number.NaN, -Infinity, -5])).toBe(2);
    expect(greedyToken([-Infinity, -Infinity])).toBe(0);
  });

  it('rejects empty or all-NaN scores', () => {
    expect(() => greedyToken([])).toThrow(RangeError);
    expect(() => greedyToken([Number.NaN])).toThrow(/not NaN/);
  });
});
