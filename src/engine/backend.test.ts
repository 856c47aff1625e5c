import { describe, expect, it } from 'vitest';
import { chooseBackend, probeBrowserBackend, wasmThreadCount } from './backend';
import { singleThreadReason } from '../protocol/model';
import type { BackendReport } from '../protocol/model';

const isolated: BackendReport = {
  webgpuAdapter: true,
  webgpuAdapterName: 'google swiftshader',
  webgpuUnavailableReason: null,
  crossOriginIsolated: true,
  hardwareConcurrency: 2,
};

describe('probeBrowserBackend', () => {
  it('reports no WebGPU when the API is absent', async () => {
    const report = await probeBrowserBackend({ navigator: { hardwareConcurrency: 8 }, crossOriginIsolated: true });
    expect(report.webgpuAdapter).toBe(false);
    expect(report.webgpuUnavailableReason).toMatch(/no WebGPU API/);
  });

  it('does not trust navigator.gpu without an adapter', async () => {
    const report = await probeBrowserBackend({ navigator: { gpu: { requestAdapter: async () => null } } });
    expect(report.webgpuAdapter).toBe(false);
    expect(report.webgpuUnavailableReason).toMatch(/no WebGPU adapter/);
  });

  it('names the adapter it finds', async () => {
    const gpu = { requestAdapter: async () => ({ info: { vendor: 'google', architecture: 'swiftshader' } }) };
    const report = await probeBrowserBackend({ navigator: { gpu }, crossOriginIsolated: false });
    expect(report).toMatchObject({
      webgpuAdapter: true,
      webgpuAdapterName: 'google swiftshader',
      crossOriginIsolated: false,
    });
  });

  it('asks for no adapter when told not to, and still reports threading', async () => {
    let asked = 0;
    const gpu = { requestAdapter: async () => (asked++, { info: { vendor: 'google' } }) };
    const scope = { navigator: { gpu, hardwareConcurrency: 2 }, crossOriginIsolated: true };
    const report = await probeBrowserBackend(scope, { adapter: false });
    expect(asked).toBe(0);
    expect(report).toMatchObject({ webgpuAdapter: false, crossOriginIsolated: true, hardwareConcurrency: 2 });
    expect(chooseBackend(report, 'wasm')).toMatchObject({ backend: 'wasm', threads: 2 });
    expect((await probeBrowserBackend(scope)).webgpuAdapter).toBe(true);
    expect(asked).toBe(1);
  });

  it('turns a failing requestAdapter into a reason', async () => {
    const gpu = {
      requestAdapter: async () => {
        throw new Error('blocked');
      },
    };
    const report = await probeBrowserBackend({ navigator: { gpu } });
    expect(report.webgpuUnavailableReason).toBe('requestAdapter() failed: blocked');
  });
});

describe('chooseBackend', () => {
  it('uses WebGPU when there is an adapter', () => {
    expect(chooseBackend(isolated, 'auto')).toEqual({ backend: 'webgpu', threads: 2, webgpuNotUsedReason: null });
  });

  it('honours a forced WASM choice and says so', () => {
    expect(chooseBackend(isolated, 'wasm')).toEqual({
      backend: 'wasm',
      threads: 2,
      webgpuNotUsedReason: 'WASM was chosen in the settings',
    });
  });

  it('falls back to WASM with the probe reason', () => {
    const noGpu = {
      ...isolated,
      webgpuAdapter: false,
      webgpuUnavailableReason: 'no WebGPU adapter (GPU blocked or unsupported)',
    };
    expect(chooseBackend(noGpu, 'auto').webgpuNotUsedReason).toBe('no WebGPU adapter (GPU blocked or unsupported)');
  });
});

describe('threads', () => {
  it('uses one thread without cross-origin isolation and caps at four', () => {
    expect(wasmThreadCount({ crossOriginIsolated: false, hardwareConcurrency: 16 })).toBe(1);
    expect(wasmThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 16 })).toBe(4);
    expect(wasmThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 2 })).toBe(2);
    expect(singleThreadReason({ crossOriginIsolated: false, hardwareConcurrency: 2 })).toMatch(/cross-origin/);
    expect(singleThreadReason({ crossOriginIsolated: true, hardwareConcurrency: 2 })).toBeNull();
  });
});
