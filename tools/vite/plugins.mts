/**
 * Vite plugins for serving Tokenscope: cross-origin isolation headers, ONNX Runtime's wasm
 * files from our own origin (copied from node_modules at build time, never committed), a
 * strict 404 for missing model and tokenizer files (instead of the SPA's index.html), and the list of
 * embedded models for the model picker.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Connect, Plugin } from 'vite';

/** ONNX Runtime files the app serves under /ort/: the asyncify build for WebGPU, the plain one for WASM (faster to start). */
export const ORT_FILES = [
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
];

export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const MIME: Record<string, string> = {
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

function ortDist(root: string): string {
  return join(root, 'node_modules', 'onnxruntime-web', 'dist');
}

export interface EmbeddedModelEntry {
  id: string;
  /** From public/models/models.json when listed there. */
  label: string;
  summary: string | null;
  isDefault: boolean;
  /** The two-model comparison's default other model (models.json's `secondDefault`). */
  isSecondDefault: boolean;
  modelType: string;
  layerCount: number | null;
  hiddenSize: number | null;
  vocabSize: number | null;
  contextTokens: number | null;
  /** Bytes of the files the app downloads for the default dtype. */
  downloadBytes: number;
  files: { path: string; bytes: number }[];
  hasModelCard: boolean;
}

function listFiles(folder: string, prefix = ''): { path: string; bytes: number }[] {
  return readdirSync(folder).flatMap((name) => {
    const full = join(folder, name);
    const stats = statSync(full);
    if (stats.isDirectory()) return listFiles(full, `${prefix}${name}/`);
    return [{ path: `${prefix}${name}`, bytes: stats.size }];
  });
}

interface ModelsManifest {
  default?: string;
  secondDefault?: string;
  models?: { id: string; label?: string; summary?: string }[];
}

function readManifest(modelsDir: string): ModelsManifest {
  const path = join(modelsDir, 'models.json');
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ModelsManifest;
  } catch {
    return {};
  }
}

/**
 * Scans `public/models/*` for folders with a config.json (skipping in-progress exports),
 * labelled and ordered as `public/models/models.json` lists them, the default first.
 */
export function scanEmbeddedModels(modelsDir: string): EmbeddedModelEntry[] {
  if (!existsSync(modelsDir)) return [];
  const manifest = readManifest(modelsDir);
  const listed = manifest.models ?? [];
  const defaultId = manifest.default ?? 'sotu-gpt-long';
  const entries = readdirSync(modelsDir)
    .filter((id) => /^[\w\-.]+$/.test(id) && !/\.tmp/.test(id) && existsSync(join(modelsDir, id, 'config.json')))
    .map((id): EmbeddedModelEntry => {
      const config = JSON.parse(readFileSync(join(modelsDir, id, 'config.json'), 'utf8')) as Record<string, unknown>;
      const files = listFiles(join(modelsDir, id));
      const numberOr = (...keys: string[]) =>
        keys.map((k) => config[k]).find((v): v is number => typeof v === 'number') ?? null;
      const needed = new Set([
        'config.json',
        'generation_config.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'onnx/model.onnx',
      ]);
      const described = listed.find((m) => m.id === id);
      return {
        id,
        label: described?.label ?? id,
        summary: described?.summary ?? null,
        isDefault: id === defaultId,
        isSecondDefault: id === manifest.secondDefault,
        modelType: String(config.model_type ?? 'unknown'),
        layerCount: numberOr('n_layer', 'num_hidden_layers'),
        hiddenSize: numberOr('n_embd', 'hidden_size'),
        vocabSize: numberOr('vocab_size'),
        contextTokens: numberOr('n_positions', 'max_position_embeddings', 'n_ctx'),
        downloadBytes: files.filter((f) => needed.has(f.path)).reduce((sum, f) => sum + f.bytes, 0),
        files,
        hasModelCard: files.some((f) => f.path === 'MODEL_CARD.md'),
      };
    });
  const order = (id: string) => {
    const at = listed.findIndex((m) => m.id === id);
    return at === -1 ? listed.length : at;
  };
  return entries.sort(
    (a, b) => Number(b.isDefault) - Number(a.isDefault) || order(a.id) - order(b.id) || a.id.localeCompare(b.id),
  );
}

function sendNotFound(res: ServerResponse, what: string): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(`Not found: ${what}\n`);
}

function tokenscopeMiddleware(root: string): Connect.NextHandleFunction {
  const publicDir = join(root, 'public');
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path === '/embedded-models.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(JSON.stringify(scanEmbeddedModels(join(publicDir, 'models'))));
      return;
    }
    if (path.startsWith('/ort/')) {
      const name = path.slice('/ort/'.length);
      if (!ORT_FILES.includes(name)) return sendNotFound(res, path);
      const ext = name.slice(name.lastIndexOf('.'));
      res.setHeader('Content-Type', MIME[ext] ?? 'application/octet-stream');
      res.end(readFileSync(join(ortDist(root), name)));
      return;
    }
    for (const folder of ['models', 'tokenizers']) {
      if (!path.startsWith(`/${folder}/`)) continue;
      const file = resolve(publicDir, `.${path}`);
      if (!file.startsWith(join(publicDir, folder)) || !existsSync(file) || !statSync(file).isFile())
        return sendNotFound(res, path);
    }
    next();
  };
}

export function tokenscopeServing(): Plugin {
  let root = process.cwd();
  let outDir = 'dist';
  return {
    name: 'tokenscope-serving',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(tokenscopeMiddleware(root));
    },
    configurePreviewServer(server) {
      server.middlewares.use(tokenscopeMiddleware(root));
    },
    writeBundle() {
      const ortOut = join(outDir, 'ort');
      mkdirSync(ortOut, { recursive: true });
      for (const name of ORT_FILES) copyFileSync(join(ortDist(root), name), join(ortOut, name));
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'embedded-models.json',
        source: JSON.stringify(scanEmbeddedModels(join(root, 'public', 'models'))),
      });
    },
  };
}
