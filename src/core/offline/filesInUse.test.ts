import { describe, expect, it } from 'vitest';
import { filesInUse } from './filesInUse';

describe('filesInUse', () => {
  it('lists the ONNX Runtime build of the backend and the embedded model’s files', () => {
    expect(
      filesInUse({ embeddedId: 'sotu-gpt-long', files: ['config.json', 'onnx/model.onnx'], backend: 'wasm' }),
    ).toEqual([
      'ort/ort-wasm-simd-threaded.mjs',
      'ort/ort-wasm-simd-threaded.wasm',
      'models/sotu-gpt-long/config.json',
      'models/sotu-gpt-long/onnx/model.onnx',
    ]);
    expect(filesInUse({ embeddedId: 'a', files: [], backend: 'webgpu' })).toEqual([
      'ort/ort-wasm-simd-threaded.asyncify.mjs',
      'ort/ort-wasm-simd-threaded.asyncify.wasm',
    ]);
  });

  it('caches no model files for a Hub model or a folder', () => {
    expect(filesInUse({ embeddedId: null, files: ['config.json'], backend: 'wasm' })).toEqual([
      'ort/ort-wasm-simd-threaded.mjs',
      'ort/ort-wasm-simd-threaded.wasm',
    ]);
  });
});
