/**
 * The one place that configures `@huggingface/transformers` and hands it model files.
 *
 * The loader downloads every file itself (progress, cancel, clear errors, Hub cache), then
 * registers the bytes here under a synthetic local path; transformers.js finds them through
 * `env.customCache` and never touches the network for model files. Its `env.fetch` is
 * wrapped so a file we did not register is a plain 404 instead of a request to some server.
 *
 * NOTE: transformers.js keeps global state (`env`, memoised configs): one engine per realm.
 */
import { env } from '@huggingface/transformers';

/** Synthetic folder under which registered files live; never served by anyone. */
export const REGISTERED_FILES_ROOT = '/tokenscope-registered-files/';

const registeredFiles = new Map<string, Uint8Array>();
let nextModelKey = 1;
let configured = false;

export interface BridgeOptions {
  /** ONNX Runtime's wasm glue and binary, absolute URLs on our origin (browser only). */
  wasmPaths?: { mjs: string; wasm: string };
  /** WASM threads; must be set before the first session is created. */
  wasmThreads?: number;
  /** Use the file system for nothing (the CLI registers files read by itself, too). */
  node?: boolean;
}

function registeredPathOf(key: string): string | null {
  let path = key;
  if (/^[a-z]+:\/\//i.test(key)) {
    try {
      path = new URL(key).pathname;
    } catch {
      return null;
    }
  }
  return path.startsWith(REGISTERED_FILES_ROOT) ? decodeURIComponent(path) : null;
}

const registeredFileCache = {
  async match(key: string): Promise<Response | undefined> {
    const path = registeredPathOf(key);
    const bytes = path === null ? undefined : registeredFiles.get(path);
    if (!bytes) return undefined;
    return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      headers: { 'content-length': String(bytes.byteLength) },
    });
  },
  // Files are already in memory; transformers.js also offers ORT's wasm here: we let the
  // browser's HTTP cache keep those, which is revalidated when the app is rebuilt.
  async put(): Promise<void> {},
};

/** Configures transformers.js once; later calls only check the options agree. */
export function configureTransformers(options: BridgeOptions): void {
  if (configured) return;
  configured = true;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = REGISTERED_FILES_ROOT;
  // transformers.js looks a cached file up by its local path but re-reads it under its
  // "remote" URL: make both the same path so both lookups find the registered bytes.
  env.remoteHost = REGISTERED_FILES_ROOT;
  env.remotePathTemplate = '{model}/';
  env.useBrowserCache = false;
  env.useFSCache = false;
  env.useFS = false;
  // Let ONNX Runtime fetch its wasm itself: streaming compilation, and Chromium caches the
  // compiled code for the next visit (a preloaded ArrayBuffer gets neither).
  env.useWasmCache = false;
  env.useCustomCache = true;
  env.customCache = registeredFileCache;
  const realFetch = env.fetch;
  env.fetch = async (input: string | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input.href;
    if (registeredPathOf(url) !== null) return new Response(null, { status: 404, statusText: 'Not registered' });
    return realFetch(input, init);
  };
  const wasm = env.backends.onnx.wasm;
  if (wasm && !options.node) {
    // NOTE: mutate the existing object: transformers.js shares it with ONNX Runtime's env.
    if (options.wasmPaths) wasm.wasmPaths = { ...options.wasmPaths };
    if (options.wasmThreads !== undefined) wasm.numThreads = options.wasmThreads;
  }
}

/** The WASM thread count ONNX Runtime will use (undefined under Node). */
export function configuredWasmThreads(): number | undefined {
  return env.backends.onnx.wasm?.numThreads;
}

/**
 * Registers a model's files under a fresh key and returns the key (a valid model id for
 * transformers.js) and a function that forgets the files again.
 */
export function registerModelFiles(files: ReadonlyMap<string, Uint8Array>): {
  modelKey: string;
  unregister: () => void;
} {
  const modelKey = `tokenscope/load-${nextModelKey++}`;
  const paths: string[] = [];
  for (const [path, bytes] of files) {
    const fullPath = `${REGISTERED_FILES_ROOT}${modelKey}/${path}`;
    registeredFiles.set(fullPath, bytes);
    paths.push(fullPath);
  }
  return { modelKey, unregister: () => paths.forEach((p) => registeredFiles.delete(p)) };
}
