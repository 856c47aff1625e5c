import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';
import { ISOLATION_HEADERS, tokenscopeServing } from './tools/vite/plugins.mjs';

export default defineConfig({
  plugins: [react(), tokenscopeServing()],
  server: { headers: ISOLATION_HEADERS, host: '127.0.0.1' },
  preview: { headers: ISOLATION_HEADERS, host: '127.0.0.1' },
  // transformers.js and ONNX Runtime load their own wasm: pre-bundling breaks those URLs.
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  // ORT's "extern wasm" build loads its glue and binary from env.wasm.wasmPaths (our /ort/
  // copies) instead of inlining the glue and emitting a second 27 MB wasm into assets/.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
