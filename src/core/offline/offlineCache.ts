/**
 * The offline app's caching rules (docs/FEATURES.md, "Installing and using Tokenscope offline"),
 * shared by the service worker (src/serviceWorker/sw.ts) and the page (src/state/offlineApp.ts):
 * the cache names of a version, which request goes to which cache, and the headers every answer
 * from a cache carries. Pure: plain strings and records, tested in Node.
 */

/** The app shell of one version: index.html, assets/, the manifest and icons, embedded-models.json. */
export const SHELL_CACHE_PREFIX = 'tokenscope-shell-';
/** Files cached on first use, per version: ONNX Runtime, embedded models, tokenizers, bigram and corpus tables. */
export const FILES_CACHE_PREFIX = 'tokenscope-files-';

/** The folders under the app's base whose files are cached when first fetched (never at install). */
export const RUNTIME_FOLDERS = ['ort', 'models', 'tokenizers', 'bigram', 'corpus'] as const;

/**
 * The same cross-origin isolation headers tools/serve.mjs sends: a page answered from the cache
 * must stay isolated, or ONNX Runtime falls back to one thread (no SharedArrayBuffer).
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function shellCacheName(version: string): string {
  return `${SHELL_CACHE_PREFIX}${version}`;
}

export function filesCacheName(version: string): string {
  return `${FILES_CACHE_PREFIX}${version}`;
}

/** A cache this app made for another version: deleted when `version` activates. Other caches (the Hub's) are kept. */
export function isOtherVersionCache(cacheName: string, version: string): boolean {
  const ours = cacheName.startsWith(SHELL_CACHE_PREFIX) || cacheName.startsWith(FILES_CACHE_PREFIX);
  return ours && cacheName !== shellCacheName(version) && cacheName !== filesCacheName(version);
}

export interface RoutedRequest {
  method: string;
  url: string;
  /** `navigate` for a page load. */
  mode: string;
  /** A Range header: partial answers are never cached. */
  hasRange: boolean;
}

export interface OfflineScope {
  /** The service worker's scope, e.g. `http://127.0.0.1:4173/` (the app's base URL). */
  scopeUrl: string;
  /** The shell's paths relative to the scope (`index.html`, `assets/index-abc.js`, …). */
  shellPaths: ReadonlySet<string>;
}

/**
 * Where the service worker answers a request from: `shell` (precached), `files` (cached on first
 * use), `page` (a navigation to the app: the cached index.html), or null: not intercepted at
 * all, so the browser fetches it as it would without a service worker (other origins such as
 * the Hub or the infini-gram API, anything but GET, ranges, paths of neither kind).
 */
export function routeOf(request: RoutedRequest, scope: OfflineScope): 'shell' | 'files' | 'page' | null {
  if (request.method !== 'GET' || request.hasRange) return null;
  const path = pathInScope(request.url, scope.scopeUrl);
  if (path === null) return null;
  if (request.mode === 'navigate') return isAppRoute(path) ? 'page' : null;
  const url = new URL(request.url);
  if (url.search === '' && scope.shellPaths.has(path)) return 'shell';
  if (RUNTIME_FOLDERS.some((folder) => path.startsWith(`${folder}/`))) return 'files';
  return null;
}

/** `http://host/base/a/b.json` → `a/b.json` for the scope `http://host/base/`; null outside it. */
export function pathInScope(url: string, scopeUrl: string): string | null {
  const parsed = new URL(url);
  const scope = new URL(scopeUrl);
  if (parsed.origin !== scope.origin || !parsed.pathname.startsWith(scope.pathname)) return null;
  return decodeURIComponent(parsed.pathname.slice(scope.pathname.length));
}

/**
 * The pages tools/serve.mjs answers with index.html: the root, index.html itself, and paths
 * without an extension outside the file folders. A navigation to a file (a model card opened in
 * a new tab) goes to the network as before.
 */
export function isAppRoute(path: string): boolean {
  if (path === '' || path === 'index.html') return true;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !/^(models|tokenizers|ort|assets|bigram|corpus)\//.test(path) && !last.includes('.');
}

/**
 * The headers of an answer from the cache: the server's own (its Content-Security-Policy with
 * whatever hosts it was started with, the content type), with cross-origin isolation forced on
 * in case the cached answer came from a server that did not send it.
 */
export function offlineResponseHeaders(original: Iterable<[string, string]>): [string, string][] {
  const forced = new Set(Object.keys(ISOLATION_HEADERS).map((name) => name.toLowerCase()));
  const kept = [...original].filter(([name]) => !forced.has(name.toLowerCase()));
  return [...kept, ...Object.entries(ISOLATION_HEADERS)];
}

/** Only a whole, successful, same-origin answer is worth keeping. */
export function isCacheable(response: { status: number; type: string }): boolean {
  return response.status === 200 && (response.type === 'basic' || response.type === 'default');
}
