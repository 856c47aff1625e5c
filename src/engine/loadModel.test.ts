/** Reading a model's files: what the message says when a file is not what it should be. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_MODELS_DIR } from './nodeRuntime';
import { BlobFileProvider } from './files/blobFileProvider';
import { HttpFileProvider } from './files/httpFileProvider';
import { readModelFiles } from './loadModel';

const SOTU_GPT = join(EMBEDDED_MODELS_DIR, 'sotu-gpt');
const JSON_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];

async function readError(
  request: Parameters<typeof readModelFiles>[0],
): Promise<Error & { code?: string; file?: string }> {
  return readModelFiles(request).then(
    () => {
      throw new Error('expected the read to fail');
    },
    (error: Error) => error,
  );
}

describe('readModelFiles', () => {
  it('says a Hub host answered an HTML page for config.json, not that the file is missing', async () => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () =>
      new Response('<!doctype html><title>Welcome to the hotel Wi-Fi</title>', {
        headers: { 'content-type': 'text/html' },
      })) as typeof fetch;
    try {
      const hub = 'https://portal.example/Xenova/gpt2/resolve/main/';
      const error = await readError({
        provider: new HttpFileProvider(hub, 'Xenova/gpt2'),
        label: 'Xenova/gpt2',
        backend: 'wasm',
        dtype: 'auto',
      });
      expect(error.message).not.toMatch(/missing/);
      expect(error.message).toMatch(
        `Xenova/gpt2: the host answered an HTML page instead of config.json (${hub}config.json)`,
      );
      expect(error).toMatchObject({ code: 'model-file-invalid', file: 'config.json' });
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('names each JSON file of a folder that is an HTML page', async () => {
    for (const broken of JSON_FILES) {
      const files = [...JSON_FILES, 'onnx/model.onnx'].map((path) => ({
        path,
        blob: new Blob([
          path === broken ? '<html><body>Saved from the browser</body></html>' : readFileSync(join(SOTU_GPT, path)),
        ]),
      }));
      const error = await readError({
        provider: new BlobFileProvider('saved', files),
        label: 'folder "saved"',
        backend: 'wasm',
        dtype: 'auto',
      });
      expect(error.message).toBe(`folder "saved": ${broken} is an HTML page, not JSON.`);
      expect(error).toMatchObject({ code: 'model-file-invalid', file: broken });
    }
  });

  it('names an ONNX file that is an HTML page with the same check', async () => {
    const files = [...JSON_FILES, 'onnx/model.onnx'].map((path) => ({
      path,
      blob: new Blob([
        path === 'onnx/model.onnx' ? '<!doctype html><html></html>' : readFileSync(join(SOTU_GPT, path)),
      ]),
    }));
    const error = await readError({
      provider: new BlobFileProvider('saved', files),
      label: 'folder "saved"',
      backend: 'wasm',
      dtype: 'auto',
    });
    expect(error.message).toBe('folder "saved": onnx/model.onnx is an HTML page, not an ONNX model.');
    expect(error).toMatchObject({ code: 'model-file-invalid', file: 'onnx/model.onnx' });
  });
});
