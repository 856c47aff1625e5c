/**
 * The layer views on the Hub layout replicas (build.py), through the engine as the app runs
 * them (a model folder, the dtypes the picker offers): the final norm is found on each layout
 * (GPT-2's LayerNorm traced into primitive ops, Llama's and Qwen2's traced RMSNorm, quantized
 * heads, weights in model.onnx_data), the residual stream is added as outputs by node name,
 * every lens statistic is finite, and the lens at the last layer equals the model's own logits
 * (within 1e-4 for fp32, within the format's error for quantized files, whose graph quantizes
 * the activations too). Gemma 2 says in one sentence why it has no lens.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../../src/engine/nodeRuntime';
import { logitLens } from '../../src/core/bigram/layers';
import { firstBlockSelfOnly } from '../../src/core/bigram/firstMlpPath';
import { Engine } from '../../src/engine/engine';
import { collectHiddenStates } from '../../src/engine/layerAnalysis';
import type { RunnableModel } from '../../src/engine/inference';
import type { ModelInternals } from '../../src/engine/modelInternals';
import { buildReplicasIntoTemp } from './buildReplicas';

type PickerDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

/** Largest |lens − logits| allowed, as a share of the largest logit (fp32: 1e-4 absolute). */
const LENS_TOLERANCE: Record<PickerDtype, number> = { fp32: 0, fp16: 5e-3, q8: 6e-2, q4: 1e-5, q4f16: 5e-3 };

const CASES: { name: string; dtypes: PickerDtype[]; norm: RegExp; firstBlock: boolean }[] = [
  { name: 'gpt2', dtypes: ['fp32', 'fp16', 'q8'], norm: /LayerNorm traced/, firstBlock: false },
  { name: 'llama', dtypes: ['fp32', 'fp16', 'q8', 'q4', 'q4f16'], norm: /RMSNorm/, firstBlock: true },
  { name: 'qwen2', dtypes: ['fp32', 'q8', 'q4', 'q4f16'], norm: /RMSNorm/, firstBlock: true },
];

const TEXT = 'The state of the Union is strong. Ünïcödé, 東京, and emoji 🙂 too.';

let out = '';
beforeAll(() => {
  out = buildReplicasIntoTemp();
});
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

describe.each(CASES.flatMap((c) => c.dtypes.map((dtype) => ({ ...c, dtype }))))(
  'layer views on the $name replica, $dtype',
  ({ name, dtype, norm, firstBlock }) => {
    const engine = new Engine(createNodeRuntime());
    let ids: number[] = [];
    let start = 0;
    let internals: ModelInternals;

    beforeAll(async () => {
      const info = await engine.load({ source: { kind: 'path', path: join(out, name) }, backend: 'wasm', dtype });
      start = info.bosTokenId ?? info.eosTokenId ?? 0;
      ids = engine.tokenize({ text: TEXT }).ids;
      const read = engine.bigramAnalyzer().internals();
      if (!read.ok) throw new Error(read.reason);
      internals = read.internals;
    });
    afterAll(() => engine.unload());

    it('finds the final norm and the residual stream by name', () => {
      expect(internals.finalNormSource).toMatch(norm);
      expect(internals.outputsAdded).toBe(true);
      expect(internals.hiddenStateNames).toHaveLength(internals.layerCount + 1);
      // The first block's MatMuls are read in fp32 and fp16 files; quantized ones are MatMulNBits/MatMulInteger.
      expect(internals.firstBlock !== null).toBe(firstBlock && (dtype === 'fp32' || dtype === 'fp16'));
    });

    it("the lens at the last layer equals the model's logits", async () => {
      const runnable: RunnableModel = await engine.bigramAnalyzer()['layerRunnable'](internals);
      const L = internals.layerCount;
      const hidden = await collectHiddenStates(runnable, [start, ...ids], L, {
        firstIndex: 1,
        layers: [L],
        withLogits: true,
        outputNames: internals.hiddenStateNames,
      });
      const d = internals.hiddenSize;
      const vocab = internals.unembedding.rows;
      for (const k of [0, Math.floor(ids.length / 2), ids.length - 1]) {
        const logits = hidden.logits!.subarray(k * vocab, (k + 1) * vocab);
        const lens = logitLens(
          hidden.layers.get(L)!.subarray(k * d, (k + 1) * d),
          internals.finalNorm,
          internals.unembedding,
          internals.unembeddingBias,
        );
        const tolerance = dtype === 'fp32' ? 1e-4 : LENS_TOLERANCE[dtype] * maxAbs(logits);
        expect(maxAbsDifference(lens, logits)).toBeLessThanOrEqual(tolerance);
      }
    });

    it('every layer statistic is finite, and the last layer is the model', async () => {
      const result = await engine.bigramAnalyzer().lens({ ids, position: 3, lensPositions: 8 });
      const L = result.layerCount;
      expect(result.layers).toHaveLength(L + 1);
      for (const layer of result.layers) {
        for (const value of Object.values(layer)) expect(Number.isFinite(value)).toBe(true);
      }
      // KL(model ‖ lens at L): 0 up to the error of a graph that computes in fp16 or quantizes activations.
      expect(result.layers[L].klToFinalMeanNats).toBeLessThan(dtype === 'fp32' || dtype === 'q4' ? 1e-6 : 1e-2);
      for (const value of result.covariance) expect(Number.isFinite(value)).toBe(true);
    });

    it.runIf(firstBlock && dtype === 'fp32')(
      'the first-block path with attention on the token itself equals the added output of block 0',
      async () => {
        const runnable: RunnableModel = await engine.bigramAnalyzer()['layerRunnable'](internals);
        const token = ids[2];
        const hidden = await collectHiddenStates(runnable, [token], internals.layerCount, {
          firstIndex: 0,
          layers: [1],
          outputNames: internals.hiddenStateNames,
        });
        const path = firstBlockSelfOnly(token, 0, internals.inputEmbedding, internals.firstBlock!);
        expect(maxAbsDifference(path, hidden.layers.get(1)!)).toBeLessThan(1e-4);
      },
    );
  },
);

describe('layer views on the gemma2 replica', () => {
  it('say in one sentence why there is no lens: the logits are soft-capped', async () => {
    const engine = new Engine(createNodeRuntime());
    await engine.load({ source: { kind: 'path', path: join(out, 'gemma2') }, backend: 'wasm', dtype: 'fp32' });
    const read = engine.bigramAnalyzer().internals();
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.reason).toMatch(
      /^The logit lens needs logits that are one matrix product of the final hidden state, and this model's are not: soft-capped logits have no linear key space \('logits' = 30 · tanh\(q · key \/ 30\)/,
    );
    await engine.unload();
  });
});

// The replica folders' configs name what the test expects of them.
it('the replicas are the layouts named above', () => {
  for (const { name } of CASES)
    expect(JSON.parse(readFileSync(join(out, name, 'config.json'), 'utf8')).model_type).toBe(name);
});
