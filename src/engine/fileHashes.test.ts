import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { hashModelFiles, LazyFileHashes } from './fileHashes';

describe('hashModelFiles', () => {
  it('gives each file its SHA-256, sorted by path', async () => {
    const files = new Map([
      ['tokenizer.json', new TextEncoder().encode('{"model":{}}')],
      ['config.json', new Uint8Array([1, 2, 3])],
    ]);
    const hashes = await hashModelFiles(files);
    expect(hashes.map((h) => h.path)).toEqual(['config.json', 'tokenizer.json']);
    for (const { path, sha256 } of hashes)
      expect(sha256).toBe(createHash('sha256').update(files.get(path)!).digest('hex'));
    expect(hashes[0].sha256).toBe('039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
  });
});

describe('LazyFileHashes', () => {
  const files = new Map([['config.json', new Uint8Array([1, 2, 3])]]);

  it('hashes on the first ask and keeps the result', async () => {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    const lazy = new LazyFileHashes(files);
    expect(digest).not.toHaveBeenCalled();
    const first = await lazy.get();
    expect(first).toEqual(await hashModelFiles(files));
    digest.mockClear();
    expect(await lazy.get()).toBe(first);
    expect(digest).not.toHaveBeenCalled();
    digest.mockRestore();
  });

  it('asks again after a failure instead of keeping it', async () => {
    const digest = vi.spyOn(crypto.subtle, 'digest').mockRejectedValueOnce(new Error('no crypto today'));
    const lazy = new LazyFileHashes(files);
    await expect(lazy.get()).rejects.toThrow('no crypto today');
    expect((await lazy.get())[0].sha256).toBe('039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
    digest.mockRestore();
  });
});
