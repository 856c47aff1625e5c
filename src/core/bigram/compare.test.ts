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

  it('KL is KL(full ‖ bigram), not the reverse: asymmetric inputs computed by hand', () => {
    // full = softmax(ln 0.9, ln 0.1) = (0.9, 0.1); bigram = softmax(ln 0.5, ln 0.5) = (0.5, 0.5).
    const row = comparePosition(0, 0, null, [Math.log(0.9), Math.log(0.1)], [0, 0]);
    const forward = 0.9 * Math.log(0.9 / 0.5) + 0.1 * Math.log(0.1 / 0.5); // 0.3681
    const reverse = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1); // 0.5108
    expect(row.klNats).toBeCloseTo(forward, 12);
    expect(Math.abs(row.klNats - reverse)).toBeGreaterThan(0.1);
    // JS is symmetric: the same with the rows swapped.
    expect(comparePosition(0, 0, null, [0, 0], [Math.log(0.9), Math.log(0.1)]).jsNats).toBeCloseTo(row.jsNats, 12);
    expect(row.nextProbabilityFull).toBeNull();
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
