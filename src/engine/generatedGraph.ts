/**
 * Running small generated ONNX graphs (core/onnx/graphWriter.ts) in the same ONNX Runtime as
 * the loaded model: its session class is reached through transformers.js's `sessions`, so the
 * graph shares the runtime's threads and wasm heap in the browser and onnxruntime-node in the
 * CLI. On the CPU always (WASM in a browser): the graphs are batched float32 maths that ONNX
 * Runtime's CPU kernels run well, and a WebGPU device would have to download every output.
 */
import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { writeOnnxModel, type GraphSpec } from '../core/onnx/graphWriter';
import { exclusiveOnnxRuntime } from './onnxRuntimeQueue';

export interface GraphOutputs {
  [name: string]: { data: unknown };
}

/** A generated graph opened in the model's runtime. */
export interface GeneratedGraph {
  run(feeds: Record<string, GraphFeed>): Promise<GraphOutputs>;
}

/** An input: float32 values or int64 ids, with its shape. */
export type GraphFeed = { values: Float32Array; dims: number[] } | { ids: readonly number[]; dims: number[] };

interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<GraphOutputs>;
}

interface OrtSessionClass {
  create(bytes: Uint8Array, options: object): Promise<OrtSession>;
}

function ortTensor(feed: GraphFeed): unknown {
  const tensor =
    'values' in feed
      ? new Tensor('float32', feed.values, feed.dims)
      : new Tensor(
          'int64',
          BigInt64Array.from(feed.ids, (v) => BigInt(v)),
          feed.dims,
        );
  return (tensor as unknown as { ort_tensor: unknown }).ort_tensor;
}

/**
 * Every generated graph runs between the model's own forward passes. With ONNX Runtime's
 * default its worker threads spin after each run, taking the cores from the next forward: in
 * Node on 2 cores the 15 forwards of a 2,000-token scoring took ~1.7× as long beside the
 * scoring graph. Without spinning they take what they take with no graph. (Measured with the
 * scoring graph; the bigram, lens and covariance graphs alternate with forwards the same way.)
 */
const GRAPH_SESSION_OPTIONS = { extra: { session: { intra_op: { allow_spinning: '0' } } } };

/** Opens `spec` in the runtime of `model`; null when that runtime's session class is not reachable. */
export async function openGeneratedGraph(model: PreTrainedModel, spec: GraphSpec): Promise<GeneratedGraph | null> {
  const modelSession = (model as unknown as { sessions?: Record<string, { constructor?: unknown }> }).sessions?.model;
  const SessionClass = modelSession?.constructor as OrtSessionClass | undefined;
  if (typeof SessionClass?.create !== 'function') return null;
  const bytes = writeOnnxModel(spec);
  const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  const session = await exclusiveOnnxRuntime(() =>
    SessionClass.create(bytes, { executionProviders: [inNode ? 'cpu' : 'wasm'], ...GRAPH_SESSION_OPTIONS }),
  );
  return {
    run: (feeds) =>
      exclusiveOnnxRuntime(() =>
        session.run(Object.fromEntries(Object.entries(feeds).map(([name, feed]) => [name, ortTensor(feed)]))),
      ),
  };
}

/** A graph that would not open: said on the console (the caller falls back to JavaScript), then null. */
export function graphFailed(error: unknown): null {
  console.warn(`A generated ONNX graph could not be opened; computing in JavaScript instead: ${String(error)}`);
  return null;
}
