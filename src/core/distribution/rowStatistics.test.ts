/**
 * The fused per-position statistics against the functions they replace, kept as the oracle:
 * scorePosition and positionMetrics as they were composed from logSumExp, softmax, tokenRank,
 * entropyNats, topNIndices, logSoftmax and tokenMetrics. Rows: random logits at several scales,
 * sotu-gpt's own logits from onnxruntime-node, -Infinity entries, ties, near-equal logits near
 * zero, peaked rows, vocabularies of 1 to 150,000. Ranks, top ids and probabilities must be
 * identical; the entropy may differ in the last bits only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { positionMetrics } from '../lab/positionMetrics';
import { scorePosition } from '../scoring/positionStats';
import { createRng } from './rng';
import { logProbRanking, rowStatistics } from './rowStatistics';
import { logSoftmax, logSumExp, maxLogit, softmax } from './softmax';
import { entropyNats, tokenRank, topNIndices } from './stats';
import { tokenMetrics } from './tokenMetrics';

/** scorePosition before the fused statistics. */
function oracleScorePosition(logits: ArrayLike<number>, actualTokenId: number, topK: number) {
  const logNormaliser = logSumExp(logits);
  const probabilities = softmax(logits);
  return {
    tokenId: actualTokenId,
    probability: Math.exp(logits[actualTokenId] - logNormaliser),
    rank: tokenRank(logits, actualTokenId),
    entropyNats: entropyNats(probabilities),
    top: Array.from(topNIndices(logits, topK), (tokenId) => ({ tokenId, probability: probabilities[tokenId] })),
  };
}

/** positionMetrics before the fused statistics. */
function oraclePositionMetrics(logits: ArrayLike<number>, tokenId: number) {
  const logProbs = logSoftmax(logits);
  const metrics = tokenMetrics(logProbs, tokenId);
  let topTokenId = 0;
  for (let t = 1; t < logProbs.length; t++) if (logProbs[t] > logProbs[topTokenId]) topTokenId = t;
  const top = Array.from(topNIndices(logProbs, 10), (i) => Math.exp(logProbs[i]));
  const sum = top.reduce((a, b) => a + b, 0);
  return {
    tokenId,
    logProb: metrics.logProb,
    rank: metrics.rank,
    entropyNats: metrics.entropyNats,
    top10EntropyNats: !(sum > 0) ? 0 : top.reduce((h, p) => (p > 0 ? h - (p / sum) * Math.log(p / sum) : h), 0),
    probabilityRelativeToTop: metrics.probabilityRelativeToTop,
    topTokenId,
  };
}

/** The UI shows entropies to 2–3 digits: the fused entropy must agree far below that. */
const ENTROPY_TOLERANCE_NATS = 1e-11;

function expectSameScore(logits: ArrayLike<number>, tokenId: number, topK: number): void {
  const actual = scorePosition(logits, tokenId, topK);
  const expected = oracleScorePosition(logits, tokenId, topK);
  expect(actual.rank).toBe(expected.rank);
  expect(actual.probability).toBe(expected.probability);
  expect(actual.top).toEqual(expected.top);
  expect(Math.abs(actual.entropyNats - expected.entropyNats)).toBeLessThanOrEqual(ENTROPY_TOLERANCE_NATS);
}

function expectSameMetrics(logits: ArrayLike<number>, tokenId: number): void {
  const actual = positionMetrics(logits, tokenId);
  const { entropyNats: expectedEntropy, ...expected } = oraclePositionMetrics(logits, tokenId);
  const { entropyNats: actualEntropy, ...rest } = actual;
  expect(rest).toEqual(expected);
  expect(Math.abs(actualEntropy - expectedEntropy)).toBeLessThanOrEqual(ENTROPY_TOLERANCE_NATS);
}

