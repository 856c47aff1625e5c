import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../tools/serve.mjs';
import { connectAllowed, connectRefusalMessage, connectSourcesOf } from './connectPolicy';

const PAGE = 'http://127.0.0.1:4173/?hub=x#share=abc';

describe('the page connect policy', () => {
  it('reads connect-src, falls back to default-src, and is null when nothing restricts connections', () => {
    expect(connectSourcesOf("default-src 'self'; connect-src 'self' https://a.example")).toEqual([
      "'self'",
      'https://a.example',
    ]);
    expect(connectSourcesOf("default-src 'none'; img-src 'self'")).toEqual(["'none'"]);
    expect(connectSourcesOf("img-src 'self'")).toBeNull();
    expect(connectSourcesOf(null)).toBeNull();
  });

  it("allows what tools/serve.mjs's policy allows: our origin, the Hub and its download hosts, hosts given", () => {
    const sources = connectSourcesOf(contentSecurityPolicy(['http://127.0.0.1:4318/slow-40/']))!;
    const allowed = (url: string) => connectAllowed(url, sources, PAGE);
    expect(allowed('http://127.0.0.1:4173/models/x/config.json')).toBe(true);
    expect(allowed('https://huggingface.co/Xenova/gpt2/resolve/main/config.json')).toBe(true);
    expect(allowed('https://cdn-lfs-us-1.hf.co/repos/x')).toBe(true);
    expect(allowed('https://us.aws.cdn.hf.co/xet-bridge-us/x')).toBe(true);
    expect(allowed('https://cdn-lfs.huggingface.co/x')).toBe(true);
    // The extra host is allowed as an origin: any path, this port only.
    expect(allowed('http://127.0.0.1:4318/tokenscope/sotu-gpt/resolve/main/config.json')).toBe(true);
    expect(allowed('http://127.0.0.1:4319/x')).toBe(false);
    expect(allowed('http://127.0.0.1:4499/tokenscope/sotu-gpt/resolve/main/config.json')).toBe(false);
    expect(allowed('http://huggingface.co/x')).toBe(false);
    expect(allowed('https://huggingface.co.evil.example/x')).toBe(false);
    expect(allowed('https://hf.co.evil.example/x')).toBe(false);
    expect(allowed('https://evil.example/?https://huggingface.co')).toBe(false);
  });

  it('allows the public infini-gram API by default (https only), and the loopback test double only when given', () => {
    const sources = connectSourcesOf(contentSecurityPolicy())!;
    expect(sources).toContain('https://api.infini-gram.io');
    expect(connectAllowed('https://api.infini-gram.io/', sources, PAGE)).toBe(true);
    expect(connectAllowed('http://api.infini-gram.io/', sources, PAGE)).toBe(false);
    expect(connectAllowed('https://evil.infini-gram.io/', sources, PAGE)).toBe(false);
    expect(connectAllowed('http://127.0.0.1:4319/', sources, PAGE)).toBe(false);
    expect(
      connectAllowed(
        'http://127.0.0.1:4319/delay-20000/',
        connectSourcesOf(contentSecurityPolicy(['http://127.0.0.1:4319']))!,
        PAGE,
      ),
    ).toBe(true);
  });

  it('matches schemes, wildcards, ports and paths as CSP does', () => {
    const allowed = (url: string, ...sources: string[]) => connectAllowed(url, sources, PAGE);
    expect(allowed('https://any.example/', '*')).toBe(true);
    expect(allowed('https://any.example/', 'https:')).toBe(true);
    expect(allowed('https://any.example/', 'http:')).toBe(true); // http sources admit https
    expect(allowed('http://any.example/', 'https:')).toBe(false);
    expect(allowed('http://a.example/', 'a.example')).toBe(true); // no scheme: the page's
    expect(allowed('http://a.example:8080/', 'a.example')).toBe(false);
    expect(allowed('http://a.example:8080/', 'a.example:*')).toBe(true);
    expect(allowed('https://a.example/', 'https://a.example:443')).toBe(true);
    expect(allowed('https://x.a.example/', 'https://*.a.example')).toBe(true);
    expect(allowed('https://a.example/', 'https://*.a.example')).toBe(false);
    expect(allowed('https://a.example/hub/m/config.json', 'https://a.example/hub/')).toBe(true);
    expect(allowed('https://a.example/other/config.json', 'https://a.example/hub/')).toBe(false);
    expect(allowed('https://a.example/', "'none'")).toBe(false);
  });

  it('says which host is refused and how to allow it', () => {
    expect(connectRefusalMessage('http://127.0.0.1:4499/tokenscope/x/resolve/main/config.json')).toBe(
      "This server's Content-Security-Policy does not let the page fetch from http://127.0.0.1:4499, so nothing can be loaded from there. " +
        'Whoever runs it can allow that host: npm start -- --connect-src http://127.0.0.1:4499 (or TOKENSCOPE_CONNECT_SRC=http://127.0.0.1:4499 npm run dev).',
    );
    expect(connectRefusalMessage('http://127.0.0.1:9/x/', 'the infini-gram API there cannot be asked')).toMatch(
      /^This server's Content-Security-Policy does not let the page fetch from http:\/\/127\.0\.0\.1:9, so the infini-gram API there cannot be asked\. /,
    );
  });
});
