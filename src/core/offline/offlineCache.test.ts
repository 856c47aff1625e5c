import { describe, expect, it } from 'vitest';
import {
  filesCacheName,
  isAppRoute,
  isCacheable,
  isOtherVersionCache,
  offlineResponseHeaders,
  routeOf,
  shellCacheName,
  type RoutedRequest,
} from './offlineCache';

const scope = { scopeUrl: 'http://127.0.0.1:4173/', shellPaths: new Set(['index.html', 'assets/index-abc.js']) };
const get = (url: string, extra: Partial<RoutedRequest> = {}): RoutedRequest => ({
  method: 'GET',
  url,
  mode: 'cors',
  hasRange: false,
  ...extra,
});

describe('routeOf', () => {
  it('answers the shell, the runtime folders and app pages from the caches', () => {
    expect(routeOf(get('http://127.0.0.1:4173/assets/index-abc.js'), scope)).toBe('shell');
    expect(routeOf(get('http://127.0.0.1:4173/index.html'), scope)).toBe('shell');
    for (const path of [
      'ort/ort-wasm-simd-threaded.wasm',
      'models/sotu-gpt-long/onnx/model.onnx',
      'tokenizers/gpt2/tokenizer.json',
      'bigram/index.json',
      'corpus/sotu-bpe.bin',
    ]) {
      expect(routeOf(get(`http://127.0.0.1:4173/${path}`), scope)).toBe('files');
    }
    expect(routeOf(get('http://127.0.0.1:4173/?testApi=1', { mode: 'navigate' }), scope)).toBe('page');
    expect(routeOf(get('http://127.0.0.1:4173/lab', { mode: 'navigate' }), scope)).toBe('page');
  });

  it('leaves everything else to the network', () => {
    expect(routeOf(get('https://huggingface.co/gpt2/resolve/main/config.json'), scope)).toBeNull();
    expect(routeOf(get('https://api.infini-gram.io/'), scope)).toBeNull();
    expect(routeOf(get('http://127.0.0.1:4174/models/x/config.json'), scope)).toBeNull();
    expect(routeOf(get('http://127.0.0.1:4173/models/x/onnx/model.onnx', { method: 'POST' }), scope)).toBeNull();
    expect(routeOf(get('http://127.0.0.1:4173/models/x/onnx/model.onnx', { hasRange: true }), scope)).toBeNull();
    // Not in the shell list: a file of another build, or the shell with a query.
    expect(routeOf(get('http://127.0.0.1:4173/assets/index-old.js'), scope)).toBeNull();
    expect(routeOf(get('http://127.0.0.1:4173/assets/index-abc.js?v=2'), scope)).toBeNull();
    expect(routeOf(get('http://127.0.0.1:4173/sw.js'), scope)).toBeNull();
    // A model card opened in a new tab is a navigation to a file, not to the app.
    expect(routeOf(get('http://127.0.0.1:4173/models/x/MODEL_CARD.md', { mode: 'navigate' }), scope)).toBeNull();
  });

  it('works under a base path', () => {
    const nested = { scopeUrl: 'https://example.org/tokenscope/', shellPaths: new Set(['index.html']) };
    expect(routeOf(get('https://example.org/tokenscope/models/a/config.json'), nested)).toBe('files');
    expect(routeOf(get('https://example.org/models/a/config.json'), nested)).toBeNull();
    expect(routeOf(get('https://example.org/tokenscope/', { mode: 'navigate' }), nested)).toBe('page');
  });
});

describe('app routes', () => {
  it('are the pages tools/serve.mjs answers with index.html', () => {
    expect(isAppRoute('')).toBe(true);
    expect(isAppRoute('index.html')).toBe(true);
    expect(isAppRoute('experiments')).toBe(true);
    expect(isAppRoute('manifest.webmanifest')).toBe(false);
    expect(isAppRoute('models/sotu-gpt')).toBe(false);
  });
});

describe('caches of a version', () => {
  it('deletes only this app’s caches of other versions, never the Hub’s', () => {
    expect(isOtherVersionCache(shellCacheName('old'), 'new')).toBe(true);
    expect(isOtherVersionCache(filesCacheName('old'), 'new')).toBe(true);
    expect(isOtherVersionCache(shellCacheName('new'), 'new')).toBe(false);
    expect(isOtherVersionCache(filesCacheName('new'), 'new')).toBe(false);
    expect(isOtherVersionCache('tokenscope-hub-v1', 'new')).toBe(false);
  });
});

describe('offlineResponseHeaders', () => {
  it('keeps the server’s headers and forces cross-origin isolation', () => {
    const headers = new Map(
      offlineResponseHeaders([
        ['content-type', 'application/wasm'],
        ['content-security-policy', "default-src 'self'"],
        ['cross-origin-embedder-policy', 'unsafe-none'],
      ]).map(([name, value]) => [name.toLowerCase(), value]),
    );
    expect(headers.get('content-type')).toBe('application/wasm');
    expect(headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(headers.size).toBe(5);
  });
});

describe('isCacheable', () => {
  it('keeps whole same-origin answers only', () => {
    expect(isCacheable({ status: 200, type: 'basic' })).toBe(true);
    expect(isCacheable({ status: 206, type: 'basic' })).toBe(false);
    expect(isCacheable({ status: 404, type: 'basic' })).toBe(false);
    expect(isCacheable({ status: 0, type: 'opaque' })).toBe(false);
  });
});
