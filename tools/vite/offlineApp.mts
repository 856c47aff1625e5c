/**
 * The offline app (docs/FEATURES.md, "Installing and using Tokenscope offline"): in the build
 * only, bundles src/serviceWorker/sw.ts into one classic script, /sw.js at the site root, with
 * the build's shell list (every emitted file, plus the manifest and icons from public/) and its
 * version (a hash over every file the build ships) written into the code. Any change to the app,
 * a model, a tokenizer or ONNX Runtime changes sw.js byte for byte, which is what makes the
 * browser install the new version.
 *
 * The worker is a separate bundle rather than a chunk of the app's: a chunk shares modules with
 * the page (src/core/offline/) and would import them from assets/, which a classic service
 * worker cannot do.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build, type Plugin, type Rolldown } from 'vite';
import { offlineVersion, type FileDigest } from '../../src/core/offline/offlineVersion';
import { sha256Hex } from '../../src/core/sha256Hex';
import { ORT_FILES } from './plugins.mjs';

const SERVICE_WORKER_ENTRY = 'src/serviceWorker/sw.ts';
export const SERVICE_WORKER_FILE = 'sw.js';

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = join(folder, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

async function digestOf(path: string, bytes: Uint8Array | string): Promise<FileDigest> {
  return { path, sha256: await sha256Hex(bytes) };
}

/** The shell: what the build emitted (no source maps) and the files directly in public/ (manifest, icons). */
export function shellPaths(bundle: Rolldown.OutputBundle, publicDir: string): string[] {
  const emitted = Object.keys(bundle).filter((name) => !name.endsWith('.map') && name !== SERVICE_WORKER_FILE);
  const publicRoot = readdirSync(publicDir).filter((name) => statSync(join(publicDir, name)).isFile());
  return [...new Set([...emitted, ...publicRoot])].sort();
}

async function bundleServiceWorker(root: string, injected: { version: string; shell: string[] }): Promise<string> {
  const output = (await build({
    configFile: false,
    root,
    logLevel: 'warn',
    publicDir: false,
    define: { __TOKENSCOPE_OFFLINE__: JSON.stringify(injected) },
    build: {
      write: false,
      target: 'es2022',
      copyPublicDir: false,
      rolldownOptions: {
        input: resolve(root, SERVICE_WORKER_ENTRY),
        output: { format: 'iife', entryFileNames: SERVICE_WORKER_FILE },
      },
    },
  })) as Rolldown.RolldownOutput;
  const chunk = output.output.find((file) => file.type === 'chunk' && file.isEntry);
  if (!chunk || chunk.type !== 'chunk') throw new Error(`Bundling ${SERVICE_WORKER_ENTRY} produced no script`);
  return chunk.code;
}

export function offlineApp(): Plugin {
  let root = process.cwd();
  let publicDir = '';
  return {
    name: 'tokenscope-offline-app',
    apply: 'build',
    // After Vite's own plugins, so index.html and the CSS are in the bundle.
    enforce: 'post',
    configResolved(config) {
      root = config.root;
      publicDir = config.publicDir;
    },
    async generateBundle(_options, bundle) {
      const shell = shellPaths(bundle, publicDir);
      const digests: FileDigest[] = [];
      for (const [name, file] of Object.entries(bundle)) {
        if (name.endsWith('.map')) continue;
        digests.push(await digestOf(name, file.type === 'chunk' ? file.code : file.source));
      }
      // public/ (manifest, icons, models, tokenizers, tables) and ONNX Runtime are copied as they are.
      for (const path of filesUnder(publicDir)) {
        digests.push(await digestOf(relative(publicDir, path), readFileSync(path)));
      }
      for (const name of ORT_FILES) {
        const path = join(root, 'node_modules', 'onnxruntime-web', 'dist', name);
        digests.push(await digestOf(`ort/${name}`, readFileSync(path)));
      }
      const version = await offlineVersion(digests);
      this.emitFile({
        type: 'asset',
        fileName: SERVICE_WORKER_FILE,
        source: await bundleServiceWorker(root, { version, shell }),
      });
    },
  };
}
