/**
 * Choosing where ONNX Runtime runs. WebGPU only when `requestAdapter()` returns an adapter
 * (`'gpu' in navigator` is true even without one); WASM otherwise, with threads only under
 * cross-origin isolation (without it ORT silently runs one thread).
 */
import type { BackendChoice, BackendPreference, BackendReport } from '../protocol/model';

/** The most WASM threads we ask for; more rarely helps models this size. */
export const MAX_WASM_THREADS = 4;

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

/**
 * Probes the browser (window or worker) for WebGPU and threading support. With `adapter: false`
 * it skips requestAdapter() (which takes a few hundred ms early in a page's life, while the
 * browser starts its GPU process) and reports WebGPU as not probed: enough to choose WASM.
 */
export async function probeBrowserBackend(
  scope: {
    navigator: { gpu?: unknown; hardwareConcurrency?: number };
    crossOriginIsolated?: boolean;
  },
  options: { adapter?: boolean } = {},
): Promise<BackendReport> {
  const base = {
    crossOriginIsolated: scope.crossOriginIsolated === true,
    hardwareConcurrency: scope.navigator.hardwareConcurrency ?? 1,
  };
  if (options.adapter === false)
    return { ...base, webgpuAdapter: false, webgpuAdapterName: null, webgpuUnavailableReason: 'not probed' };
  const gpu = scope.navigator.gpu as GpuLike | undefined;
  if (!gpu) {
    return {
      ...base,
      webgpuAdapter: false,
      webgpuAdapterName: null,
      webgpuUnavailableReason: 'this browser has no WebGPU API',
    };
  }
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      return {
        ...base,
        webgpuAdapter: false,
        webgpuAdapterName: null,
        webgpuUnavailableReason: 'no WebGPU adapter (GPU blocked or unsupported)',
      };
    }
    const info = adapter.info ?? {};
    const name =
      [info.vendor, info.architecture, info.description].filter((part) => part && part.length > 0).join(' ') ||
      'unnamed adapter';
    return { ...base, webgpuAdapter: true, webgpuAdapterName: name, webgpuUnavailableReason: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      webgpuAdapter: false,
      webgpuAdapterName: null,
      webgpuUnavailableReason: `requestAdapter() failed: ${message}`,
    };
  }
}

/** WASM threads for this environment. */
export function wasmThreadCount(report: Pick<BackendReport, 'crossOriginIsolated' | 'hardwareConcurrency'>): number {
  if (!report.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(report.hardwareConcurrency)));
}

/** The backend to use given what the browser offers and what the user asked for. */
export function chooseBackend(report: BackendReport, preference: BackendPreference): BackendChoice {
  const threads = wasmThreadCount(report);
  if (preference === 'wasm') {
    return { backend: 'wasm', threads, webgpuNotUsedReason: 'WASM was chosen in the settings' };
  }
  if (report.webgpuAdapter) return { backend: 'webgpu', threads, webgpuNotUsedReason: null };
  return { backend: 'wasm', threads, webgpuNotUsedReason: report.webgpuUnavailableReason ?? 'no WebGPU adapter' };
}
