import { describe, expect, it } from 'vitest';
import { comparePosition, summarizeBigram } from './compare';

describe('comparePosition', () => {
  it('gives bigramness 1 and zero divergence when the context changes nothing', () => {
    const row = comparePosition(0, 3, 1, [1, 2, 0], [1, 2, 0]);
    expect(row.klNats).toBeCloseTo(0, 12);
    expect(row.bigramness).toBeCloseTo(1, 12);
    expect(row.top1Agrees).toBe(true);
    expect(row.nextRankFull).toBe(1);
  });

  it('measures disagreement: KL, JS in [0, ln 2], ranks of the actual next token', () => {
    const row = comparePosition(4, 3, 0, [10, 0, 0], [0, 10, 0]);
    expect(row.top1Agrees).toBe(false);
    expect(row.jsNats).toBeGreaterThan(0.6);
    expect(row.jsNats).toBeLessThanOrEqual(Math.LN2);
    expect(row.bigramness).toBeLessThan(0.1);
    expect(row.nextRankFull).toBe(1);
    expect(row.nextRankBigram).toBe(2);
    expect(row.klNats).toBeGreaterThan(row.jsNats);
  });

  it('summarises a text', () => {
    const rows = [comparePosition(0, 1, 0, [1, 0], [1, 0]), comparePosition(1, 0, null, [5, 0], [0, 5])];
    const summary = summarizeBigram(rows);
    expect(summary.top1AgreementRate).toBe(0.5);
    expect(summary.nearlyBigramRate).toBe(0.5);
    expect(summary.nextTop1RateFull).toBe(1);
    expect(() => comparePosition(0, 0, 0, [1], [1, 2])).toThrow(/differ in length/);
  });
});
