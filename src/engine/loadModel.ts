/**
 * Loading a model: read config.json, work out which files the model needs for the chosen
 * backend and dtype, read them all (with per-file progress and cancellation), check them,
 * then build the tokenizer and ONNX sessions through transformers.js.
 */
import {
  AutoModelForCausalLM,
  ModelRegistry,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { EngineError, isAbortError, throwIfCancelled } from './errors';
import { htmlPageError, looksLikeHtml, type ModelFileProvider } from './files/fileProvider';
import {
  contextLengthOf,
  onnxPathFor,
  parseJsonFile,
  parseModelConfig,
  resolveDtype,
  type ModelConfig,
} from './modelConfig';
import { exclusiveOnnxRuntime } from './onnxRuntimeQueue';
import { registerModelFiles } from './transformersBridge';
import { tokenizerFromJson } from './tokenizerClass';
import { MODEL_SESSION_OPTIONS } from './modelSessionOptions';
import type { Backend, Dtype, FileProgress, LoadProgress } from '../protocol/model';
import { messageOf } from '../core/messageOf';

export interface LoadRequest {
  provider: ModelFileProvider;
  /** Name used in messages. */
  label: string;
  backend: Backend;
  dtype: Dtype;
  modelFileName?: string;
  /** The folder's file list when known (folders), so `auto` can pick a dtype that exists. */
  availablePaths?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Called with the tokenizer as soon as it is built, while the ONNX file may still be
   * downloading: what is derived from the tokenizer alone is built in that time.
   */
  onTokenizer?: (tokenizer: PreTrainedTokenizer, files: LoadedTokenizerFiles) => void;
}

/** What the tokenizer was built from (the JSON files, read before the ONNX file). */
export interface LoadedTokenizerFiles {
  config: ModelConfig;
  tokenizerJson: unknown;
  tokenizerConfig: Record<string, unknown>;
}

export interface LoadedFiles {
  config: ModelConfig;
  tokenizerJson: unknown;
  tokenizerConfig: Record<string, unknown>;
  dtype: Exclude<Dtype, 'auto'>;
  /** Base name of the ONNX file (`model`, or `decoder_model_merged` for older Hub exports). */
  modelFileName: string;
  modelFile: string;
  files: Map<string, Uint8Array>;
  downloadedBytes: number;
}

export interface LoadedModel extends LoadedFiles {
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
}

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];
/** Older Hub exports (before transformers.js v3) name their single decoder this way. */
const LEGACY_MODEL_FILE_NAME = 'decoder_model_merged';
const OPTIONAL_FILES = new Set(['generation_config.json']);
/** A 500 MB download in 64 kB chunks would otherwise post ~8,000 progress messages. */
const PROGRESS_INTERVAL_MS = 100;

function deviceFor(backend: Backend): 'webgpu' | 'wasm' | 'cpu' {
  return backend === 'node-cpu' ? 'cpu' : backend;
}

/**
 * Reads and checks every file the model needs, without creating sessions: config.json first,
 * then every other file at once. `beside` runs once the small (JSON) files are in and checked,
 * while the large ones download.
 */
