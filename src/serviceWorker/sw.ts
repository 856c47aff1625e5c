/// <reference lib="webworker" />
/**
 * The offline app's service worker, built into /sw.js by tools/vite/offlineApp.mts with the
 * build's version and shell list. Install caches the whole shell of this version or fails (then
 * nothing changes); files under ort/, models/, tokenizers/, bigram/ and corpus/ are cached the
 * first time they are fetched; activate deletes the other versions' caches. A new version waits
 * until the page asks it to take over (no skipWaiting of its own): a tab never runs half of one
 * version and half of another. Every answer it gives carries the cross-origin isolation headers,
 * so WASM threads work offline too. Rules: src/core/offline/offlineCache.ts.
 */
import type { CachedFile } from '../core/offline/cacheSummary';
import {
  FILES_CACHED_MESSAGE,
  type OfflineCacheResult,
  type OfflineContents,
  type OfflineRequest,
} from '../core/offline/messages';
import {
  filesCacheName,
  isCacheable,
  isOtherVersionCache,
  offlineResponseHeaders,
  pathInScope,
  routeOf,
  shellCacheName,
} from '../core/offline/offlineCache';

declare const self: ServiceWorkerGlobalScope;
/** Replaced at build time by tools/vite/offlineApp.mts. */
declare const __TOKENSCOPE_OFFLINE__: { version: string; shell: string[] };

const { version, shell } = __TOKENSCOPE_OFFLINE__;
const SHELL_CACHE = shellCacheName(version);
const FILES_CACHE = filesCacheName(version);
const scopeUrl = self.registration.scope;
const shellPaths = new Set(shell);
const urlOf = (path: string) => new URL(path, scopeUrl).href;

self.addEventListener('install', (event) => {
  // addAll stores nothing unless every file arrives. 'no-cache' revalidates index.html and the
  // other unhashed files with the server instead of taking a stale HTTP-cache copy.
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(shell.map((path) => new Request(urlOf(path), { cache: 'no-cache' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => isOtherVersionCache(name, version)).map((name) => caches.delete(name)));
      // The first install takes the open page at once, so what it fetches next is cached. An update
      // only activates when the page asked for it (and reloads) or when no page uses the old one.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const route = routeOf(
    { method: request.method, url: request.url, mode: request.mode, hasRange: request.headers.has('range') },
    { scopeUrl, shellPaths },
  );
  if (route === 'shell') event.respondWith(fromShell(request.url));
  else if (route === 'page') event.respondWith(fromShell(urlOf('index.html')));
  else if (route === 'files') {
    const answer = fromFiles(request);
    event.respondWith(answer.then((a) => a.response));
    // The page reads the body while the copy is written: the worker stays alive until both end.
    event.waitUntil(answer.then((a) => a.stored));
  }
});

self.addEventListener('message', (event) => {
  const message = event.data as OfflineRequest;
  const port = event.ports[0];
  if (message?.type === 'skip-waiting') void self.skipWaiting();
  else if (message?.type === 'contents')
    event.waitUntil(listContents().then((contents) => port?.postMessage(contents)));
  else if (message?.type === 'cache-paths')
    event.waitUntil(cachePaths(message.paths).then((r) => port?.postMessage(r)));
});

/** The shell of this version; the network only if the entry is somehow gone. */
async function fromShell(url: string): Promise<Response> {
  const cached = await (await caches.open(SHELL_CACHE)).match(url);
  return isolated(cached ?? (await fetch(url)));
}

/** Cache first; a miss is fetched and kept (`stored`) when it is a whole 200 answer. */
async function fromFiles(request: Request): Promise<{ response: Response; stored: Promise<void> }> {
  const cache = await caches.open(FILES_CACHE);
  const cached = await cache.match(request);
  if (cached) return { response: isolated(cached), stored: Promise.resolve() };
  const response = await fetch(request);
  const stored = isCacheable(response) ? cache.put(request, response.clone()).then(notifyPages) : Promise.resolve();
  return { response: isolated(response), stored };
}

/** A copy of the answer with the isolation headers forced on (a cached answer's headers cannot be edited). */
function isolated(response: Response): Response {
  if (response.type === 'opaque' || response.status === 0) return response;
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: offlineResponseHeaders(response.headers.entries()),
  });
}

async function notifyPages(): Promise<void> {
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage(FILES_CACHED_MESSAGE);
}

async function cachePaths(paths: readonly string[]): Promise<OfflineCacheResult> {
  const failed: string[] = [];
  let cached = 0;
  for (const path of paths) {
    const request = new Request(urlOf(path));
    const route = routeOf({ method: 'GET', url: request.url, mode: 'cors', hasRange: false }, { scopeUrl, shellPaths });
    try {
      if (route !== 'files') throw new Error('not a file the offline copy keeps');
      const { response, stored } = await fromFiles(request);
      await response.body?.cancel();
      await stored;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      cached++;
    } catch {
      failed.push(path);
    }
  }
  return { cached, failed };
}

async function listContents(): Promise<OfflineContents> {
  return { version, shell: await filesOf(SHELL_CACHE), files: await filesOf(FILES_CACHE) };
}

async function filesOf(cacheName: string): Promise<CachedFile[]> {
  const cache = await caches.open(cacheName);
  const files: CachedFile[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (!response) continue;
    const length = Number(response.headers.get('content-length'));
    const bytes = Number.isFinite(length) && length > 0 ? length : (await response.blob()).size;
    files.push({ path: pathInScope(request.url, scopeUrl) ?? request.url, bytes });
  }
  return files;
}
