/**
 * The bench-only baseline page's contract (tools/bench/baseline/): what the page's worker is asked
 * to do with bare transformers.js, and what the page exposes to the bench on `window.__baseline`.
 */

/** From the page's URL query: the model and runtime settings the app used. */
export interface BaselineLoad {
  /** Folder name under `models/` (the app's default model). */
  model: string;
  dtype: string;
  /** WASM threads, as many as the app's worker runs. */
  threads: number;
  /** The text whose first distribution the app shows at start (the lab's default text). */
  text: string;
}

export type BaselineRequest =
  | ({ kind: 'load' } & BaselineLoad)
  | { kind: 'tokenize'; text: string }
  /** One forward over `ids` from position 0; `transfer` sends the logits back to the page (the app's round trip). */
  | { kind: 'forward'; ids: number[]; transfer?: boolean }
  /** The KV-cached step for the last of `ids`: the past of the others is computed first, untimed. */
  | { kind: 'step'; ids: number[] }
  /** Forwards over the sliding windows the app's scoring runs, without its statistics. */
  | { kind: 'score'; ids: number[] };

export interface BaselineReply {
  /** The worker's own time for the timed part (ms). */
  elapsedMs: number;
  logits?: Float32Array;
  /** `load`: the first forward's time (elapsedMs is from_pretrained's, model and tokenizer). */
  forwardMs?: number;
  /** `tokenize`: the text's ids; `load`: the first forward's (the start token, then the text). */
  ids?: number[];
  /** `load`: whether the worker is cross-origin isolated (threads need it). */
  crossOriginIsolated?: boolean;
  /** `load`: the threads ONNX Runtime was given. */
  threads?: number;
}

export type BaselineMessage = { id: number } & ({ ok: true; reply: BaselineReply } | { ok: false; error: string });

export interface BaselineApi {
  /** ms from navigation start until the first forward's reply reached the page; null until then. */
  firstForwardAt: number | null;
  /** The load's reply: from_pretrained and the first forward in the worker. */
  load: BaselineReply | null;
  error: string | null;
  call(request: BaselineRequest): Promise<BaselineReply>;
}

declare global {
  interface Window {
    __baseline?: BaselineApi;
  }
}
