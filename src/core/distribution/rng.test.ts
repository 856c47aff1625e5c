import { describe, expect, it } from 'vitest';
import { createRng } from './rng';

// Reference outputs from an independent Python port of mulberry32 (they also match the
// widely published seed-42 sequence of the JS original).
describe('createRng (mulberry32)', () => {
  it('reproduces the reference uint32 stream', () => {
    const rng = createRng(42);
    expect(Array.from({ length: 5 }, () => rng.nextUint32())).toEqual([
      2581720956, 1925393290, 3661312704, 2876485805, 750819978,
    ]);
    const zero = createRng(0);
    expect(Array.from({ length: 3 }, () => zero.nextUint32())).toEqual([1144304738, 1416247, 958946056]);
    const top = createRng(0xffffffff);
    expect(Array.from({ length: 3 }, () => top.nextUint32())).toEqual([3850105811, 813802916, 3073704848]);
  });

  it('builds 53-bit floats in [0, 1) from two outputs', () => {
    const rng = createRng(42);
    expect([rng.nextFloat64(), rng.nextFloat64(), rng.nextFloat64()]).toEqual([
      0.6011037487409305, 0.8524657984803172, 0.17481390034103794,
    ]);
  });

  it('resumes the same stream from a saved state', () => {
    const rng = createRng(42);
    for (let i = 0; i < 3; i++) rng.nextUint32();
    expect(rng.getState()).toBe(1199730185);
    expect(createRng(rng.getState()).nextUint32()).toBe(2876485805);
    expect(rng.nextUint32()).toBe(2876485805);
  });

  it('rejects seeds that are not 32-bit unsigned integers', () => {
    expect(() => createRng(-1)).toThrow(/seed must be an integer in \[0, 2\^32\)/);
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(2 ** 32)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});
