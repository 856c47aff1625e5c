/**
 * The files the loaded model needed, relative to the app's base. On the first visit the page
 * starts loading the model before the service worker controls it, so those fetches bypass the
 * cache; the page then asks the worker to cache these (src/state/offlineApp.ts).
 */

/**
 * ONNX Runtime's files per backend, as src/engine/browserRuntime.ts loads them (ORT_WASM_BUILDS):
 * the asyncify build for WebGPU, the plain one for WASM.
 */
export const ORT_FILES_BY_BACKEND: Readonly<Record<string, readonly string[]>> = {
  webgpu: ['ort/ort-wasm-simd-threaded.asyncify.mjs', 'ort/ort-wasm-simd-threaded.asyncify.wasm'],
  wasm: ['ort/ort-wasm-simd-threaded.mjs', 'ort/ort-wasm-simd-threaded.wasm'],
};

export interface ModelInUse {
  /** The embedded model's id, or null for a Hub model or a folder (not ours to cache). */
  embeddedId: string | null;
  /** The files the load read, relative to the model's folder (ModelInfo.fileHashes' paths). */
  files: readonly string[];
  backend: string;
}

export function filesInUse(model: ModelInUse): string[] {
  const ort = ORT_FILES_BY_BACKEND[model.backend] ?? [];
  const id = model.embeddedId;
  const modelFiles = id === null ? [] : model.files.map((path) => `models/${encodeURIComponent(id)}/${path}`);
  return [...ort, ...modelFiles];
}
