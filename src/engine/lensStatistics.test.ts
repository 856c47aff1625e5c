/**
 * The lens statistics from the generated ONNX graph (float32, batched) against the float64
 * JavaScript reference, on the real embedded models under Node (onnxruntime-node): a tied GPT
 * with LayerNorm, an untied Llama with RMSNorm, and the byte model, on a multilingual text.
 * The layer view shows KL and surprisal correlations with 2–3 decimals and recall as a share:
 * the graph must agree far below that, and ranks must agree except on float32 near-ties.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { Engine } from './engine';
import { collectHiddenStates } from './layerAnalysis';
import {
  lensGraphFor,
  lensStatisticsInJs,
  lensStatisticsOnGraph,
  type LensInputs,
  type LensStatistics,
} from './lensStatistics';
import { scoreAgainstRows } from '../core/bigram/layers';
import { covarianceGraphFor, covarianceSimilarities, covarianceSimilaritiesInJs } from './covarianceStatistics';

const TEXT =
  'Fellow-Citizens of the Senate: the state of the Union is strong. Die Lage der Nation ist gut — ' +
  'l’état de l’Union est fort. 国情咨文，“强大”。 Состояние Союза крепкое.';

function flat(values: number[][]): number[] {
  return values.flat();
}

describe.each(['sotu-gpt', 'sotu-llama', 'sotu-bytes'])('lens statistics on the graph vs JavaScript, %s', (id) => {
  const engine = new Engine(createNodeRuntime());
  let inputs: LensInputs;
  let reference: LensStatistics;

  beforeAll(async () => {
    const info = await engine.load({ source: { kind: 'embedded', id }, backend: 'wasm', dtype: 'auto' });
    const start = info.bosTokenId ?? info.eosTokenId ?? 0;
    const ids = engine.tokenize({ text: TEXT }).ids.slice(0, 120);
    const read = engine.bigramAnalyzer().internals();
    if (!read.ok) throw new Error(read.reason);
    const { internals } = read;
    const L = internals.layerCount;
    const runnable = engine['require']().runnable;
    const hidden = await collectHiddenStates(runnable, [start, ...ids], L, {
      firstIndex: 1,
      layers: Array.from({ length: L + 1 }, (_, l) => l),
      withLogits: true,
      outputNames: internals.hiddenStateNames,
    });
    const d = internals.hiddenSize;
    inputs = {
      internals,
      layers: Array.from({ length: L + 1 }, (_, l) => ({ values: hidden.layers.get(l)!, rows: ids.length, cols: d })),
      finalLogits: hidden.logits!,
      vocabSize: runnable.vocabSize,
      // Every position, the last one (no next token) included.
      sampled: ids.map((_, k) => k),
      currentIds: ids,
      nextIds: ids.map((_, k) => (k + 1 < ids.length ? ids[k + 1] : null)),
    };
    reference = lensStatisticsInJs(inputs);
  }, 120_000);
  afterAll(() => engine.unload());

  it('gives the same KL, surprisals and current-token ranks, within float32 rounding', async () => {
    const graph = await lensGraphFor(engine['require']().runnable.model, inputs.internals);
    expect(graph).not.toBeNull();
    const onGraph = await lensStatisticsOnGraph(graph!, inputs);

    const kl = flat(reference.klNats);
    const klGraph = flat(onGraph.klNats);
    expect(klGraph).toHaveLength(kl.length);
    kl.forEach((v, i) => expect(Math.abs(klGraph[i] - v)).toBeLessThan(2e-4 + 2e-5 * v));

    expect(onGraph.modelSurprisalBits).toHaveLength(reference.modelSurprisalBits.length);
    reference.modelSurprisalBits.forEach((v, i) =>
      expect(Math.abs(onGraph.modelSurprisalBits[i] - v)).toBeLessThan(1e-3),
    );
    const lensBits = flat(reference.lensSurprisalBits);
    const lensBitsGraph = flat(onGraph.lensSurprisalBits);
    expect(lensBitsGraph).toHaveLength(lensBits.length);
    lensBits.forEach((v, i) => expect(Math.abs(lensBitsGraph[i] - v)).toBeLessThan(1e-3 + 1e-5 * v));

    // A rank may differ only where another token's float64 score is within float32 rounding of
    // the current token's (a near-tie the two sums can order differently).
    const { internals, layers, sampled, currentIds } = inputs;
    const d = internals.hiddenSize;
    let differing = 0;
    for (const [l, layer] of layers.entries()) {
      for (const [i, k] of sampled.entries()) {
        const jsRank = reference.currentTokenRanks[l][i];
        const graphRank = onGraph.currentTokenRanks[l][i];
        if (jsRank === graphRank) continue;
        differing++;
        const scores = scoreAgainstRows(internals.inputEmbedding, layer.values.subarray(k * d, (k + 1) * d));
        const target = scores[currentIds[k]];
        const nearTies = scores.filter((s) => Math.abs(s - target) <= 1e-5 * Math.max(1, Math.abs(target))).length - 1;
        expect(Math.abs(jsRank - graphRank)).toBeLessThanOrEqual(nearTies);
      }
    }
    expect(differing).toBeLessThanOrEqual(2);
  });

  it('the layer means the view draws agree to 4 decimals', async () => {
    const graph = await lensGraphFor(engine['require']().runnable.model, inputs.internals);
    const onGraph = await lensStatisticsOnGraph(graph!, inputs);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    for (let l = 0; l < inputs.layers.length; l++) {
      expect(Math.abs(mean(onGraph.klNats[l]) - mean(reference.klNats[l]))).toBeLessThan(1e-4);
      const recall = (ranks: number[]) => ranks.filter((r) => r <= 10).length / ranks.length;
      expect(Math.abs(recall(onGraph.currentTokenRanks[l]) - recall(reference.currentTokenRanks[l]))).toBeLessThan(
        0.01,
      );
    }
  });

  it('gives the covariance similarities of the float64 reference to 4 decimals (the heatmap shows 2–3)', async () => {
    const model = engine['require']().runnable.model;
    expect(await covarianceGraphFor(model, inputs.layers.length, inputs.internals.hiddenSize)).not.toBeNull();
    const onGraph = await covarianceSimilarities(model, inputs.layers);
    const reference = covarianceSimilaritiesInJs(inputs.layers);
    for (const key of ['covariance', 'covarianceStandardised'] as const) {
      expect(onGraph[key]).toHaveLength(reference[key].length);
      reference[key].forEach((v, i) => expect(Math.abs(onGraph[key][i] - v)).toBeLessThan(1e-4));
    }
  });
});
