#!/usr/bin/env node
/**
 * A small static server for the built app (`dist/`), with the cross-origin isolation
 * headers WASM threads need. Loopback only by default. Missing files are 404s (never
 * index.html), so a missing model file reads as missing rather than as `Unexpected token '<'`.
 *
 *   node tools/serve.mjs [--port 4173] [--host 127.0.0.1] [--dir dist] [--quiet]
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function parseArgs(argv) {
  const options = { port: Number(process.env.PORT ?? 4173), host: process.env.HOST ?? '127.0.0.1', dir: 'dist', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--host') options.host = argv[++i];
    else if (arg === '--dir') options.dir = argv[++i];
    else if (arg === '--quiet') options.quiet = true;
    else throw new Error(`Unknown option ${arg}`);
  }
  return options;
}

/** Resolves a request path to a file under root, or null (outside root, missing, or a folder without index). */
function fileFor(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const candidate = resolve(root, `.${decoded}`);
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return null;
}

/** App routes (no extension, not under the asset folders) get index.html; everything else must exist. */
function isAppRoute(urlPath) {
  return !/^\/(models|tokenizers|ort|assets)\//.test(urlPath) && extname(urlPath) === '';
}

export function createStaticServer(rootDir) {
  const root = resolve(rootDir);
  return createServer((req, res) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    let file = fileFor(root, urlPath === '/' ? '/index.html' : urlPath);
    if (!file && isAppRoute(urlPath)) file = join(root, 'index.html');
    if (!file || !existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Not found: ${urlPath}\n`);
      return;
    }
    const stats = statSync(file);
    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    // Hashed bundles never change; everything else (models, ort, index) is revalidated so a
    // rebuilt app or a retrained model is picked up.
    const immutable = urlPath.startsWith('/assets/');
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': stats.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
}

/** Listens on the first free port from `port` upward; resolves with the URL. */
export function listen(server, { port, host }, attempts = 10) {
  return new Promise((resolvePromise, reject) => {
    const tryPort = (p, left) => {
      server.once('error', (error) => {
        if (error.code === 'EADDRINUSE' && left > 0) tryPort(p + 1, left - 1);
        else reject(error);
      });
      server.listen(p, host, () => {
        const address = server.address();
        resolvePromise(`http://${host}:${address.port}/`);
      });
    };
    tryPort(port, attempts);
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const root = resolve(options.dir);
  if (!existsSync(join(root, 'index.html'))) {
    console.error(`No built app in ${root}: run "npm run build" first (npm start does both).`);
    process.exit(1);
  }
  const server = createStaticServer(root);
  const url = await listen(server, options);
  console.log(`Tokenscope is running at ${url}`);
  if (!options.quiet) console.log('Cross-origin isolated (COOP/COEP), works offline. Press Ctrl+C to stop.');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
