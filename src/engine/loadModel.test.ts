/** Reading a model's files: what the message says when a file is not what it should be. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_MODELS_DIR } from './nodeRuntime';
import { BlobFileProvider } from './files/blobFileProvider';
import { HttpFileProvider } from './files/httpFileProvider';
import { readModelFiles } from './loadModel';
import type { FileReadOptions, ModelFileProvider } from './files/fileProvider';

/** sotu-gpt's files from disk; the ONNX file is held until `release`, and ends with an abort error if the read is stopped. */
function heldProvider(missing?: string) {
  const started: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let onnxAborted = false;
  const provider: ModelFileProvider = {
    where: 'the test',
    async read(path: string, options: FileReadOptions = {}) {
      started.push(path);
      if (path === missing) return null;
      if (path.endsWith('.onnx')) {
        await new Promise<void>((resolve, reject) => {
          void released.then(resolve);
          options.signal?.addEventListener('abort', () => {
            onnxAborted = true;
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      }
      return { bytes: new Uint8Array(readFileSync(join(SOTU_GPT, path))), fromCache: false };
    },
  };
  return { provider, started, release, onnxAborted: () => onnxAborted };
}

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

  it('reads every file after config.json at once, and runs `beside` on the JSON files while the ONNX file downloads', async () => {
    const held = heldProvider();
    let besideRan = false;
    const reading = readModelFiles(
      { provider: held.provider, label: 'sotu-gpt', backend: 'wasm', dtype: 'auto' },
      async ({ config, tokenizerJson, tokenizerConfig }) => {
        besideRan = true;
        expect(config.model_type).toBe('gpt2');
        expect(tokenizerJson).toMatchObject({ model: { type: 'BPE' } });
        expect(tokenizerConfig.tokenizer_class).toBe('GPT2Tokenizer');
        // The ONNX file is still held: `beside` runs during its download.
        expect(held.started).toContain('onnx/model.onnx');
        held.release();
      },
    );
    const loaded = await reading;
    expect(held.started[0]).toBe('config.json');
    expect(new Set(held.started)).toEqual(new Set([...JSON_FILES, 'onnx/model.onnx']));
    expect(besideRan).toBe(true);
    // The files come back in the order they were asked for (config.json, the JSON files, the ONNX file), not as they arrived.
    expect([...loaded.files.keys()]).toEqual(held.started);
    expect(held.started.at(-1)).toBe('onnx/model.onnx');
  });

  it('stops the ONNX download when a tokenizer file is missing, and names the file', async () => {
    const held = heldProvider('tokenizer_config.json');
    const error = await readError({ provider: held.provider, label: 'sotu-gpt', backend: 'wasm', dtype: 'auto' });
    expect(error).toMatchObject({ code: 'model-file-missing', file: 'tokenizer_config.json' });
    expect(held.onnxAborted()).toBe(true);
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
