import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSourceOf, connectSourcesFromEnv, contentSecurityPolicy, createStaticServer } from './serve.mjs';

describe('the Content-Security-Policy of tools/serve.mjs', () => {
  it('allows scripts, workers and wasm from our origin only, no inline code, fetches from us, the Hub and the infini-gram API', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
        "connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co https://api.infini-gram.io; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('adds each extra Hub host as an origin, once', () => {
    expect(
      contentSecurityPolicy(['http://127.0.0.1:4318/slow-40/', 'http://127.0.0.1:4318', 'https://mirror.example/hub/']),
    ).toContain(
      "connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co https://api.infini-gram.io http://127.0.0.1:4318 https://mirror.example;",
    );
  });

  it('refuses an extra host that is not an http(s) URL, so nothing else gets into the policy', () => {
    for (const bad of ["'unsafe-inline'", 'https://a.example; script-src *', 'javascript:alert(1)', '*']) {
      expect(() => connectSourceOf(bad)).toThrow(/must be an http\(s\) URL/);
    }
    // A URL with a space or semicolon in its path still yields only its origin.
    expect(connectSourceOf('https://a.example/x;script-src%20*')).toBe('https://a.example');
  });

  it('puts a nonce on scripts and styles only when asked (the Vite dev server)', () => {
    expect(contentSecurityPolicy([], { nonce: 'abc' })).toContain(
      "script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self' 'nonce-abc';",
    );
  });

  it('reads extra hosts from TOKENSCOPE_CONNECT_SRC', () => {
    expect(
      connectSourcesFromEnv({
        TOKENSCOPE_CONNECT_SRC: ' http://127.0.0.1:9000/  https://b.example,https://c.example ',
      }),
    ).toEqual(['http://127.0.0.1:9000/', 'https://b.example', 'https://c.example']);
    expect(connectSourcesFromEnv({})).toEqual([]);
  });
});

describe('tools/serve.mjs responses', () => {
  let root: string;
  let server: ReturnType<typeof createStaticServer>;
  let base: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tokenscope-serve-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'assets', 'index.js'), 'export {};');
    server = createStaticServer(root, { connectSources: ['http://127.0.0.1:4318/'] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['/', '/assets/index.js', '/no-such-file.js'])('sends the security headers with %s', async (path) => {
    const response = await fetch(`${base}${path}`);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy(['http://127.0.0.1:4318/']));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });
});
