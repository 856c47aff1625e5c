import { describe, expect, it } from 'vitest';
import { BlobFileProvider, stripCommonFolder } from './blobFileProvider';
import { CachingFileProvider, groupCachedFiles, MemoryStore, parseHubFileUrl } from './hubCache';
import { HttpFileProvider } from './httpFileProvider';
import { readBodyWithProgress } from './fileProvider';

describe('folder files', () => {
  it('strips the picked folder name that webkitdirectory puts first', () => {
    expect(stripCommonFolder(['my-model/config.json', 'my-model/onnx/model.onnx'])).toEqual({ folderName: 'my-model', paths: ['config.json', 'onnx/model.onnx'] });
    expect(stripCommonFolder(['config.json', 'onnx/model.onnx']).folderName).toBeNull();
    expect(stripCommonFolder(['a/config.json', 'b/config.json']).folderName).toBeNull();
  });

  it('reads registered files and reports absent ones as null', async () => {
    const provider = new BlobFileProvider('m', [{ path: 'onnx\\model.onnx', blob: new Blob([new Uint8Array([8, 1])]) }]);
    expect(Array.from((await provider.read('onnx/model.onnx'))!.bytes)).toEqual([8, 1]);
    expect(await provider.read('config.json')).toBeNull();
  });
});

describe('Hub cache', () => {
  it('parses Hub file URLs and groups stored files by model', () => {
    expect(parseHubFileUrl('http://127.0.0.1:4318/slow-40/tokenscope/sotu-gpt/resolve/main/onnx/model.onnx')).toEqual({ modelId: 'slow-40/tokenscope/sotu-gpt', path: 'onnx/model.onnx' });
    expect(parseHubFileUrl('https://huggingface.co/Xenova/gpt2/resolve/main/config.json')).toEqual({ modelId: 'Xenova/gpt2', path: 'config.json' });
    const groups = groupCachedFiles([
      { url: 'https://huggingface.co/Xenova/gpt2/resolve/main/config.json', bytes: 10 },
      { url: 'https://huggingface.co/Xenova/gpt2/resolve/main/onnx/model.onnx', bytes: 100 },
      { url: 'https://huggingface.co/a/b/resolve/main/config.json', bytes: 1 },
    ]);
    expect(groups.map((g) => [g.modelId, g.totalBytes, g.files.length])).toEqual([['Xenova/gpt2', 110, 2], ['a/b', 1, 1]]);
  });

  it('serves a second read from the store without the network', async () => {
    let fetches = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => { fetches++; return new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-length': '3' } }); }) as typeof fetch;
    try {
      const provider = new CachingFileProvider(new HttpFileProvider('https://hub.example/org/m/resolve/main/', 'org/m'), new MemoryStore());
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
    try { return await run(); } finally { globalThis.fetch = realFetch; }
  }

  it('treats an HTML fallback page as a missing file', async () => {
    const html = new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
    expect(await withFetch(html, () => new HttpFileProvider('http://app/models/x/', 'x').read('tokenizer_config.json'))).toBeNull();
  });

  it('explains refused and failing responses with the file name', async () => {
    await expect(withFetch(new Response('no', { status: 403 }), () => new HttpFileProvider('http://hub/org/m/resolve/main/', 'org/m').read('config.json'))).rejects.toThrow(/access to config\.json was refused \(HTTP 403\)/);
    await expect(withFetch(new Response('no', { status: 500 }), () => new HttpFileProvider('http://hub/org/m/resolve/main/', 'org/m').read('onnx/model.onnx'))).rejects.toThrow(/HTTP 500 for onnx\/model\.onnx/);
  });

  it('reports progress with the declared size and grows the buffer when there is none', async () => {
    const seen: [number, number | null][] = [];
    const sized = await readBodyWithProgress(new Response(new Uint8Array(100_000), { headers: { 'content-length': '100000' } }), (l, t) => seen.push([l, t]));
    expect(sized.byteLength).toBe(100_000);
    expect(seen.at(-1)).toEqual([100_000, 100_000]);
    const stream = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(70_000)); c.enqueue(new Uint8Array(70_000)); c.close(); } });
    const unsized = await readBodyWithProgress(new Response(stream), () => undefined);
    expect(unsized.byteLength).toBe(140_000);
  });
});