/** Both consumers on one row, for several tokens (the top one, the last id, random ones) and top-k sizes. */
function checkRow(logits: ArrayLike<number>, seed: number, topKs = [0, 1, 5, 10]): void {
  const rng = createRng(seed);
  const tokens = new Set([0, logits.length - 1, topNIndices(logits, 1)[0]]);
  for (let i = 0; i < 3; i++) tokens.add(Math.floor(rng.nextFloat64() * logits.length));
  for (const tokenId of tokens) {
    for (const topK of topKs) expectSameScore(logits, tokenId, topK);
    expectSameMetrics(logits, tokenId);
  }
}

function normalRow(size: number, scale: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const row = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    // Box–Muller: a bell of logits like a model's.
    const u = 1 - rng.nextFloat64();
    row[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat64());
  }
  return row;
}

/** sotu-gpt's logits for a sequence of 48 tokens, from onnxruntime-node: [48 × 8,192]. */
async function shippedModelLogits(): Promise<{ logits: Float32Array; ids: number[]; vocab: number }> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const bytes = readFileSync(join(root, 'public/models/sotu-gpt/onnx/model.onnx'));
  const config = JSON.parse(readFileSync(join(root, 'public/models/sotu-gpt/config.json'), 'utf8')) as {
    n_layer: number;
    n_head: number;
    n_embd: number;
    vocab_size: number;
  };
  const rng = createRng(7);
  const ids = Array.from({ length: 48 }, () => Math.floor(rng.nextFloat64() * config.vocab_size));
  const n = ids.length;
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.keys(), BigInt), [1, n]),
  };
  const headSize = config.n_embd / config.n_head;
  for (let l = 0; l < config.n_layer; l++)
    for (const kind of ['key', 'value'])
      feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        config.n_head,
        0,
        headSize,
      ]);
  const outputs = await session.run(feeds, ['logits']);
  await session.release();
  return { logits: outputs.logits.data as Float32Array, ids, vocab: config.vocab_size };
}

describe('scorePosition and positionMetrics equal their previous composition', () => {
  let shipped: { logits: Float32Array; ids: number[]; vocab: number };
  beforeAll(async () => {
    shipped = await shippedModelLogits();
  });

  it("on every row of sotu-gpt's own logits (onnxruntime-node), for the actual next token and others", () => {
    const { logits, ids, vocab } = shipped;
    expect(logits.length).toBe(ids.length * vocab);
    for (let p = 0; p + 1 < ids.length; p++) {
      const row = logits.subarray(p * vocab, (p + 1) * vocab);
      expectSameScore(row, ids[p + 1], 5);
      expectSameMetrics(row, ids[p + 1]);
      if (p % 8 === 0) checkRow(row, p);
    }
  });

  it('on random logits of every scale, with top-k from 0 past the vocabulary and past the sorted buffer', () => {
    for (const [size, scale] of [
      [1, 1],
      [2, 3],
      [7, 1],
      [10, 0.5],
      [11, 2],
      [1000, 0.01],
      [8192, 3],
      [8192, 30],
    ]) {
      checkRow(normalRow(size, scale, size + Math.round(scale * 100)), size, [0, 1, 5, 10, 12, 300, size + 3]);
    }
  });

  it('on a 150,000-token vocabulary', () => {
    checkRow(normalRow(150_000, 4, 1), 2, [5, 10]);
  });

  it('on ties: a uniform row, and logits rounded to halves so many tokens share a value', () => {
    checkRow(new Float32Array(300).fill(-2.5), 3);
    const rounded = normalRow(5000, 3, 4).map((z) => Math.round(z * 2) / 2);
    checkRow(rounded, 5, [1, 5, 10, 64]);
  });

  it('on -Infinity entries: some masked, the asked token masked, all but one masked', () => {
    const masked = normalRow(2000, 2, 6);
    for (let i = 0; i < masked.length; i += 3) masked[i] = -Infinity;
    checkRow(masked, 6, [1, 5, 10, 800]);
    const single = new Float32Array(50).fill(-Infinity);
    single[17] = 1.5;
    checkRow(single, 7);
    expect(scorePosition(single, 3, 2).probability).toBe(0);
    expect(positionMetrics(single, 3).logProb).toBe(-Infinity);
  });

  it('on peaked rows, whose entropy is tiny, and on a plain number array', () => {
    const peaked = normalRow(8192, 1, 8);
    peaked[123] = 60;
    checkRow(peaked, 8);
    expect(positionMetrics(peaked, 123).entropyNats).toBeGreaterThan(0);
    checkRow(Array.from(normalRow(40, 2, 9)), 9);
  });

  it('ranks log-probabilities as logSoftmax rounds them where distinct logits near zero share one', () => {
    // Float32 neighbours around 1e-9 differ by ~1e-16: after subtracting the max and ln S they round
    // to one log-probability, so the lab's rank counts them as tied, as it always did.
    const row = new Float32Array(64).fill(-3);
    row[5] = Math.fround(1e-9);
    for (let i = 6; i < 12; i++) row[i] = Math.fround(row[i - 1] * (1 + 2 ** -22));
    row[0] = 0.5;
    const logProbs = logSoftmax(row);
    expect(new Set(Array.from(logProbs.subarray(5, 12))).size).toBeLessThan(7); // the collapse happens
    for (let t = 5; t < 12; t++) expectSameMetrics(row, t);
    checkRow(row, 10);
  });

  it('throws where the composition threw: bad logits first, then a token outside the vocabulary', () => {
    for (const bad of [[], [1, NaN], [Infinity, 1], [-Infinity, -Infinity]]) {
      const message = (() => {
        try {
          oracleScorePosition(bad, 0, 1);
        } catch (error) {
          return (error as RangeError).message;
        }
        throw new Error('the oracle accepted bad logits');
      })();
      expect(() => scorePosition(bad, 0, 1)).toThrow(new RangeError(message));
      expect(() => positionMetrics(bad, 0)).toThrow(new RangeError(message));
    }
    expect(() => scorePosition([1, 2], 2, 1)).toThrow(/outside the vocabulary/);
    expect(() => positionMetrics([1, 2], -1)).toThrow(/outside the vocabulary/);
    expect(() => scorePosition([1, 2], 0, 1.5)).toThrow(RangeError);
  });
});

