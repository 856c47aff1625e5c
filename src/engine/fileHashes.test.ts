import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashModelFiles } from './fileHashes';

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