export async function readModelFiles(
  request: LoadRequest,
  beside?: (tokenizerFiles: LoadedTokenizerFiles) => Promise<void>,
): Promise<LoadedFiles> {
  const { provider, label, signal } = request;
  const progress: LoadProgress = {
    phase: 'config',
    files: [{ path: 'config.json', state: 'downloading', loadedBytes: 0, totalBytes: null, optional: false }],
    loadedBytes: 0,
    totalBytes: 0,
  };
  let lastReportAt = 0;
  /** Byte counts are reported at most every PROGRESS_INTERVAL_MS; state changes always. */
  const report = (byteCountOnly = false) => {
    const now = performance.now();
    if (byteCountOnly && now - lastReportAt < PROGRESS_INTERVAL_MS) return;
    lastReportAt = now;
    progress.loadedBytes = progress.files.reduce((sum, f) => sum + f.loadedBytes, 0);
    progress.totalBytes = progress.files.reduce((sum, f) => sum + (f.totalBytes ?? f.loadedBytes), 0);
    request.onProgress?.(structuredClone(progress));
  };
  // Files after config.json are read at once; the first failure stops the other reads.
  const reading = new AbortController();
  const stopReading = () => reading.abort();
  if (signal?.aborted) reading.abort();
  signal?.addEventListener('abort', stopReading);
  const readOne = async (entry: FileProgress, required = !entry.optional): Promise<Uint8Array | null> => {
    if (await provider.isCached?.(entry.path)) entry.state = 'cached';
    else entry.state = 'downloading';
    report();
    const result = await provider.read(entry.path, {
      signal: reading.signal,
      onBytes: (loaded, total) => {
        entry.loadedBytes = loaded;
        entry.totalBytes = total;
        report(true);
      },
    });
    throwIfCancelled(signal, `Loading ${label}`);
    if (!result) {
      if (required) throw missingFileError(label, entry.path, provider.where, request);
      entry.state = 'absent';
    } else {
      entry.state = result.fromCache ? 'cached' : 'done';
      entry.loadedBytes = entry.totalBytes = result.bytes.byteLength;
    }
    report();
    return result?.bytes ?? null;
  };

  report();
  const configBytes = await readOne(progress.files[0]);
  const config = parseModelConfig(configBytes!, label);
  let modelFileName = request.modelFileName ?? 'model';
  const dtype = resolveDtype(request.dtype, config, request.backend, modelFileName, request.availablePaths ?? null);
  const listed = await ModelRegistry.get_model_files('tokenscope/listing', {
    config: config as never,
    dtype,
    device: deviceFor(request.backend),
    model_file_name: modelFileName,
  });
  const paths = [...new Set([...listed, ...TOKENIZER_FILES])].filter((path) => path !== 'config.json');
  progress.phase = 'downloading';
  for (const path of paths) {
    progress.files.push({
      path,
      state: 'waiting',
      loadedBytes: 0,
      totalBytes: null,
      optional: OPTIONAL_FILES.has(path),
    });
  }
  const read = new Map<string, Uint8Array>([['config.json', configBytes!]]);
  const mainOnnxPath = onnxPathFor(modelFileName, dtype);
  const readEntry = async (entry: FileProgress) => {
    const mayUseLegacyName = entry.path === mainOnnxPath && request.modelFileName === undefined;
    let bytes = await readOne(entry, !mayUseLegacyName && !entry.optional);
    if (!bytes && mayUseLegacyName) {
      modelFileName = LEGACY_MODEL_FILE_NAME;
      entry.path = onnxPathFor(modelFileName, dtype);
      bytes = await readOne(entry, false);
      if (!bytes) throw missingFileError(label, mainOnnxPath, provider.where, request, entry.path);
    }
    if (bytes) read.set(entry.path, bytes);
  };
  const isSmall = (entry: FileProgress) => entry.path.endsWith('.json');
  // The small files first: they are asked for (and listed) before the large ones.
  const rest = [...progress.files.slice(1).filter(isSmall), ...progress.files.slice(1).filter((e) => !isSmall(e))];
  let tokenizerFiles: LoadedTokenizerFiles;
  try {
    const small = Promise.all(rest.filter(isSmall).map(readEntry));
    const large = Promise.all(rest.filter((e) => !isSmall(e)).map(readEntry));
    large.catch(() => undefined); // awaited below; a failure of the small files comes first
    await small;
    // A broken tokenizer fails here, whatever the large files are doing.
    tokenizerFiles = { config, ...checkJsonFiles(read, label) };
    // `beside` starts a task later, once the large files' requests are out.
    if (beside) await Promise.all([large, new Promise((r) => setTimeout(r, 0)).then(() => beside(tokenizerFiles))]);
    else await large;
  } catch (error) {
    reading.abort();
    throw error;
  } finally {
    signal?.removeEventListener('abort', stopReading);
  }
  // In the order they were asked for, whatever order they arrived in.
  const files = new Map(
    [progress.files[0], ...rest].filter((f) => read.has(f.path)).map((f) => [f.path, read.get(f.path)!]),
  );
  const modelFile = onnxPathFor(modelFileName, dtype);
  const onnxBytes = files.get(modelFile);
  if (onnxBytes) checkOnnxBytes(onnxBytes, modelFile, label);
  return { ...tokenizerFiles, dtype, modelFileName, modelFile, files, downloadedBytes: progress.loadedBytes };
}

