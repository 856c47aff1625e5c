/**
 * One ONNX Runtime job at a time, per realm (the worker, or the CLI's process).
 *
 * ONNX Runtime's web build must not create (or release) a session while another session's
 * run is in flight: on WebGPU (the asyncify build), picking a model while the lab was still
 * scoring the previous one crashed session creation with "memory access out of bounds".
 * transformers.js queues creations among themselves and runs among themselves, but not one
 * against the other. Both engines of a worker (the main model and the second model) share the
 * runtime, so the queue is module-wide, like ONNX Runtime's own state.
 *
 * A job must not wait for another job: the queue is not re-entrant.
 */
import type { PreTrainedModel, Tensor } from '@huggingface/transformers';

type TensorMap = Record<string, Tensor>;

let tail: Promise<unknown> = Promise.resolve();

/** Runs `job` after every job queued before it has settled; a failed job does not stop the queue. */
export function exclusiveOnnxRuntime<T>(job: () => Promise<T>): Promise<T> {
  const result = tail.then(job);
  tail = result.catch(() => undefined);
  return result;
}

/**
 * One forward pass and the reading of its outputs, as one job. GPU-resident outputs are
 * downloaded by `read` and released afterwards, except those `keep` names (the KV cache).
 */
export function forwardAndRead<T>(
  model: PreTrainedModel,
  inputs: Record<string, unknown>,
  read: (outputs: TensorMap) => Promise<T>,
  keep: (outputName: string) => boolean = () => false,
): Promise<T> {
  return exclusiveOnnxRuntime(async () => {
    const outputs = (await model.forward(inputs)) as TensorMap;
    try {
      return await read(outputs);
    } finally {
      disposeGpuOutputs(outputs, keep);
    }
  });
}

/** Frees GPU tensors among a run's outputs that we do not keep. */
export function disposeGpuOutputs(outputs: TensorMap, keep: (outputName: string) => boolean = () => false): void {
  for (const [name, tensor] of Object.entries(outputs)) {
    if (!keep(name) && tensor.location === 'gpu-buffer') tensor.dispose();
  }
}
