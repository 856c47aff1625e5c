/**
 * The engine's vocabulary of types, shared by the worker protocol, the UI and the CLI.
 * Plain data only: everything here crosses a postMessage boundary.
 */
import type { TokenByteScheme } from '../core/tokenization/tokenBytes';
import type { PositionScore } from '../core/scoring/positionStats';
import type { PositionMetrics } from '../core/lab/positionMetrics';

/** A file of a model folder picked from disk: its path inside the folder and its content. */
export interface FolderFile {
  /** Relative to the folder root, with `/`, e.g. `onnx/model.onnx`. */
  path: string;
  blob: Blob;
}

export type ModelSource =
  /** A model shipped in `public/models/<id>/` (in the CLI: that folder in the repository). */
  | { kind: 'embedded'; id: string }
  /** A Hugging Face Hub model id, fetched from the configured Hub host. */
  | { kind: 'hub'; id: string; revision?: string; /** Hub-style host; default https://huggingface.co/ */ host?: string }
  /** A model folder opened from disk in the browser. */
  | { kind: 'folder'; name: string; files: FolderFile[] }
  /** A model folder on the local file system (CLI only). */
  | { kind: 'path'; path: string };

/** `node-cpu` is onnxruntime-node, used by the CLI. */
export type Backend = 'webgpu' | 'wasm' | 'node-cpu';

/** What the user asked for: `auto` picks WebGPU when an adapter exists. */
export type BackendPreference = 'auto' | 'wasm';

/** transformers.js dtypes we offer; `auto` lets the model's config or the backend decide. */
export type Dtype = 'auto' | 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