/**
 * Reads the files and creates the tokenizer and the ONNX session. The tokenizer is built while
 * the ONNX file downloads; then, on WASM, ONNX Runtime starts (its wasm fetched and compiled)
 * while the download goes on. Not earlier: started with the load, its wasm compilation took
 * the 2 cores from the tokenizer's build and the page's first render (cold loads 3–7% slower).
 * (Its own thread does not spin: 70–120 ms of CPU in a whole cold load, per /proc.)
 * The files' hashes are left to whoever needs them (engine.fileHashes).
 */
export async function loadModel(request: LoadRequest): Promise<LoadedModel> {
  let tokenizer: PreTrainedTokenizer | null = null;
  const loaded = await readModelFiles(request, async (tokenizerFiles) => {
    tokenizer = buildTokenizer(tokenizerFiles, request.label);
    // The runtime's wasm compiles on other threads while the page's share is prepared here.
    if (request.backend === 'wasm') startOnnxRuntime();
    request.onTokenizer?.(tokenizer, tokenizerFiles);
  });
  throwIfCancelled(request.signal, `Loading ${request.label}`);
  request.onProgress?.({
    phase: 'initialising',
    files: [...loaded.files].map(([path, bytes]) => ({
      path,
      state: 'done',
      loadedBytes: bytes.byteLength,
      totalBytes: bytes.byteLength,
      optional: OPTIONAL_FILES.has(path),
    })),
    loadedBytes: loaded.downloadedBytes,
    totalBytes: loaded.downloadedBytes,
  });
  const { modelKey, unregister } = registerModelFiles(loaded.files);
  try {
    const model = await createModel(modelKey, loaded, request.backend, request.label);
    return { ...loaded, model, tokenizer: tokenizer! };
  } finally {
    unregister();
  }
}

/**
 * The tokenizer from its parsed JSON files, with the class AutoTokenizer would pick (it would
 * parse both files again: 100 ms and more for a large vocabulary).
 */
function buildTokenizer(files: LoadedTokenizerFiles, label: string): PreTrainedTokenizer {
  try {
    return tokenizerFromJson(files.tokenizerJson, files.tokenizerConfig);
  } catch (error) {
    throw new EngineError(
      'model-file-invalid',
      `${label}: the tokenizer (tokenizer.json, tokenizer_config.json) could not be built: ${messageOf(error)}`,
      'tokenizer.json',
    );
  }
}

/** A one-node ONNX model (y = Identity(x), x: float[1], opset 13), just enough for a session. */
const IDENTITY_MODEL = Uint8Array.from([
  8, 7, 58, 55, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 1, 103, 90, 15, 10, 1,
  120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 2, 16,
  13,
]);

let onnxRuntimeStarted = false;

/**
 * Starts ONNX Runtime's WASM build (fetching and compiling its wasm, starting its threads) with a
 * one-node session, so the model's own session finds it ready. Once per realm; a failure here is
 * left to the model's session to report.
 */
function startOnnxRuntime(): void {
  if (onnxRuntimeStarted) return;
  onnxRuntimeStarted = true;
  void exclusiveOnnxRuntime(async () => {
    // The module transformers.js imports, so the same runtime (and the wasm paths and threads set for it).
    const { InferenceSession } = await import('onnxruntime-web/webgpu');
    const session = await InferenceSession.create(IDENTITY_MODEL, { executionProviders: ['wasm'] });
    await session.release();
  }).catch(() => undefined);
}

