/**
 * The loaded model's file hashes (Node, the real embedded model): not computed during the load,
 * computed on the first ask and kept, equal to node:crypto's SHA-256 of the files on disk, and
 * never handed out for a load other than the one asked about.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createNodeRuntime, EMBEDDED_MODELS_DIR } from './nodeRuntime';
import { Engine } from './engine';
import { EngineError } from './errors';

const SOTU_GPT = join(EMBEDDED_MODELS_DIR, 'sotu-gpt');
const LOADED_FILES = [
  'config.json',
  'generation_config.json',
  'onnx/model.onnx',
  'tokenizer.json',
  'tokenizer_config.json',
];

describe('Engine.fileHashes on sotu-gpt (Node)', () => {
  const engine = new Engine(createNodeRuntime());
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => engine.unload());

  it('hashes nothing during the load, then every loaded file on the first ask, once', async () => {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    const info = await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    expect(digest).not.toHaveBeenCalled();
    expect(info.files).toEqual(LOADED_FILES);

    const hashes = await engine.fileHashes({ loadId: info.loadId });
    expect(hashes.map((h) => h.path)).toEqual(LOADED_FILES);
    for (const { path, sha256 } of hashes)
      expect(sha256).toBe(
        createHash('sha256')
          .update(readFileSync(join(SOTU_GPT, path)))
          .digest('hex'),
      );
    expect(digest).toHaveBeenCalledTimes(LOADED_FILES.length);

    expect(await engine.fileHashes()).toEqual(hashes);
    expect(digest).toHaveBeenCalledTimes(LOADED_FILES.length);
  });

  it("refuses to give another load's hashes", async () => {
    const first = engine.modelInfo!;
    const second = await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    expect(second.loadId).not.toBe(first.loadId);
    await expect(engine.fileHashes({ loadId: first.loadId })).rejects.toThrow(EngineError);
    expect((await engine.fileHashes({ loadId: second.loadId })).map((h) => h.path)).toEqual(LOADED_FILES);
  });
});
