#!/usr/bin/env node
/**
 * A loopback server laid out like the Hugging Face Hub (`/<org>/<name>/resolve/<revision>/<file>`)
 * that serves the embedded models under Hub-style ids (`tokenscope/sotu-gpt`), so the app's
 * and the CLI's remote loading path is tested without the network.
 *
 * Throttling for progress and cancel tests: prefix the path with `/slow-<ms>/` to wait
 * that many milliseconds between chunks (`http://127.0.0.1:PORT/slow-50/` as the Hub host).
 * `GET /__requests` lists the file requests served so far (tests check what was fetched).
 *
 * Loopback only, bounded: at most MAX_CONNECTIONS sockets, only files inside the mapped
 * folders, GET/HEAD only.
 *
 *   node tools/hub-server.mjs [--port 0] [--model org/name=folder ...]
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_CONNECTIONS = 64;
const CHUNK_BYTES = 64 * 1024;
const MAX_DELAY_MS = 2000;

/** Every folder in public/models with a config.json, as `tokenscope/<folder>`. */
export function embeddedModelMap(modelsDir = join(REPO_ROOT, 'public', 'models')) {
  const map = {};
  if (!existsSync(modelsDir)) return map;
  for (const name of readdirSync(modelsDir)) {
    if (!name.includes('.tmp') && existsSync(join(modelsDir, name, 'config.json')))
      map[`tokenscope/${name}`] = join(modelsDir, name);
  }
  return map;
}

function parseRequestPath(pathname) {
  const match = /^(?:\/slow-(\d+))?\/([\w.-]+\/[\w.-]+)\/resolve\/([\w.-]+)\/(.+)$/.exec(pathname);
  if (!match) return null;
  return {
    delayMs: Math.min(MAX_DELAY_MS, Number(match[1] ?? 0)),
    modelId: match[2],
    revision: match[3],
    file: decodeURIComponent(match[4]),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Streams a file in chunks with a pause after each; a client that goes away just ends it. */
async function streamThrottled(res, file, delayMs) {
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let closed = false;
  res.on('close', () => {
    closed = true;
    stream.destroy();
  });
  try {
    for await (const chunk of stream) {
      if (closed) return;
      if (!res.write(chunk))
        await new Promise((r) => {
          res.once('drain', r);
          res.once('close', r);
        });
      if (delayMs > 0) await sleep(delayMs);
    }
    if (!closed) res.end();
  } catch (error) {
    // A cancelled download destroys the stream mid-read: expected, not a server failure.
    if (!closed) res.destroy(error);
  }
}

/**
 * Starts the server. `models` maps Hub ids to folders; defaults to the embedded models.
 * Resolves with { url, requests, close }.
 */
export function startHubServer({ port = 0, models = embeddedModelMap() } = {}) {
  const folders = Object.fromEntries(Object.entries(models).map(([id, folder]) => [id, resolve(folder)]));
  const requests = [];
  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, ETag');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': '*' }).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (pathname === '/__requests') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(requests));
      return;
    }
    const parsed = parseRequestPath(pathname);
    const root = parsed && folders[parsed.modelId];
    const file = root && resolve(root, parsed.file);
    if (
      !parsed ||
      !root ||
      !(file === root || file.startsWith(root + sep)) ||
      !existsSync(file) ||
      !statSync(file).isFile()
    ) {
      requests.push({ path: pathname, status: 404 });
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Entry not found');
      return;
    }
    requests.push({ path: pathname, status: 200 });
    const size = statSync(file).size;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size, ETag: `"${size}"` });
    if (req.method === 'HEAD') res.end();
    else void streamThrottled(res, file, parsed.delayMs);
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('clientError', (_error, socket) => socket.destroy());
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}/`;
      resolvePromise({
        url,
        requests,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  let port = Number(process.env.HUB_PORT ?? 0);
  const models = embeddedModelMap();
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--model') {
      const [id, folder] = args[++i].split('=');
      models[id] = folder;
    } else throw new Error(`Unknown option ${args[i]}`);
  }
  const hub = await startHubServer({ port, models });
  console.log(`Hub-style server at ${hub.url} serving ${Object.keys(models).join(', ') || 'nothing'}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
