/**
 * The bare transformers.js baseline's page (tools/bench/baseline/), built for the bench only:
 * Vite's JS API bundles it into a temporary folder (never into the app's build), next to links to
 * the built app's `models/` and `ort/`, and tools/serve.mjs serves it with the app's headers
 * (cross-origin isolated, the same CSP) on a port of its own.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, defaultClientConditions } from 'vite';
import { createStaticServer, listen } from '../serve.mjs';

export interface BaselineSite {
  /** The page's URL (without query). */
  url: string;
  close(): void;
}

export async function startBaselineSite(appDist: string): Promise<BaselineSite> {
  const folder = mkdtempSync(join(tmpdir(), 'tokenscope-bench-baseline-'));
  let server: Server | null = null;
  try {
    await build({
      configFile: false,
      root: join(import.meta.dirname, 'baseline'),
      base: '/',
      logLevel: 'warn',
      // The app's condition (vite.config.ts): ONNX Runtime loads its glue and wasm from wasmPaths.
      resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
      worker: { format: 'es' },
      build: { outDir: folder, emptyOutDir: false, target: 'es2022', chunkSizeWarningLimit: 4000 },
    });
    // The very files the app serves: its models and its ONNX Runtime build.
    symlinkSync(join(appDist, 'models'), join(folder, 'models'));
    symlinkSync(join(appDist, 'ort'), join(folder, 'ort'));
    server = createStaticServer(folder);
    const url = await listen(server, { port: 0, host: '127.0.0.1' }, 0);
    const running = server;
    return {
      url,
      close() {
        running.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    server?.close();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
