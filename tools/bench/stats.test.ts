import { describe, expect, it } from 'vitest';
import { alternate, timeRatio, withBaseline, type Figure } from './stats';

describe('alternating the app and the baseline', () => {
  it('runs warm-ups A B, then A B B A A B …, and keeps only the measured runs of each', async () => {
    const order: string[] = [];
    let a = 0;
    let b = 100;
    const result = await alternate(
      4,
      async () => (order.push('a'), a++),
      async () => (order.push('b'), b++),
      1,
    );
    expect(order.join(' ')).toBe('a b a b b a a b b a');
    // Warm-ups gave a = 0 and b = 100; the kept runs are the next four of each, in the order run.
    expect(result).toEqual({ a: [1, 2, 3, 4], b: [101, 102, 103, 104] });
  });
});

describe('the ratio to the baseline', () => {
  const figure = (unit: Figure['unit'], median: number): Figure => ({
    name: 'x',
    backend: 'Chromium WASM (2 threads, fp32)',
    unit,
    median,
    runs: [median],
  });

  it('is app over baseline for times, the median of the baseline runs', () => {
    const out = withBaseline(figure('ms', 25), [30, 10, 20]);
    expect(out.baseline).toEqual({ median: 20, runs: [30, 10, 20] });
    expect(out.ratio).toBeCloseTo(25 / 20, 12);
    expect(out.median).toBe(25);
  });

  it('is baseline over app for rates, so above 1 still means the app is slower', () => {
    expect(withBaseline(figure('tokens/s', 800), [1000]).ratio).toBeCloseTo(1000 / 800, 12);
    expect(timeRatio('tokens/s', 1200, 1000)).toBeLessThan(1);
    expect(timeRatio('ms', 1200, 1000)).toBeGreaterThan(1);
  });
});
