/**
 * The model side of the worker contract: where a model comes from, how it is loaded and
 * what the worker reports about it and about the browser. Plain data only.
 */
import type { TokenByteScheme } from '../core/tokenization/tokenBytes';

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
  /**
   * Different for every load (a restarted worker's included): what a `fileHashes` call names, so
   * the hashes it gets are those of this load and never of a model loaded since.
   */
  loadId: string;
  /** Every file loaded (config, tokenizer, ONNX), relative to the model's folder, sorted by path. */
  files: string[];
}

/** One loaded file's SHA-256 (lowercase hex): with every file of a load, the exact weights and tokenizer. */
export interface ModelFileHash {
  /** Path inside the model folder, e.g. `onnx/model.onnx`. */
  path: string;
  sha256: string;
}

/**
 * Asks for the loaded model's file hashes. They are computed on the first ask (not during the
 * load, where hashing the ONNX file competed with session creation) and kept with the model.
 */
export interface FileHashesParams {
  /** The load whose files are meant (ModelInfo.loadId); another model loaded since is an error, not its hashes. */
  loadId: string;
}

export interface CachedModelEntry {
  /** Hub model id. */
  modelId: string;
  files: { path: string; bytes: number }[];
  totalBytes: number;
}

/** Why WASM runs with one thread, when it does. */
export function singleThreadReason(
  report: Pick<BackendReport, 'crossOriginIsolated' | 'hardwareConcurrency'>,
): string | null {
  if (!report.crossOriginIsolated) return 'the page is not cross-origin isolated (COOP/COEP headers missing)';
  if (report.hardwareConcurrency <= 1) return 'this device reports one CPU core';
  return null;
}
