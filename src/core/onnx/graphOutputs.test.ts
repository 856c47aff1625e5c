/**
 * Adding residual-stream outputs to a graph, checked against ONNX Runtime: sotu-gpt with its
 * `hidden_states.*` outputs removed, then found and added back, returns the same values
 * as the original export.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { withGraphOutputs, withoutGraphOutputs } from './graphOutputs';
import { parseOnnxModel, type OnnxModel } from './model';
import { findResidualStream } from './residualStream';

const modelPath = join(dirname(fileURLToPath(import.meta.url)), '../../../public/models/sotu-gpt/onnx/model.onnx');
const original = new Uint8Array(readFileSync(modelPath));
const isHidden = (name: string) => name.startsWith('hidden_states.');

function parse(bytes: Uint8Array): OnnxModel {
  const parsed = parseOnnxModel(bytes);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

/** sotu-gpt (4 layers, 4 heads of 64) on a short sequence with an empty KV cache. */
async function run(bytes: Uint8Array): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const ids = [8191, 17, 402, 93, 1200, 5];
  const n = ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.keys(), BigInt), [1, n]),
  };
  for (let l = 0; l < 4; l++)
    for (const kind of ['key', 'value'])
      feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 64]);
  const outputs = await session.run(feeds);
  await session.release();
  return outputs;
}

describe('withoutGraphOutputs / withGraphOutputs', () => {
  it('removes the hidden_states outputs and adds them back after the others', () => {
    const stripped = withoutGraphOutputs(original, isHidden);
    expect(parse(stripped).graph.outputs.some(isHidden)).toBe(false);
    const restored = parse(withGraphOutputs(stripped, ['hidden_states.0', 'hidden_states.4']));
    expect(restored.graph.outputs.slice(-3)).toEqual(['present.3.value', 'hidden_states.0', 'hidden_states.4']);
    // The weights are copied untouched.
    expect(restored.graph.initializers.size).toBe(parse(original).graph.initializers.size);
  });

  it('a model whose residual outputs were removed and added back returns the original hidden states (ONNX Runtime)', async () => {
    const stripped = withoutGraphOutputs(original, isHidden);
    const found = findResidualStream(parse(stripped).graph);
    if (!found.ok) throw new Error(found.reason);
    expect(found.value.names).toEqual([
      'hidden_states.0',
      'hidden_states.1',
      'hidden_states.2',
      'hidden_states.3',
      'hidden_states.4',
    ]);
    const [reference, strippedRun, edited] = await Promise.all([
      run(original),
      run(stripped),
      run(withGraphOutputs(stripped, found.value.names)),
    ]);
    expect(Object.keys(strippedRun).some(isHidden)).toBe(false);
    for (const name of found.value.names) {
      const want = reference[name].data as Float32Array;
      const got = edited[name].data as Float32Array;
      expect(edited[name].dims).toEqual(reference[name].dims);
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
      expect(maxDiff).toBeLessThan(1e-6);
    }
  });
});
