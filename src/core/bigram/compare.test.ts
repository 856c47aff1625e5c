import { describe, expect, it } from 'vitest';
import {
  createRng,
  jensenShannonNats,
  klDivergenceNats,
  softmax,
  tokenRank,
  topNIndices,
  type Rng,
} from '../distribution';
import { comparePosition, compareStretch, prepareRow, summarizeBigram, type BigramPositionComparison } from './compare';

/** The previous comparePosition, built from core/distribution's separate functions: the oracle of the fused one. */
function oracleComparePosition(
  position: number,
  tokenId: number,
  nextTokenId: number | null,
  fullLogits: ArrayLike<number>,
  bigramLogits: ArrayLike<number>,
): BigramPositionComparison {
  const full = softmax(fullLogits);
  const bigram = softmax(bigramLogits);
  const jsNats = jensenShannonNats(full, bigram);
  const top1Full = topNIndices(full, 1)[0];
  const top1Bigram = topNIndices(bigram, 1)[0];
  const hasNext = nextTokenId !== null;
  return {
    position,
    tokenId,
    nextTokenId,
    klNats: klDivergenceNats(full, bigram),
    jsNats,
    bigramness: Math.min(1, Math.max(0, 1 - jsNats / Math.LN2)),
    top1Full,
    top1Bigram,
    top1Agrees: top1Full === top1Bigram,
    nextRankFull: hasNext ? tokenRank(fullLogits, nextTokenId) : null,
    nextRankBigram: hasNext ? tokenRank(bigramLogits, nextTokenId) : null,
    nextProbabilityFull: hasNext ? full[nextTokenId] : null,
    nextProbabilityBigram: hasNext ? bigram[nextTokenId] : null,
  };
}

/**
 * The fused row against the oracle: ids, ranks and probabilities exactly; KL, JS and
 * bigramness within 1e-9 (the view shows 3 decimals of KL and JS, 2 of bigramness).
 */
function expectSameComparison(actual: BigramPositionComparison, expected: BigramPositionComparison): void {
  const { klNats, jsNats, bigramness, ...exact } = actual;
  const { klNats: klOracle, jsNats: jsOracle, bigramness: bigramnessOracle, ...exactOracle } = expected;
  expect(exact).toEqual(exactOracle);
  if (klOracle === Infinity) expect(klNats).toBe(Infinity);
  else expect(Math.abs(klNats - klOracle)).toBeLessThan(1e-9);
  expect(Math.abs(jsNats - jsOracle)).toBeLessThan(1e-9);
  expect(Math.abs(bigramness - bigramnessOracle)).toBeLessThan(1e-9);
}

/** Float32 logits like a model's: Gaussian-ish around 0 with the given spread, a few peaks. */
function randomLogits(rng: Rng, vocab: number, spread: number): Float32Array {
  const logits = new Float32Array(vocab);
  for (let i = 0; i < vocab; i++)
    logits[i] = spread * (rng.nextFloat64() + rng.nextFloat64() + rng.nextFloat64() - 1.5);
  for (let k = 0; k < 5; k++) logits[rng.nextUint32() % vocab] += spread * 2 * rng.nextFloat64();
  return logits;
}

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

  it('equals the previous implementation (softmax, KL, JS, top-1, ranks from core/distribution) on vocabulary-sized rows', () => {
    const rng = createRng(20);
    const vocab = 8192;
    for (let k = 0; k < 40; k++) {
      const spread = [0.5, 4, 12, 40][k % 4];
      const full = randomLogits(rng, vocab, spread);
      // Bigram rows: unrelated, or the full row nudged slightly (JS near 0, where cancellation would show).
      const bigram =
        k % 3 === 0 ? full.map((z) => z + 1e-3 * (rng.nextFloat64() - 0.5)) : randomLogits(rng, vocab, spread);
      const next = k % 5 === 0 ? null : rng.nextUint32() % vocab;
      expectSameComparison(comparePosition(k, 7, next, full, bigram), oracleComparePosition(k, 7, next, full, bigram));
    }
  });

  it('equals the previous implementation on edges: masked tokens, ties, equal rows, an underflowing bigram token', () => {
    const cases: [number[], number[], number | null][] = [
      [[1, 2, 0], [1, 2, 0], 1],
      [[3, 3, 1, 3], [0, 5, 5, -Infinity], 1],
      [[0, -Infinity, 2, 2], [-Infinity, 1, 1, 0], 1],
      [[0, 0, 0], [0, 0, 0], 2],
      [[-Infinity, 4, -Infinity], [4, -Infinity, -Infinity], 0],
      // exp(−900) underflows to 0 in float64: KL is Infinity in both.
      [[0, 0], [0, -900], 1],
      [[0, -900], [0, 0], null],
      [[1e-12, 0], [0, 1e-12], 0],
    ];
    for (const [full, bigram, next] of cases)
      expectSameComparison(comparePosition(0, 1, next, full, bigram), oracleComparePosition(0, 1, next, full, bigram));
    expect(comparePosition(0, 0, 1, [0, 0], [0, -900]).klNats).toBe(Infinity);
  });

  it('prepares a row as softmax does, exactly', () => {
    const rng = createRng(3);
    const logits = randomLogits(rng, 8192, 12);
    logits[5] = -Infinity;
    const prepared = prepareRow(logits, new Float64Array(9000));
    expect(prepared.probabilities.subarray(0, 8192)).toEqual(softmax(logits));
    expect(prepared.top1).toBe(topNIndices(softmax(logits), 1)[0]);
    expect(prepared.hasTiny).toBe(true);
    expect(() => prepareRow(logits, new Float64Array(10))).toThrow(/buffer/);
  });

  it('compares a stretch with repeated tokens position by position, as the previous implementation does', () => {
    const rng = createRng(7);
    const vocab = 2048;
    const ids = Array.from({ length: 60 }, () => rng.nextUint32() % 9);
    const fullRows = ids.map(() => randomLogits(rng, vocab, 6));
    const bigramRows = new Map(ids.map((id) => [id, randomLogits(rng, vocab, 6)]));
    // A stretch in the middle (its last position's next token lies past it) and one at the end of the text.
    for (const [from, to] of [
      [10, 40],
      [40, 60],
    ]) {
      const rows = compareStretch(
        ids,
        from,
        to,
        (p) => fullRows[p],
        (id) => bigramRows.get(id)!,
      );
      expect(rows.map((r) => r.position)).toEqual(Array.from({ length: to - from }, (_, k) => from + k));
      for (const row of rows) {
        const p = row.position;
        const next = p + 1 < ids.length ? ids[p + 1] : null;
        expectSameComparison(row, oracleComparePosition(p, ids[p], next, fullRows[p], bigramRows.get(ids[p])!));
      }
    }
  });

  it('rejects what softmax and tokenRank reject', () => {
    expect(() => comparePosition(0, 0, 0, [], [])).toThrow(/empty/);
    expect(() => comparePosition(0, 0, 0, [0, NaN], [0, 0])).toThrow(/logit 1 is NaN/);
    expect(() => comparePosition(0, 0, 0, [0, 0], [Infinity, 0])).toThrow(/logit 0 is Infinity/);
    expect(() => comparePosition(0, 0, 0, [-Infinity], [0])).toThrow(/every logit is -Infinity/);
    expect(() => comparePosition(0, 0, 2, [0, 0], [0, 0])).toThrow(/outside the vocabulary/);
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