export interface BackendReport {
  webgpuAdapter: boolean;
  /** A description of the adapter, when there is one (vendor / architecture). */
  webgpuAdapterName: string | null;
  /** Why WebGPU cannot be used, when it cannot (no API, no adapter). */
  webgpuUnavailableReason: string | null;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export interface BackendChoice {
  backend: Backend;
  /** ONNX Runtime WASM threads (1 when not cross-origin isolated). */
  threads: number;
  /** Why WebGPU is not in use; null when it is. */
  webgpuNotUsedReason: string | null;
}

export interface LoadParams {
  source: ModelSource;
  backend: BackendPreference;
  dtype: Dtype;
  /** The ONNX file's base name when it is not `model` (older Hub exports use `decoder_model_merged`). */
  modelFileName?: string;
}

export type FileLoadState = 'waiting' | 'downloading' | 'cached' | 'done' | 'absent';

export interface FileProgress {
  path: string;
  state: FileLoadState;
  loadedBytes: number;
  /** null until the server says how big the file is. */
  totalBytes: number | null;
  /** Whether the model loads without this file. */
  optional: boolean;
}

export interface LoadProgress {
  phase: 'config' | 'downloading' | 'initialising';
  files: FileProgress[];
  loadedBytes: number;
  totalBytes: number;
}

export interface ModelInfo {
  /** A stable key for this model, e.g. `embedded:sotu-gpt` or `hub:Xenova/gpt2`. */
  key: string;
  /** What people read: `sotu-gpt`, `Xenova/gpt2`, `folder my-model`. */
  label: string;
  source: Exclude<ModelSource, { kind: 'folder' }> | { kind: 'folder'; name: string };
  backend: Backend;
  threads: number;
  webgpuNotUsedReason: string | null;
  /** The dtype actually loaded. */
  dtype: Exclude<Dtype, 'auto'>;
  modelFile: string;
  modelType: string;
  vocabSize: number;
  /** The most tokens one forward pass can see. */
  contextTokens: number;
  layerCount: number | null;
  hiddenSize: number | null;
  byteScheme: TokenByteScheme;
  bosTokenId: number | null;
  eosTokenId: number | null;
  /** Bytes read for this load (network or cache). */
  downloadedBytes: number;
  loadMs: number;
  /** SHA-256 of every file loaded (config, tokenizer, ONNX), sorted by path: the exact weights, for experiments. */
  fileHashes: { path: string; sha256: string }[];
}

export interface TokenView {
  id: number;
  /** Byte-exact rendering: text where the bytes are complete UTF-8, `\xNN` elsewhere. */
  text: string;
  /** The token's bytes as lowercase hex. */
  bytesHex: string;
  special: boolean;
}

export interface TokenizeParams {
  text: string;
  /** Add the model's BOS/EOS tokens as its tokenizer config says (default false). */
  addSpecialTokens?: boolean;
}

export interface TokenizeResult {
  ids: number[];
  tokens: TokenView[];
}

export interface VocabularyResult {
  /** Rendered token text by id (byte-exact, see TokenView.text). */
  tokens: string[];
  specialIds: number[];
  byteScheme: TokenByteScheme;
}

export interface ForwardParams {
  ids: number[];
  /** Return logits for positions [fromPosition, ids.length); default 0 (every position). */
  fromPosition?: number;
  /** Window step past the context length; default half the context. */
  strideTokens?: number;
}

export interface ForwardResult {
  /** Row-major [positionCount × vocabSize]: row i holds the logits after token fromPosition + i. */
  logits: Float32Array;
  vocabSize: number;
  fromPosition: number;
  positionCount: number;
  windowCount: number;
  /** Tokens the model processed across all windows. */
  processedTokens: number;
  elapsedMs: number;
}

/** Progress of a multi-window pass (forward or score over a long text). */
export interface WindowProgress {
  doneWindows: number;
  totalWindows: number;
}

export interface StepParams {
  ids: number[];
  /** false forces a full recompute (the benchmark's baseline); default true. */
  useCache?: boolean;
}

export interface StepResult {
  /** Logits for the token after `ids` (length vocabSize). */
  logits: Float32Array;
  vocabSize: number;
  /** Tokens the model saw as context (the last contextTokens of ids at most). */
  contextTokens: number;
  /** Tokens taken from the KV cache rather than computed. */
  reusedTokens: number;
  computedTokens: number;
  elapsedMs: number;
}

export interface ScoreParams {
  ids: number[];
  topK?: number;
  strideTokens?: number;
}

export interface ScoredPosition extends PositionScore {
  /** Index of the predicted token in ids (≥ 1). */
  position: number;
}

export interface ScoreResult {
  positions: ScoredPosition[];
  windowCount: number;
  processedTokens: number;
  elapsedMs: number;
}

export interface CachedModelEntry {
  /** Hub model id. */
  modelId: string;
  files: { path: string; bytes: number }[];
  totalBytes: number;
}

export interface AnalyzeParams {
  /** The text's token ids, without a start token: the engine puts the model's start token first. */
  ids: number[];
  /** Window step past the context length; default half the window. */
  strideTokens?: number;
}

export type { PositionMetrics } from '../core/lab/positionMetrics';

export interface AnalyzeResult {
  /** The token the engine put before the text (the model's BOS, else EOS). */
  startTokenId: number;
  /** positions[i] is the prediction of ids[i] from the start token and ids[0, i). */
  positions: PositionMetrics[];
  /** Entropy of the next-token distribution after the whole text. */
  nextEntropyNats: number;
  /** Positions (of the start + text sequence) taken unchanged from the previous analysis. */
  reusedPositions: number;
  /** Tokens the model ran on for this analysis. */
  computedTokens: number;
  windowCount: number;
  /** The most tokens one pass sees; longer texts go through sliding windows. */
  windowTokens: number;
  elapsedMs: number;
}

export interface RowParams {
  /** The text's token ids (without the start token), as given to `analyze`. */
  ids: number[];
  /** 0..ids.length: the distribution over ids[position] (ids.length: the token after the text). */
  position: number;
}

export interface RowResult {
  /** Logits over the vocabulary at that position. */
  logits: Float32Array;
  vocabSize: number;
  position: number;
  /** Tokens of context the row was computed from (start token included). */
  contextTokens: number;
}
