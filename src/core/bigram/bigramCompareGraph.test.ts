import { describe, expect, it } from 'vitest';
import { createRng, tokenRank, topNIndices } from '../distribution';
import { comparisonFromGraph, graphOutputsFinite, scanRow } from './bigramCompareGraph';

describe('scanRow', () => {
  it('gives top-1 and the rank of the next token as topNIndices and tokenRank do', () => {
    const rng = createRng(5);
    for (let k = 0; k < 20; k++) {
      // Few distinct values: many ties, at the top too.
      const logits = Float32Array.from({ length: 500 }, () => Math.floor(rng.nextFloat64() * 6));
      const next = rng.nextUint32() % 500;
      const scan = scanRow(logits, next);
      expect(scan.top1).toBe(topNIndices(logits, 1)[0]);
      expect(scan.above + 1).toBe(tokenRank(logits, next));
      expect(scanRow(logits, null).above).toBe(0);
    }
  });

  it('counts ties with the next token as not above it, and a masked top as no top', () => {
    const logits = [-Infinity, 2, 5, 5, 2];
    expect(scanRow(logits, 4)).toEqual({ top1: 2, above: 2 });
    expect(scanRow(logits, 0)).toEqual({ top1: 2, above: 4 });
  });
});

describe('graphOutputsFinite', () => {
  it('rejects outputs with NaN or an infinity in any of them', () => {
    expect(graphOutputsFinite(Float32Array.of(0, 1), Float32Array.of(-3))).toBe(true);
    for (const bad of [NaN, Infinity, -Infinity])
      expect(graphOutputsFinite(Float32Array.of(0, 1), Float32Array.of(2, bad))).toBe(false);
  });
});

describe('comparisonFromGraph', () => {
  it('turns the graph outputs into a row: ranks from the scans, probabilities from log-probabilities', () => {
    const full = { top1: 4, above: 0 };
    const bigram = { top1: 2, above: 6 };
    const outputs = { klNats: 0.5, jsNats: 0.1, fullNextLogProb: Math.log(0.25), bigramNextLogProb: Math.log(0.01) };
    const row = comparisonFromGraph(3, 9, 4, full, bigram, outputs);
    expect(row).toMatchObject({ position: 3, tokenId: 9, nextTokenId: 4, top1Agrees: false });
    expect([row.nextRankFull, row.nextRankBigram]).toEqual([1, 7]);
    expect(row.nextProbabilityFull).toBeCloseTo(0.25, 12);
    expect(row.bigramness).toBeCloseTo(1 - 0.1 / Math.LN2, 12);
    // Float32 rounding below 0 on equal rows is clamped; no next token leaves its figures null.
    const equal = comparisonFromGraph(0, 9, null, full, full, { ...outputs, klNats: -1e-8, jsNats: -1e-9 });
    expect([equal.klNats, equal.jsNats, equal.bigramness]).toEqual([0, 0, 1]);
    expect([equal.nextRankFull, equal.nextProbabilityBigram]).toEqual([null, null]);
  });
});