function createModel(modelKey: string, loaded: LoadedFiles, backend: Backend, label: string): Promise<PreTrainedModel> {
  const options = {
    config: loaded.config as never,
    dtype: loaded.dtype,
    device: deviceFor(backend),
    model_file_name: loaded.modelFileName,
    session_options: MODEL_SESSION_OPTIONS,
  };
  return exclusiveOnnxRuntime(() => AutoModelForCausalLM.from_pretrained(modelKey, options)).catch((error: unknown) => {
    if (isAbortError(error)) throw error;
    throw new EngineError(
      'model-file-invalid',
      `${label}: ${loaded.modelFile} could not be opened by ONNX Runtime (${backend}): ${messageOf(error)}`,
      loaded.modelFile,
    );
  });
}

/** A second model on the same files with the ONNX file replaced (the layer views' copy with the residual stream as outputs). */
export async function openModelWithOnnx(
  loaded: LoadedFiles,
  backend: Backend,
  label: string,
  onnxBytes: Uint8Array,
): Promise<PreTrainedModel> {
  const files = new Map(loaded.files);
  files.set(loaded.modelFile, onnxBytes);
  const { modelKey, unregister } = registerModelFiles(files);
  try {
    return await createModel(modelKey, loaded, backend, label);
  } finally {
    unregister();
  }
}

/** Parses the JSON files a tokenizer is built from (a file that is not JSON is named); returns the tokenizer's two. */
function checkJsonFiles(
  files: ReadonlyMap<string, Uint8Array>,
  label: string,
): { tokenizerJson: unknown; tokenizerConfig: Record<string, unknown> } {
  const tokenizerJson = parseJsonFile(files.get('tokenizer.json')!, 'tokenizer.json', label);
  const tokenizerConfig = parseJsonFile(files.get('tokenizer_config.json')!, 'tokenizer_config.json', label);
  if (files.has('generation_config.json'))
    parseJsonFile(files.get('generation_config.json')!, 'generation_config.json', label);
  const isRecord = tokenizerConfig !== null && typeof tokenizerConfig === 'object' && !Array.isArray(tokenizerConfig);
  return { tokenizerJson, tokenizerConfig: isRecord ? (tokenizerConfig as Record<string, unknown>) : {} };
}

function missingFileError(
  label: string,
  path: string,
  where: string,
  request: LoadRequest,
  legacyPath?: string,
): EngineError {
  const alsoTried = legacyPath ? ` (nor the older name ${legacyPath})` : '';
  let hint = '';
  if (path.startsWith('onnx/')) {
    hint =
      request.dtype === 'auto'
        ? ' Pick a dtype whose file the model has (fp32 is onnx/model.onnx, q8 is onnx/model_quantized.onnx).'
        : ` The dtype "${request.dtype}" needs this file: pick another dtype.`;
  } else if (path === 'tokenizer_config.json') {
    hint = ' transformers.js needs it next to tokenizer.json.';
  }
  return new EngineError(
    'model-file-missing',
    `${label} is missing ${path}${alsoTried} (looked in ${where}).${hint}`,
    path,
  );
}

/** Rejects files that are obviously not ONNX (an HTML error page, JSON, an empty file). */
function checkOnnxBytes(bytes: Uint8Array, path: string, label: string): void {
  if (looksLikeHtml(bytes)) throw htmlPageError(label, path, null);
  if (bytes.byteLength < 16 || bytes[0] === 0x7b) {
    const what = bytes.byteLength < 16 ? `only ${bytes.byteLength} bytes long` : 'a JSON document';
    throw new EngineError('model-file-invalid', `${label}: ${path} is not an ONNX model (it is ${what}).`, path);
  }
}

export { contextLengthOf };
