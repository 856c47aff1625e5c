import react from '@vitejs/plugin-react';
import { randomBytes } from 'node:crypto';
import { defaultClientConditions, defineConfig, type Rolldown } from 'vite';
import { connectSourcesFromEnv, securityHeaders } from './tools/serve.mjs';
import { firstView } from './tools/vite/firstView.mjs';
import { offlineApp } from './tools/vite/offlineApp.mjs';
import { tokenscopeServing } from './tools/vite/plugins.mjs';

/**
 * Zod tries `new Function` once, when its first schema is built, to learn whether it may
 * compile parsers; our policy (no 'unsafe-eval') refuses that and reports a violation on every
 * load. Zod reads its config from this global when it loads, so the chunk that holds zod sets
 * it first (z.config() would run too late: bundling evaluates shared chunks before main.tsx),
 * in the build, the worker and the dev server's pre-bundled dependencies.
 */
function zodWithoutEval(chunk: Rolldown.RenderedChunk): string {
  return chunk.moduleIds.some((id) => id.includes('/node_modules/zod/'))
    ? 'globalThis.__zod_globalConfig ??= { jitless: true };'
    : '';
}

export default defineConfig(({ command }) => {
  // The same headers as `npm start` (tools/serve.mjs): isolation, CSP, nosniff, no Referer. The
  // policy's connect-src allows the Hub and the infini-gram API (https://api.infini-gram.io) by
  // default; extra hosts: TOKENSCOPE_CONNECT_SRC="http://127.0.0.1:9000".
  const connectSources = connectSourcesFromEnv();
  // The dev server injects an inline React refresh preamble and <style> elements: Vite puts
  // this nonce on them. One per server start is enough for a loopback development server; the
  // build gets no nonce and allows no inline script or style at all.
  const devNonce = command === 'serve' ? randomBytes(18).toString('base64url') : undefined;
  return {
    plugins: [react(), tokenscopeServing(), offlineApp(), firstView()],
    html: devNonce ? { cspNonce: devNonce } : undefined,
    server: { headers: securityHeaders(connectSources, { nonce: devNonce }), host: '127.0.0.1' },
    preview: { headers: securityHeaders(connectSources), host: '127.0.0.1' },
    // transformers.js and ONNX Runtime load their own wasm: pre-bundling breaks those URLs.
    optimizeDeps: {
      exclude: ['@huggingface/transformers', 'onnxruntime-web'],
      rolldownOptions: { output: { intro: zodWithoutEval } },
    },
    // ORT's "extern wasm" build loads its glue and binary from env.wasm.wasmPaths (our /ort/
    // copies) instead of inlining the glue and emitting a second 27 MB wasm into assets/.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
    worker: { format: 'es', rolldownOptions: { output: { intro: zodWithoutEval } } },
    build: { target: 'es2022', chunkSizeWarningLimit: 2000, rolldownOptions: { output: { intro: zodWithoutEval } } },
  };
});
