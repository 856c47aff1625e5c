/**
 * The scoring graph in onnxruntime-node against scorePosition's float64 JavaScript (the
 * reference, unchanged): token, rank and top ids exactly; probabilities to 1e-6 relative and
 * entropies to 1e-5 nats, far below the 3 significant digits the views show, and near the float32
 * rounding of the logits themselves in the CLI's JSON (float32 sums of the vocabulary missed the
 * 1e-6 bound: ~7e-6). Rows the float32 graph cannot hold go to the JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PositionScore } from '../core/scoring/positionStats';
import { createRng } from '../core/distribution';
import { Engine } from './engine';
import { forwardAll, scoreSequence, type RunnableModel } from './inference';
import { createNodeRuntime } from './nodeRuntime';
import { scoreGraphFor, scoreRowsInJs, scoreRowsOnGraph } from './scoreStatistics';
import type { GeneratedGraph } from './generatedGraph';

/** Largest differences seen against the float64 reference. */
interface Differences {
  relativeProbability: number;
  entropyNats: number;
}

function expectNearReference(graph: readonly PositionScore[], reference: readonly PositionScore[]): Differences {
  const seen = { relativeProbability: 0, entropyNats: 0 };
  expect(graph.length).toBe(reference.length);
  for (const [i, row] of graph.entries()) {
    const want = reference[i];
    expect({ tokenId: row.tokenId, rank: row.rank, top: row.top.map((c) => c.tokenId) }).toEqual({
      tokenId: want.tokenId,
      rank: want.rank,
      top: want.top.map((c) => c.tokenId),
    });
    const relative = (a: number, b: number) => (a === b ? 0 : Math.abs(a / b - 1));
    seen.relativeProbability = Math.max(
      seen.relativeProbability,
      relative(row.probability, want.probability),
      ...row.top.map((c, j) => relative(c.probability, want.top[j].probability)),
    );
    seen.entropyNats = Math.max(seen.entropyNats, Math.abs(row.entropyNats - want.entropyNats));
  }
  // Measured on sotu-gpt: ~6e-8 relative (S rounded to float32) and ~3e-7 nats (float32 terms).
  expect(seen.relativeProbability).toBeLessThan(1e-6);
  expect(seen.entropyNats).toBeLessThan(1e-5);
  return seen;
}

describe.each(['sotu-gpt', 'sotu-bytes'])('the scoring graph on %s (Node)', (id) => {
  const engine = new Engine(createNodeRuntime());
  let runnable: RunnableModel;
  let graph: GeneratedGraph;
  let ids: number[];
  let logits: Float32Array;
  let V: number;

  beforeAll(async () => {
    const info = await engine.load({ source: { kind: 'embedded', id }, backend: 'wasm', dtype: 'auto' });
    V = info.vocabSize;
    runnable = engine['require']().runnable;
    const { ids: textIds } = engine.tokenize({
      text: 'Mr. Speaker, Mr. Vice President, Members of Congress, my fellow Americans: the state of our Union is strong. '.repeat(
        3,
      ),
    });
    ids = textIds.slice(0, Math.min(textIds.length, runnable.contextTokens));
    logits = (await forwardAll(runnable, ids)).logits;
    graph = (await scoreGraphFor(runnable.model, V))!;
  });
  afterAll(() => engine.unload());

  it('opens in the model runtime and matches scorePosition on every row, top 5 and top 40', async () => {
    expect(graph).not.toBeNull();
    const rows = logits.subarray(0, (ids.length - 1) * V);
    const targets = ids.slice(1);
    for (const topK of [5, 40]) {
      expectNearReference(await scoreRowsOnGraph(graph, rows, V, targets, topK), scoreRowsInJs(rows, V, targets, topK));
    }
  });

  it('scores a whole text as the float64 JavaScript does, position for position', async () => {
    const rng = createRng(5);
    // Past the context length: several windows, each window's kept rows one graph block or more.
    const long = Array.from({ length: 2 * runnable.contextTokens + 37 }, () => rng.nextUint32() % V);
    const onGraph = await scoreSequence(runnable, long, { topK: 3 });
    const inJs = await scoreSequence(runnable, long, { topK: 3, onGraph: false });
    expect(onGraph.positions.map((p) => p.position)).toEqual(inJs.positions.map((p) => p.position));
    expectNearReference(onGraph.positions, inJs.positions);
  });
});

describe('the scoring graph on edge rows (sotu-gpt, Node)', () => {
  const engine = new Engine(createNodeRuntime());
  let graph: GeneratedGraph;
  const V = 8192;

  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    expect(engine.modelInfo!.vocabSize).toBe(V);
    graph = (await scoreGraphFor(engine['require']().runnable.model, V))!;
  });
  afterAll(() => engine.unload());

  function rowsOf(...rows: Float32Array[]): Float32Array {
    const all = new Float32Array(rows.length * V);
    rows.forEach((row, i) => all.set(row, i * V));
    return all;
  }

  it('breaks ties as scorePosition does: the lower id first, tied tokens sharing the best rank', async () => {
    const rng = createRng(3);
    // Logits on a coarse grid: many exact ties, at the top too.
    const grid = () => Float32Array.from({ length: V }, () => (rng.nextUint32() % 16) / 4 - 2);
    const flat = new Float32Array(V).fill(0.25);
    const rows = rowsOf(grid(), grid(), flat, grid());
    const targets = [7, 8000, 4000, 0];
    for (const topK of [1, 5, 40]) {
      const onGraph = await scoreRowsOnGraph(graph, rows, V, targets, topK);
      expectNearReference(onGraph, scoreRowsInJs(rows, V, targets, topK));
      expect(onGraph[2]).toMatchObject({ rank: 1, top: Array.from({ length: topK }, (_, i) => ({ tokenId: i })) });
    }
  });

  it('sends a masked, infinite or far-off row to the float64 JavaScript, and throws its error on NaN', async () => {
    const rng = createRng(9);
    const random = () => Float32Array.from({ length: V }, () => rng.nextUint32() / 2 ** 29 - 4);
    const masked = random();
    masked[17] = -Infinity;
    const far = random();
    far[3] -= 200; // exp(−200) underflows float32: the row stays on the graph and still matches
    const rows = rowsOf(random(), masked, far);
    const targets = [1, 17, 3];
    const onGraph = await scoreRowsOnGraph(graph, rows, V, targets, 5);
    const inJs = scoreRowsInJs(rows, V, targets, 5);
    expectNearReference(onGraph, inJs);
    expect(onGraph[1]).toEqual(inJs[1]); // the masked row was scored in JavaScript: bit for bit
    expect(onGraph[1].probability).toBe(0);

    const withNaN = random();
    withNaN[5] = NaN;
    const nanRows = rowsOf(random(), withNaN);
    const jsError = (() => {
      try {
        scoreRowsInJs(nanRows, V, [0, 0], 5);
      } catch (error) {
        return error;
      }
    })();
    expect(jsError).toBeInstanceOf(Error);
    await expect(scoreRowsOnGraph(graph, nanRows, V, [0, 0], 5)).rejects.toEqual(jsError);
  });
});
