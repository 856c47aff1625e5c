/** The engine runtime inside the browser's inference worker. */
import { chooseBackend, probeBrowserBackend } from './backend';
import type { EngineRuntime } from './engine';
import { EngineError } from './errors';
import { BlobFileProvider } from './files/blobFileProvider';
import { CachingFileProvider, type ModelFileStore } from './files/hubCache';
import { HttpFileProvider } from './files/httpFileProvider';
import { hubBaseUrl, sourceKey, sourceLabel } from '../protocol/modelSources';
import { configureTransformers } from './transformersBridge';

/**
 * ONNX Runtime builds we serve. The asyncify build is the one transformers.js picks and the
 * only one with WebGPU; the plain build created the sotu-gpt session ~2.7x faster here (6.7 s
 * vs 18 s with the CPU shared with training; see docs/foundation.md), so WASM uses it.
 */
export const ORT_WASM_BUILDS = {
  webgpu: { mjs: 'ort/ort-wasm-simd-threaded.asyncify.mjs', wasm: 'ort/ort-wasm-simd-threaded.asyncify.wasm' },
  wasm: { mjs: 'ort/ort-wasm-simd-threaded.mjs', wasm: 'ort/ort-wasm-simd-threaded.wasm' },
} as const;

export interface BrowserRuntimeOptions {
  /** The app's base URL (where index.html, `models/` and `ort/` are). */
  appBaseUrl: string;
  hubStore: ModelFileStore;
  scope: { navigator: { gpu?: unknown; hardwareConcurrency?: number }; crossOriginIsolated?: boolean };
}

export function createBrowserRuntime(options: BrowserRuntimeOptions): EngineRuntime {
  let preparedFor: 'webgpu' | 'wasm' | null = null;
  return {
    probeBackend: (probeOptions) => probeBrowserBackend(options.scope, probeOptions),
    chooseBackend,
    prepare(choice) {
      const build = choice.backend === 'webgpu' ? 'webgpu' : 'wasm';
      if (preparedFor !== null && preparedFor !== build) {
        // ONNX Runtime initialises its wasm once per realm: switching builds needs a new worker.
        throw new EngineError(
          'needs-new-worker',
          `This worker runs ONNX Runtime's ${preparedFor} build; switching to ${choice.backend} needs a fresh worker.`,
        );
      }
      preparedFor = build;
      configureTransformers({
        wasmPaths: {
          mjs: new URL(ORT_WASM_BUILDS[build].mjs, options.appBaseUrl).href,
          wasm: new URL(ORT_WASM_BUILDS[build].wasm, options.appBaseUrl).href,
        },
        wasmThreads: choice.threads,
      });
    },
    resolveSource(source) {
      const key = sourceKey(source);
      const label = sourceLabel(source);
      switch (source.kind) {
        case 'embedded': {
          const base = new URL(`models/${encodeURIComponent(source.id)}/`, options.appBaseUrl).href;
          return {
            provider: new HttpFileProvider(base, label, { revalidate: true, htmlPageMeansMissing: true }),
            key,
            label,
          };
        }
        case 'hub':
          return {
            provider: new CachingFileProvider(new HttpFileProvider(hubBaseUrl(source), label), options.hubStore),
            key,
            label,
          };
        case 'folder': {
          const provider = new BlobFileProvider(source.name, source.files);
          return { provider, key, label, availablePaths: provider.paths() };
        }
        case 'path':
          throw new EngineError(
            'bad-request',
            'A file-system path can only be loaded by the CLI; in the browser, open the folder instead.',
          );
      }
    },
  };
}
