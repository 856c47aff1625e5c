#!/usr/bin/env node
/**
 * A small static server for the built app (`dist/`), with the cross-origin isolation
 * headers WASM threads need and a Content-Security-Policy that locks the page down (see
 * contentSecurityPolicy). Loopback only by default. Missing files are 404s (never
 * index.html), so a missing model file reads as missing rather than as `Unexpected token '<'`.
 *
 *   node tools/serve.mjs [--port 4173] [--host 127.0.0.1] [--dir dist] [--quiet]
 *                        [--connect-src <url>]...   (another Hub-style host the page may fetch from)
 *
 * TOKENSCOPE_CONNECT_SRC (space-separated URLs) adds hosts too; the Vite dev server reads it.
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
  '.webmanifest': 'application/manifest+json; charset=utf-8',
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

/**
 * Hosts the page may fetch from out of the box: the Hub and the hosts its `resolve/` URLs
 * redirect file downloads to. CSP checks every redirect target, and Hugging Face has moved
 * those between its own subdomains several times (cdn-lfs.huggingface.co, cdn-lfs-us-1.hf.co,
 * cas-bridge.xethub.hf.co, us.aws.cdn.hf.co): the wildcards admit only Hugging Face's two
 * domains and keep working through the next move.
 */
export const HUB_CONNECT_SOURCES = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

/**
 * The public infini-gram API (the corpus view's web-scale ∞-gram; src/core/ngram/infiniGramApi.ts):
 * allowed by default so the setting works out of the box, though the app sends it nothing until
 * the user turns the API on in Settings.
 */
export const INFINI_GRAM_CONNECT_SOURCES = ['https://api.infini-gram.io'];

/**
 * A connect-src entry for a host given on the command line: its origin (CSP would read a path
 * as a path prefix, which a redirect ignores anyway). Throws on anything but an http(s) URL,
 * so nothing else can be smuggled into the policy.
 */
export function connectSourceOf(url) {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new Error(`A --connect-src host must be an http(s) URL like http://127.0.0.1:9000/, not "${url}"`);
  }
  return parsed.origin;
}

/**
 * The page's Content-Security-Policy. Scripts, workers and wasm come only from our origin
 * ('wasm-unsafe-eval' lets WebAssembly compile, and nothing else: no eval, no inline script).
 * Styles come from our stylesheet; React's style props go through the CSSOM, which CSP does not
 * restrict. Images: ours, `data:` (index.html's empty icon) and `blob:` (a chart exported as PNG
 * is drawn from a blob URL). Fetches: our origin, the Hub, the infini-gram API, and the hosts given.
 *
 * `nonce` is for the Vite dev server only, whose React refresh preamble is an inline script
 * and whose CSS arrives as <style> elements; the built app needs neither.
 */
export function contentSecurityPolicy(extraConnectSources = [], { nonce } = {}) {
  const connect = [
    "'self'",
    ...HUB_CONNECT_SOURCES,
    ...INFINI_GRAM_CONNECT_SOURCES,
    ...extraConnectSources.map(connectSourceOf),
  ];
  const ours = nonce ? `'self' 'nonce-${nonce}'` : "'self'";
  return [
    "default-src 'self'",
    `script-src ${ours} 'wasm-unsafe-eval'`,
    "worker-src 'self'",
    `style-src ${ours}`,
    "img-src 'self' data: blob:",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Every response's headers: cross-origin isolation, the CSP, no MIME sniffing (a model or text
 * file is never run as a script), and no Referer: nothing we fetch needs it, and it would
 * tell a Hub host the page's address (with its ?hub= and other settings).
 */
export function securityHeaders(extraConnectSources = [], { nonce } = {}) {
  return {
    ...ISOLATION_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy(extraConnectSources, { nonce }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** Extra connect-src hosts from TOKENSCOPE_CONNECT_SRC (space- or comma-separated). */
export function connectSourcesFromEnv(env = process.env) {
  return (env.TOKENSCOPE_CONNECT_SRC ?? '').split(/[\s,]+/).filter(Boolean);
}

function parseArgs(argv) {
  const options = {
    port: Number(process.env.PORT ?? 4173),
    host: process.env.HOST ?? '127.0.0.1',
    dir: 'dist',
    quiet: false,
    connectSources: connectSourcesFromEnv(),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--host') options.host = argv[++i];
    else if (arg === '--dir') options.dir = argv[++i];
    else if (arg === '--quiet') options.quiet = true;
    else if (arg === '--connect-src') options.connectSources.push(argv[++i] ?? '');
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

/** @param {{ connectSources?: string[] }} [options] hosts the page may fetch from besides its own and the Hub */
export function createStaticServer(rootDir, options = {}) {
  const root = resolve(rootDir);
  const headers = securityHeaders(options.connectSources);
  return createServer((req, res) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
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
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': stats.size,
    });
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
  const server = createStaticServer(root, { connectSources: options.connectSources });
  const url = await listen(server, options);
  console.log(`Tokenscope is running at ${url}`);
  if (!options.quiet) {
    console.log('Cross-origin isolated (COOP/COEP), works offline. Press Ctrl+C to stop.');
    const hosts = options.connectSources.map(connectSourceOf);
    console.log(
      `Hub hosts the page may fetch from: huggingface.co${hosts.length ? `, ${hosts.join(', ')}` : ''} (add more with --connect-src <url>).`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
