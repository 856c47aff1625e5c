/**
 * The comparison graph in onnxruntime-node against float64 maths built from core/distribution's
 * functions (the previous comparePosition), on the real embedded models' logits: ids, top-1 and
 * ranks exactly, KL / JS / probabilities below what the view shows. Rows the float32 graph
 * cannot hold go to the float64 JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareStretch, type BigramPositionComparison } from '../core/bigram/compare';
import { createRng, jensenShannonNats, klDivergenceNats, softmax, tokenRank, topNIndices } from '../core/distribution';
import {
  bigramCompareGraphFor,
  compareStretchOnGraph,
  compareStretchOnModel,
  type StretchRows,
} from './bigramComparison';
import { Engine } from './engine';
import { forwardAll } from './inference';
import { createNodeRuntime } from './nodeRuntime';

/** Largest differences seen against the float64 oracle. */
interface Differences {
  divergence: number;
  probability: number;
}

function expectNearOracle(rows: readonly BigramPositionComparison[], stretch: StretchRows): Differences {
  const seen = { divergence: 0, probability: 0 };
  expect(rows.map((r) => r.position)).toEqual(
    Array.from({ length: stretch.to - stretch.from }, (_, k) => stretch.from + k),
  );
  for (const row of rows) {
    const p = row.position;
    const next = p + 1 < stretch.ids.length ? stretch.ids[p + 1] : null;
    const fullLogits = stretch.fullRow(p);
    const bigramLogits = stretch.bigramRow(stretch.ids[p]);
    const P = softmax(fullLogits);
    const Q = softmax(bigramLogits);
    expect(row).toMatchObject({
      tokenId: stretch.ids[p],
      nextTokenId: next,
      top1Full: topNIndices(P, 1)[0],
      top1Bigram: topNIndices(Q, 1)[0],
      nextRankFull: next === null ? null : tokenRank(fullLogits, next),
      nextRankBigram: next === null ? null : tokenRank(bigramLogits, next),
    });
    seen.divergence = Math.max(
      seen.divergence,
      Math.abs(row.klNats - klDivergenceNats(P, Q)),
      Math.abs(row.jsNats - jensenShannonNats(P, Q)),
    );
    if (next !== null)
      seen.probability = Math.max(
        seen.probability,
        Math.abs(row.nextProbabilityFull! - P[next]),
        Math.abs(row.nextProbabilityBigram! - Q[next]),
      );
  }
  // The view shows KL and JS to 3 decimals and probabilities to 4.
  expect(seen.divergence).toBeLessThan(1e-4);
  expect(seen.probability).toBeLessThan(1e-5);
  return seen;
}

describe.each(['sotu-gpt', 'sotu-bytes', 'sotu-llama'])('the bigram comparison graph on %s (Node)', (id) => {
  const engine = new Engine(createNodeRuntime());
  let stretch: StretchRows;

  beforeAll(async () => {
    const info = await engine.load({ source: { kind: 'embedded', id }, backend: 'wasm', dtype: 'auto' });
    const V = info.vocabSize;
    const start = info.bosTokenId ?? info.eosTokenId ?? 0;
    // 300 tokens from 40 distinct ids: more than one graph run at an 8k vocabulary, tokens repeated across runs.
    const rng = createRng(11);
    const vocabulary = Array.from({ length: 40 }, () => rng.nextUint32() % V);
    const ids = Array.from({ length: 300 }, () => vocabulary[rng.nextUint32() % vocabulary.length]);
    const runnable = engine['require']().runnable;
    const full = await forwardAll(runnable, [start, ...ids], { fromPosition: 1 });
    const rows = new Map<number, Float32Array>();
    await engine.bigramAnalyzer().contextOneLogits(ids, { onRow: (token, row) => rows.set(token, row) });
    stretch = {
      ids,
      from: 0,
      to: ids.length,
      fullRow: (p) => full.logits.subarray(p * V, (p + 1) * V),
      bigramRow: (token) => rows.get(token)!,
      vocabSize: V,
    };
  });
  afterAll(() => engine.unload());

  it('opens in the model runtime and matches float64 maths at every position, over several runs', async () => {
    const graph = await bigramCompareGraphFor(engine['require']().runnable.model, stretch.vocabSize);
    expect(graph).not.toBeNull();
    const whole = (await compareStretchOnGraph(graph!, stretch))!;
    expectNearOracle(whole, stretch);
    // A stretch that starts and ends inside the text: its last position's next token lies past it.
    const middle = { ...stretch, from: 37, to: 290 };
    expectNearOracle((await compareStretchOnGraph(graph!, middle))!, middle);
    // And the float64 JavaScript agrees with it.
    const js = compareStretch(stretch.ids, 0, stretch.ids.length, stretch.fullRow, stretch.bigramRow);
    expectNearOracle(js, stretch);
  });

  it('keeps a row with a vanishing probability on the graph, and sends a masked token to the float64 JavaScript', async () => {
    const model = engine['require']().runnable.model;
    const graph = await bigramCompareGraphFor(model, stretch.vocabSize);
    const withRow = (row: Float32Array) => ({
      ...stretch,
      fullRow: (p: number) => (p === 5 ? row : stretch.fullRow(p)),
    });
    // exp(−200) underflows float32 in the full row only: the graph still matches float64.
    const far = stretch.fullRow(5).slice();
    far[1] -= 200;
    expectNearOracle((await compareStretchOnGraph(graph!, withRow(far)))!, withRow(far));
    // A masked token (−Infinity) makes the graph's outputs NaN: the positions go to float64 JavaScript.
    const masked = stretch.fullRow(5).slice();
    masked[1] = -Infinity;
    expect(await compareStretchOnGraph(graph!, withRow(masked))).toBeNull();
    const rows = await compareStretchOnModel(model, withRow(masked));
    expect(rows).toEqual(
      compareStretch(stretch.ids, 0, stretch.ids.length, withRow(masked).fullRow, stretch.bigramRow),
    );
  });
});
