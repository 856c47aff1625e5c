import { describe, expect, it } from 'vitest';
import { BlobFileProvider } from './blobFileProvider';
import { stripCommonFolder } from '../../core/folderPaths';
import { CachingFileProvider, groupCachedFiles, MemoryStore, parseHubFileUrl } from './hubCache';
import { HttpFileProvider } from './httpFileProvider';
import { looksLikeHtml, readBodyWithProgress } from './fileProvider';

describe('folder files', () => {
  it('strips the picked folder name that webkitdirectory puts first', () => {
    expect(stripCommonFolder(['my-model/config.json', 'my-model/onnx/model.onnx'])).toEqual({
      folderName: 'my-model',
      paths: ['config.json', 'onnx/model.onnx'],
    });
    expect(stripCommonFolder(['config.json', 'onnx/model.onnx']).folderName).toBeNull();
    expect(stripCommonFolder(['a/config.json', 'b/config.json']).folderName).toBeNull();
  });

  it('reads registered files and reports absent ones as null', async () => {
    const provider = new BlobFileProvider('m', [
      { path: 'onnx\\model.onnx', blob: new Blob([new Uint8Array([8, 1])]) },
    ]);
    expect(Array.from((await provider.read('onnx/model.onnx'))!.bytes)).toEqual([8, 1]);
    expect(await provider.read('config.json')).toBeNull();
  });
});

