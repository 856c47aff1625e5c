/// <reference lib="webworker" />
/**
 * The baseline's worker: bare transformers.js, as its documentation uses it. The app's own
 * settings for ONNX Runtime are kept (its `ort/` plain WASM build, the same thread count,
 * the wasm fetched by ONNX Runtime so it compiles while streaming) so that the ratios measure
 * the app's own code, not a different runtime; the model files load through
 * `from_pretrained`'s own fetch and Cache Storage.
 */
import { AutoModelForCausalLM, AutoTokenizer, DynamicCache, env, Tensor } from '@huggingface/transformers';
import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import { planSlidingWindows } from '../../../src/core/context/slidingWindow';
import { ORT_WASM_BUILDS } from '../../../src/engine/browserRuntime';
import { defaultStride, windowTokensFor } from '../../../src/engine/inference';
import type { BaselineLoad, BaselineMessage, BaselineReply, BaselineRequest } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

type Outputs = Record<string, Tensor>;

let model: PreTrainedModel | null = null;
let tokenizer: PreTrainedTokenizer | null = null;
let contextTokens = 0;
let vocabSize = 0;

const ids64 = (ids: readonly number[]) =>
  new Tensor(
    'int64',
    BigInt64Array.from(ids, (id) => BigInt(id)),
    [1, ids.length],
  );
const ones = (length: number) => new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);

async function forward(ids: readonly number[], past?: Outputs): Promise<Outputs> {
  const inputs: Record<string, unknown> = { input_ids: ids64(ids), attention_mask: ones(ids.length) };
  if (past) {
    // The full mask covers the past and the new tokens.
    inputs.attention_mask = ones(past['past_key_values.0.key'].dims[2] + ids.length);
    inputs.past_key_values = new DynamicCache(past);
  }
  return (await model!(inputs)) as Outputs;
}

/** The presents of a run as the next run's past. */
const pastOf = (outputs: Outputs): Outputs =>
  Object.fromEntries(
    Object.entries(outputs)
      .filter(([name]) => name.startsWith('present'))
      .map(([name, tensor]) => [name.replace(/^present/, 'past_key_values'), tensor]),
  );

async function load(request: BaselineLoad): Promise<BaselineReply> {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  // A path, not a URL: transformers.js checks a local file only under a path (the browser's default).
  env.localModelPath = '/models/';
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm!;
  wasm.wasmPaths = {
    mjs: new URL(`/${ORT_WASM_BUILDS.wasm.mjs}`, self.location.origin).href,
    wasm: new URL(`/${ORT_WASM_BUILDS.wasm.wasm}`, self.location.origin).href,
  };
  wasm.numThreads = request.threads;
  const started = performance.now();
  [model, tokenizer] = await Promise.all([
    AutoModelForCausalLM.from_pretrained(request.model, { dtype: request.dtype as 'fp32', device: 'wasm' }),
    AutoTokenizer.from_pretrained(request.model),
  ]);
  const fromPretrainedMs = performance.now() - started;
  const config = model.config as unknown as { n_positions: number; vocab_size: number; bos_token_id?: number };
  contextTokens = config.n_positions;
  vocabSize = config.vocab_size;
  // The app's first distribution: the text after the start token, one forward, its last row.
  const ids = [config.bos_token_id ?? 0, ...tokenizer.encode(request.text, { add_special_tokens: false })];
  const forwardStarted = performance.now();
  const logits = (await forward(ids)).logits.data as Float32Array;
  if (logits.length !== ids.length * vocabSize) throw new Error(`the first forward gave ${logits.length} logits`);
  return {
    elapsedMs: fromPretrainedMs,
    forwardMs: performance.now() - forwardStarted,
    ids,
    crossOriginIsolated: self.crossOriginIsolated,
    threads: wasm.numThreads,
  };
}

async function handle(request: BaselineRequest): Promise<{ reply: BaselineReply; transfer?: Transferable[] }> {
  if (request.kind === 'load') return { reply: await load(request) };
  if (!model || !tokenizer) throw new Error('the model is not loaded');
  switch (request.kind) {
    case 'tokenize':
      return { reply: { elapsedMs: 0, ids: tokenizer.encode(request.text, { add_special_tokens: false }) } };
    case 'forward': {
      const started = performance.now();
      const logits = (await forward(request.ids)).logits.data as Float32Array;
      const elapsedMs = performance.now() - started;
      if (!request.transfer) return { reply: { elapsedMs } };
      // Transfer the output's own buffer when it has one (a view into shared memory cannot move).
      const own = logits.buffer instanceof ArrayBuffer && logits.byteLength === logits.buffer.byteLength;
      const sent = own ? logits : logits.slice();
      return { reply: { elapsedMs, logits: sent }, transfer: [sent.buffer as ArrayBuffer] };
    }
    case 'step': {
      // As in the app's bench, the step before the timed one is a cached step too (run just
      // before, it leaves the caches as the app's does): the past of all but the last two
      // tokens, then one step, untimed; then the timed step.
      const ids = request.ids;
      let past = pastOf(await forward(ids.slice(0, -2)));
      past = pastOf(await forward(ids.slice(-2, -1), past));
      const started = performance.now();
      const logits = (await forward(ids.slice(-1), past)).logits.data as Float32Array;
      const elapsedMs = performance.now() - started;
      if (logits.length !== vocabSize) throw new Error(`a step gave ${logits.length} logits, not ${vocabSize}`);
      return { reply: { elapsedMs } };
    }
    case 'score': {
      // The app's windows (src/engine/inference.ts scoreSequence) over positions 0..n−2.
      const windowTokens = windowTokensFor(contextTokens, vocabSize);
      const windows = planSlidingWindows(request.ids.length - 1, windowTokens, defaultStride(windowTokens));
      const started = performance.now();
      let positions = 0;
      for (const window of windows) {
        const logits = (await forward(request.ids.slice(window.start, window.end))).logits.data as Float32Array;
        positions += logits.length / vocabSize;
      }
      if (positions !== windows.reduce((sum, w) => sum + w.end - w.start, 0))
        throw new Error('a window gave too few logits');
      return { reply: { elapsedMs: performance.now() - started } };
    }
  }
}

self.onmessage = async (event: MessageEvent<{ id: number; request: BaselineRequest }>) => {
  const { id, request } = event.data;
  try {
    const { reply, transfer } = await handle(request);
    self.postMessage({ id, ok: true, reply } satisfies BaselineMessage, transfer ?? []);
  } catch (error) {
    self.postMessage({
      id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    } satisfies BaselineMessage);
  }
};
