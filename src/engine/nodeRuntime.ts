/** The engine runtime under Node: onnxruntime-node on the CPU, files from disk or a Hub host. */
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineRuntime, ResolvedSource } from './engine';
import { EngineError } from './errors';
import { BlobFileProvider } from './files/blobFileProvider';
import { HttpFileProvider } from './files/httpFileProvider';
import { configureTransformers } from './transformersBridge';
import type { ModelSource } from '../protocol/model';
import { hubBaseUrl } from '../protocol/modelSources';
import { FsFileProvider } from './files/fsFileProvider';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EMBEDDED_MODELS_DIR = join(REPO_ROOT, 'public', 'models');

export interface NodeRuntimeOptions {
  /** Allow Hub model ids (network). Off by default: the CLI never goes online unasked. */
  allowNetwork?: boolean;
  /** Hub-style host, e.g. http://127.0.0.1:8123/ for the loopback test server. */
  hubUrl?: string;
}

export function createNodeRuntime(options: NodeRuntimeOptions = {}): EngineRuntime {
  const threads = cpus().length;
  return {
    async probeBackend() {
      return {
        webgpuAdapter: false,
        webgpuAdapterName: null,
        webgpuUnavailableReason: 'the CLI runs onnxruntime-node on the CPU',
        crossOriginIsolated: false,
        hardwareConcurrency: threads,
      };
    },
    chooseBackend() {
      return { backend: 'node-cpu', threads, webgpuNotUsedReason: 'the CLI runs onnxruntime-node on the CPU' };
    },
    prepare() {
      configureTransformers({ node: true });
    },
    resolveSource(source: ModelSource): ResolvedSource {
      switch (source.kind) {
        case 'embedded': {
          const folder = join(EMBEDDED_MODELS_DIR, source.id);
          if (!existsSync(join(folder, 'config.json'))) {
            throw new EngineError(
              'model-file-missing',
              `The embedded model "${source.id}" is not in ${EMBEDDED_MODELS_DIR} (no config.json there).`,
              'config.json',
            );
          }
          return { provider: new FsFileProvider(folder), key: `embedded:${source.id}`, label: source.id };
        }
        case 'path':
          if (!existsSync(source.path) || !statSync(source.path).isDirectory()) {
            throw new EngineError('model-file-missing', `The model folder ${source.path} does not exist.`);
          }
          return { provider: new FsFileProvider(source.path), key: `path:${source.path}`, label: source.path };
        case 'hub': {
          if (!options.allowNetwork && !options.hubUrl) {
            throw new EngineError(
              'bad-request',
              `"${source.id}" is a Hub model id: pass --allow-network to download it (or --hub-url for a local Hub-style server).`,
            );
          }
          const base = hubBaseUrl(source, options.hubUrl);
          return { provider: new HttpFileProvider(base, source.id), key: `hub:${source.id}`, label: source.id };
        }
        case 'folder':
          return {
            provider: new BlobFileProvider(source.name, source.files),
            key: `folder:${source.name}`,
            label: `folder "${source.name}"`,
          };
      }
    },
  };
}