describe('Hub cache', () => {
  it('parses Hub file URLs and groups stored files by model', () => {
    expect(parseHubFileUrl('http://127.0.0.1:4318/slow-40/tokenscope/sotu-gpt/resolve/main/onnx/model.onnx')).toEqual({
      modelId: 'slow-40/tokenscope/sotu-gpt',
      path: 'onnx/model.onnx',
    });
    expect(parseHubFileUrl('https://huggingface.co/Xenova/gpt2/resolve/main/config.json')).toEqual({
      modelId: 'Xenova/gpt2',
      path: 'config.json',
    });
    const groups = groupCachedFiles([
      { url: 'https://huggingface.co/Xenova/gpt2/resolve/main/config.json', bytes: 10 },
      { url: 'https://huggingface.co/Xenova/gpt2/resolve/main/onnx/model.onnx', bytes: 100 },
      { url: 'https://huggingface.co/a/b/resolve/main/config.json', bytes: 1 },
    ]);
    expect(groups.map((g) => [g.modelId, g.totalBytes, g.files.length])).toEqual([
      ['Xenova/gpt2', 110, 2],
      ['a/b', 1, 1],
    ]);
  });

  it('serves a second read from the store without the network', async () => {
    let fetches = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => {
      fetches++;
      return new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-length': '3' } });
    }) as typeof fetch;
    try {
      const provider = new CachingFileProvider(
        new HttpFileProvider('https://hub.example/org/m/resolve/main/', 'org/m'),
        new MemoryStore(),
      );
      expect(await provider.isCached('config.json')).toBe(false);
      expect((await provider.read('config.json'))!.fromCache).toBe(false);
      expect(await provider.isCached('config.json')).toBe(true);
      const again = await provider.read('config.json');
      expect(again).toMatchObject({ fromCache: true });
      expect(fetches).toBe(1);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('HTTP files', () => {
  async function withFetch<T>(response: Response, run: () => Promise<T>): Promise<T> {
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => response) as typeof fetch;
    try {
      return await run();
    } finally {
      globalThis.fetch = realFetch;
    }
  }

  it("treats the app's own single-page-app fallback page as a missing file", async () => {
    const html = new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
    expect(
      await withFetch(html, () =>
        new HttpFileProvider('http://app/models/x/', 'x', { htmlPageMeansMissing: true }).read('tokenizer_config.json'),
      ),
    ).toBeNull();
  });

  it('says a Hub host answered an HTML page instead of each JSON file, naming the file and the URL', async () => {
    const hub = 'https://portal.example/Xenova/gpt2/resolve/main/';
    for (const path of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
      const page = new Response('<html><body>Sign in to the Wi-Fi</body></html>', {
        headers: { 'content-type': 'text/html; charset=utf-8' },
      });
      const error = await withFetch(page, () => new HttpFileProvider(hub, 'Xenova/gpt2').read(path)).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'model-file-invalid', file: path });
      expect((error as Error).message).toBe(
        `Xenova/gpt2: the host answered an HTML page instead of ${path} (${hub}${path}). A captive portal, a login page or a wrong Hub host answers this way: check the Hub host and the network.`,
      );
    }
  });

  it('recognises a page sent without an HTML content type, but only where JSON or ONNX is expected', async () => {
    const page = () =>
      new Response('\n  <!DOCTYPE html><title>Login</title>', {
        headers: { 'content-type': 'application/octet-stream' },
      });
    const provider = new HttpFileProvider('https://portal.example/org/m/resolve/main/', 'org/m');
    await expect(withFetch(page(), () => provider.read('config.json'))).rejects.toThrow(
      /the host answered an HTML page instead of config\.json/,
    );
    await expect(withFetch(page(), () => provider.read('onnx/model.onnx'))).rejects.toThrow(
      /instead of onnx\/model\.onnx/,
    );
    // Raw weights may start with the byte `<`.
    expect(await withFetch(page(), () => provider.read('onnx/model.onnx_data'))).not.toBeNull();
  });

  it("does not keep a Hub host's HTML page in the download cache", async () => {
    const store = new MemoryStore();
    const provider = new CachingFileProvider(
      new HttpFileProvider('https://portal.example/org/m/resolve/main/', 'org/m'),
      store,
    );
    const page = new Response('<html></html>', { headers: { 'content-type': 'text/html' } });
    await expect(withFetch(page, () => provider.read('config.json'))).rejects.toThrow(/HTML page/);
    expect(await store.list()).toEqual([]);
  });

  it('explains refused and failing responses with the file name', async () => {
    await expect(
      withFetch(new Response('no', { status: 403 }), () =>
        new HttpFileProvider('http://hub/org/m/resolve/main/', 'org/m').read('config.json'),
      ),
    ).rejects.toThrow(/access to config\.json was refused \(HTTP 403\)/);
    await expect(
      withFetch(new Response('no', { status: 500 }), () =>
        new HttpFileProvider('http://hub/org/m/resolve/main/', 'org/m').read('onnx/model.onnx'),
      ),
    ).rejects.toThrow(/HTTP 500 for onnx\/model\.onnx/);
  });

  it('reports progress with the declared size and grows the buffer when there is none', async () => {
    const seen: [number, number | null][] = [];
    const sized = await readBodyWithProgress(
      new Response(new Uint8Array(100_000), { headers: { 'content-length': '100000' } }),
      (l, t) => seen.push([l, t]),
    );
    expect(sized.byteLength).toBe(100_000);
    expect(seen.at(-1)).toEqual([100_000, 100_000]);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array(70_000));
        c.enqueue(new Uint8Array(70_000));
        c.close();
      },
    });
    const unsized = await readBodyWithProgress(new Response(stream), () => undefined);
    expect(unsized.byteLength).toBe(140_000);
  });
});

describe('looksLikeHtml', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('sees a page after a byte order mark or white space', () => {
    expect(looksLikeHtml(bytes('<!doctype html>'))).toBe(true);
    expect(looksLikeHtml(bytes('\uFEFF\r\n  <html>'))).toBe(true);
    expect(looksLikeHtml(bytes('<?xml version="1.0"?>'))).toBe(true);
  });

  it('does not take JSON, ONNX bytes or a lone `<` for a page', () => {
    expect(looksLikeHtml(bytes('{"model_type": "gpt2"}'))).toBe(false);
    expect(looksLikeHtml(new Uint8Array([0x08, 0x07, 0x12, 0x3c]))).toBe(false);
    expect(looksLikeHtml(new Uint8Array([0x3c]))).toBe(false);
    expect(looksLikeHtml(new Uint8Array([0x3c, 0x00, 0x01]))).toBe(false);
    expect(looksLikeHtml(new Uint8Array())).toBe(false);
  });
});
