import { describe, expect, it } from 'vitest';
import { logSoftmax, logSumExp, softmax } from './softmax';

// Expected values below come from mpmath at 40 digits, rounded to float64.
function expectRelativelyClose(actual: number, expected: number, relative = 1e-13): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));
}

const LOGITS = new Float32Array([1, 2, 3, -1.5]);

describe('softmax', () => {
  it('matches a float64 reference at temperature 1', () => {
    const expected = [0.08937011377728535, 0.2429331562881121, 0.6603607842681763, 0.007335945666426146];
    const p = softmax(LOGITS);
    expect(p).toBeInstanceOf(Float64Array);
    expected.forEach((e, i) => expectRelativelyClose(p[i], e));
  });

  it('flattens the distribution at temperature 2', () => {
    const expected = [0.1768813307405302, 0.2916280123816566, 0.4808133071456375, 0.0506773497321757];
    const p = softmax(LOGITS, 2);
    expected.forEach((e, i) => expectRelativelyClose(p[i], e));
  });

  it('sharpens to near one-hot at temperature 0.01 without underflowing the winner', () => {
    const p = softmax(new Float32Array([1, 2]), 0.01);
    expectRelativelyClose(p[0], 3.720075976020836e-44, 1e-10);
    expect(p[1]).toBe(1);
  });

  it('gives probability exactly 0 to -Infinity logits', () => {
    const p = softmax(new Float32Array([0, -Infinity, 0]));
    expect(Array.from(p)).toEqual([0.5, 0, 0.5]);
  });

  it('is uniform when all logits are equal, even over 152k tokens', () => {
    expect(Array.from(softmax(new Float32Array([7.5, 7.5, 7.5, 7.5])))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const v = 152_064;
    const p = softmax(new Float32Array(v).fill(-3));
    expectRelativelyClose(p[0], 1 / v, 1e-12);
    expectRelativelyClose(p[v - 1], 1 / v, 1e-12);
  });

  it('handles huge logit magnitudes that overflow a naive exp', () => {
    const high = softmax(new Float32Array([1000, 1001, 1002]));
    const reference = softmax(new Float32Array([0, 1, 2]));
    for (let i = 0; i < 3; i++) expectRelativelyClose(high[i], reference[i], 1e-14);
    const low = softmax(new Float32Array([-10000, -9999]));
    expectRelativelyClose(low[0], 0.2689414213699951);
    expectRelativelyClose(low[1], 0.7310585786300049);
    expect(Array.from(softmax(new Float32Array([3e38, -3e38, 3e38])))).toEqual([0.5, 0, 0.5]);
  });

  it('sums to 1 in float64 over a 152k vocabulary', () => {
    const logits = new Float32Array(152_064);
    for (let i = 0; i < logits.length; i++) logits[i] = 10 * Math.sin(i * 12.9898);
    let sum = 0;
    for (const p of softmax(logits)) sum += p;
    expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects temperature %s and points to greedy', (t) => {
    expect(() => softmax(LOGITS, t)).toThrow(/temperature must be a finite number > 0.*greedyToken/);
    expect(() => logSoftmax(LOGITS, t)).toThrow(RangeError);
  });

  it('rejects NaN and +Infinity logits, empty logits, and all -Infinity', () => {
    expect(() => softmax(new Float32Array([0, Number.NaN]))).toThrow(/logit 1 is NaN/);
    expect(() => softmax(new Float32Array([0, Infinity]))).toThrow(/logit 1 is Infinity/);
    expect(() => softmax(new Float32Array(0))).toThrow(/empty/);
    expect(() => softmax(new Float32Array([-Infinity, -Infinity]))).toThrow(/every logit is -Infinity/);
  });
});

describe('logSoftmax', () => {
  it('matches a float64 reference at temperatures 1 and 2', () => {
    const t1 = [-2.414968950485861, -1.414968950485861, -0.41496895048586097, -4.914968950485861];
    const t2 = [-1.7322762190525507, -1.2322762190525507, -0.7322762190525507, -2.9822762190525505];
    const a = logSoftmax(LOGITS);
    const b = logSoftmax(LOGITS, 2);
    t1.forEach((e, i) => expectRelativelyClose(a[i], e));
    t2.forEach((e, i) => expectRelativelyClose(b[i], e));
  });

  it('keeps log-probabilities that softmax would underflow', () => {
    const lp = logSoftmax(new Float32Array([0, 1000]));
    expect(softmax(new Float32Array([0, 1000]))[0]).toBe(0);
    expectRelativelyClose(lp[0], -1000);
    expect(lp[1]).toBe(0);
  });

  it('gives -Infinity to -Infinity logits', () => {
    const lp = logSoftmax(new Float32Array([0, -Infinity, 0]));
    expectRelativelyClose(lp[0], -Math.LN2, 1e-15);
    expect(lp[1]).toBe(-Infinity);
  });
});

describe('logSumExp', () => {
  it('is ln Σ exp(z/T) without overflow', () => {
    expectRelativelyClose(logSumExp(new Float32Array([1000, 1000])), 1000.6931471805599);
    expectRelativelyClose(logSumExp(LOGITS), 3.414968950485861);
    expectRelativelyClose(logSumExp(LOGITS, 2), 2.2322762190525505);
  });
});