describe('rowStatistics', () => {
  it('gives the sum, log-sum and maximum that logSumExp and softmax use, bit for bit', () => {
    const row = normalRow(8192, 3, 11);
    const stats = rowStatistics(row, 42, 3);
    expect(stats.maxLogit).toBe(maxLogit(row));
    expect(stats.maxLogit + stats.logExpSum).toBe(logSumExp(row));
    const p = softmax(row);
    for (const i of [0, 42, 8191]) expect(Math.exp(row[i] - stats.maxLogit) / stats.expSum).toBe(p[i]);
    expect(Array.from(stats.topIds)).toEqual(Array.from(topNIndices(row, 3)));
  });
});

describe('logProbRanking', () => {
  it('gives logSoftmax, tokenMetrics and topNIndices results over log-probabilities, ties included', () => {
    const tied = normalRow(3000, 2, 12).map((z) => Math.round(z * 4) / 4);
    for (const row of [normalRow(3000, 2, 12), tied]) {
      const stats = rowStatistics(row, 9, 0);
      const logProbs = logSoftmax(row);
      for (const n of [1, 20, 200]) {
        const ranking = logProbRanking(row, stats, 9, n);
        expect(ranking.logProb).toBe(logProbs[9]);
        expect(ranking.rank).toBe(tokenMetrics(logProbs, 9).rank);
        const top = topNIndices(logProbs, n);
        expect(Array.from(ranking.topIds)).toEqual(Array.from(top));
        expect(Array.from(ranking.topLogProbs)).toEqual(Array.from(top, (i) => logProbs[i]));
      }
    }
  });

  it('refuses a top-n beyond its sorted buffer', () => {
    const row = normalRow(10, 1, 13);
    expect(() => logProbRanking(row, rowStatistics(row, 0, 0), 0, 257)).toThrow(RangeError);
  });
});
