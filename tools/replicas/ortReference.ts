/**
 * A plain onnxruntime-node session on a replica's ONNX file, fed by hand: the reference the
 * tests hold transformers.js (in Node and in the browser) to.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseOnnxModel } from '../../src/core/onnx/model';
import { MODEL_SESSION_OPTIONS } from '../../src/engine/modelSessionOptions';

/** A session on `bytes`, a file of `folder`/onnx, with `model.onnx_data` when its weights live there. */
export async function ortSession(bytes: Uint8Array, folder: string): Promise<ort.InferenceSession> {
  const parsed = parseOnnxModel(bytes);
  if (!parsed.ok) throw new Error(parsed.reason);
  const external = [...parsed.value.graph.initializers.values()].some((t) => t.dataLocation === 1);
  const dataFile = join(folder, 'onnx', 'model.onnx_data');
  return ort.InferenceSession.create(bytes, {
    // As Tokenscope opens models: int8 products exact on CPUs without VNNI (modelSessionOptions.ts).
    ...MODEL_SESSION_OPTIONS,
    ...(external ? { externalData: [{ path: 'model.onnx_data', data: new Uint8Array(readFileSync(dataFile)) }] } : {}),
  });
}

/** One pass over `ids` with an empty cache (all outputs, or only `logits`). */
export async function ortRun(
  session: ort.InferenceSession,
  ids: number[],
  extraOutputs = false,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const n = ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    position_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
      [1, n],
    ),
  };
  for (const meta of session.inputMetadata) {
    if (!meta.name.startsWith('past_key_values.') || !meta.isTensor) continue;
    feeds[meta.name] = new ort.Tensor('float32', new Float32Array(0), [
      1,
      meta.shape[1] as number,
      0,
      meta.shape[3] as number,
    ]);
  }
  return extraOutputs ? session.run(feeds) : session.run(feeds, ['logits']);
}
