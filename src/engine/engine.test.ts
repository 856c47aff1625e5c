/**
 * The engine under Node on the real embedded model (onnxruntime-node): loading, errors that
 * name the file, keeping the previous model, KV-cached steps, sliding-window scoring.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime, EMBEDDED_MODELS_DIR, REPO_ROOT } from './nodeRuntime';
import { planSlidingWindows } from '../core/context/slidingWindow';
import { Engine } from './engine';
import { EngineError } from './errors';

const SOTU_GPT = join(EMBEDDED_MODELS_DIR, 'sotu-gpt');
const MODEL_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
];

function copyModel(options: { omit?: string[]; replace?: Record<string, string> } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'tokenscope-engine-'));
  mkdirSync(join(root, 'onnx'));
  for (const file of MODEL_FILES) {
    if (options.omit?.includes(file)) continue;
    if (options.replace?.[file] !== undefined) writeFileSync(join(root, file), options.replace[file]);
    else copyFileSync(join(SOTU_GPT, file), join(root, file));
  }
  return root;
}

async function loadError(engine: Engine, path: string): Promise<EngineError> {
  const error = await engine
    .load({ source: { kind: 'path', path }, backend: 'wasm', dtype: 'auto' })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

const TEXT = 'Fellow-Citizens of the Senate and House of Representatives: the state of the Union. 日本 😀 café\n';

describe('Engine.load and the backend probe', () => {
  it('loads on WASM without waiting for a WebGPU adapter (slow while a browser starts its GPU process)', async () => {
    const node = createNodeRuntime();
    const asked: ({ adapter?: boolean } | undefined)[] = [];
    const engine = new Engine({
      ...node,
      probeBackend: (options) => {
        asked.push(options);
        // An adapter probe that never answers: a load that waited for it would time out.
        return options?.adapter === false ? node.probeBackend(options) : new Promise(() => undefined);
      },
    });
    const info = await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    expect(info.key).toBe('embedded:sotu-gpt');
    expect(asked).toEqual([{ adapter: false }]);
    await engine.unload();
  });
});

describe('Engine on sotu-gpt (Node)', () => {
  const engine = new Engine(createNodeRuntime());

  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
  });
  afterAll(() => engine.unload());

  it('describes the loaded model', () => {
    expect(engine.modelInfo).toMatchObject({
      key: 'embedded:sotu-gpt',
      backend: 'node-cpu',
      dtype: 'fp32',
      modelFile: 'onnx/model.onnx',
      vocabSize: 8192,
      contextTokens: 256,
      byteScheme: 'byte-level',
    });
  });

  it('tokenizes byte-exactly: token bytes concatenate to the text and split characters show as \\xNN', () => {
    const { ids, tokens } = engine.tokenize({ text: TEXT });
    expect(tokens.map((t) => t.id)).toEqual(ids);
    const bytes = Buffer.from(tokens.map((t) => t.bytesHex).join(''), 'hex');
    expect(bytes.toString('utf8')).toBe(TEXT);
    expect(tokens.some((t) => t.text.includes('\uFFFD'))).toBe(false);
    expect(tokens.some((t) => /\\x[0-9A-F]{2}/.test(t.text))).toBe(true);
  });

  it('gives the same next-token logits from a KV-cached step as from a full recompute', async () => {
    const { ids } = engine.tokenize({ text: TEXT.repeat(3) });
    const first = await engine.step({ ids: ids.slice(0, 20) });
    const cached = await engine.step({ ids: ids.slice(0, 21) });
    expect(first.reusedTokens).toBe(0);
    expect(cached).toMatchObject({ reusedTokens: 20, computedTokens: 1 });
    const full = await engine.step({ ids: ids.slice(0, 21), useCache: false });
    expect(full.computedTokens).toBe(21);
    let maxDifference = 0;
    for (let i = 0; i < full.logits.length; i++)
      maxDifference = Math.max(maxDifference, Math.abs(full.logits[i] - cached.logits[i]));
    expect(maxDifference).toBeLessThan(1e-4);
  });

  it('cuts the cache back to the unchanged prefix when the text changed before its end', async () => {
    const { ids } = engine.tokenize({ text: TEXT });
    await engine.step({ ids: ids.slice(0, 10) });
    const edited = [...ids.slice(0, 5), (ids[5] + 1) % 8000, ...ids.slice(6, 11)];
    const result = await engine.step({ ids: edited });
    expect(result.reusedTokens).toBe(5);
    expect(result.computedTokens).toBe(edited.length - 5);
    const full = await engine.step({ ids: edited, useCache: false });
    let maxDifference = 0;
    for (let i = 0; i < full.logits.length; i++)
      maxDifference = Math.max(maxDifference, Math.abs(full.logits[i] - result.logits[i]));
    expect(maxDifference).toBeLessThan(1e-4);
  });

  it('scores past the context with sliding windows that match a direct pass over each window', async () => {
    const { ids } = engine.tokenize({ text: TEXT.repeat(30) });
    expect(ids.length).toBeGreaterThan(600);
    const stride = 100;
    const progress: number[] = [];
    const score = await engine.score(
      { ids, topK: 3, strideTokens: stride },
      { onProgress: (p) => progress.push(p.doneWindows / p.totalWindows) },
    );
    expect(score.positions.map((p) => p.position)).toEqual(ids.slice(1).map((_, i) => i + 1));
    const windows = planSlidingWindows(ids.length - 1, 256, stride);
    expect(score.windowCount).toBe(windows.length);
    expect(progress).toHaveLength(windows.length);
    expect(progress.at(-1)).toBe(1);
    for (const position of [1, 255, 256, 400, ids.length - 1]) {
      const predictedFrom = position - 1;
      const window = windows.find((w) => predictedFrom >= w.keepFrom && predictedFrom < w.end)!;
      const direct = await engine.step({ ids: ids.slice(window.start, position), useCache: false });
      const z = direct.logits.reduce((sum, l) => sum + Math.exp(l), 0);
      expect(score.positions[position - 1].probability).toBeCloseTo(Math.exp(direct.logits[ids[position]]) / z, 5);
    }
    for (const p of score.positions) {
      expect(p.rank).toBeGreaterThanOrEqual(1);
      expect(p.top[0].probability).toBeGreaterThanOrEqual(p.top[1].probability);
      expect(p.probability).toBeLessThanOrEqual(p.top[0].probability + 1e-9);
    }
  });

  it('returns logits from a given position that equal the full forward rows', async () => {
    const { ids } = engine.tokenize({ text: TEXT });
    const all = await engine.forward({ ids });
    const tail = await engine.forward({ ids, fromPosition: ids.length - 3 });
    expect(tail.positionCount).toBe(3);
    const vocab = all.vocabSize;
    expect(Array.from(tail.logits.subarray(0, 5))).toEqual(
      Array.from(all.logits.subarray((ids.length - 3) * vocab, (ids.length - 3) * vocab + 5)),
    );
  });

  it('names a missing file and keeps the previous model', async () => {
    const error = await loadError(engine, copyModel({ omit: ['tokenizer_config.json'] }));
    expect(error.code).toBe('model-file-missing');
    expect(error.file).toBe('tokenizer_config.json');
    expect(error.message).toMatch(/is missing tokenizer_config\.json/);
    expect(engine.modelInfo?.key).toBe('embedded:sotu-gpt');
    expect(engine.tokenize({ text: 'still here' }).ids.length).toBeGreaterThan(0);
  });

  it('names an ONNX file that is really an HTML page, never "Unexpected token"', async () => {
    const error = await loadError(
      engine,
      copyModel({ replace: { 'onnx/model.onnx': '<!doctype html><title>SPA</title>' } }),
    );
    expect(error).toMatchObject({ code: 'model-file-invalid', file: 'onnx/model.onnx' });
    expect(error.message).not.toMatch(/Unexpected token/);
  });

  it('names a config.json that is not JSON or not a model config', async () => {
    const html = await loadError(engine, copyModel({ replace: { 'config.json': '<html></html>' } }));
    expect(html).toMatchObject({ code: 'model-file-invalid', file: 'config.json' });
    expect(html.message).toMatch(/HTML page, not JSON/);
    const notModel = await loadError(engine, copyModel({ replace: { 'config.json': '{"hello": 1}' } }));
    expect(notModel.message).toMatch(/config\.json is not a model config \(model_type/);
  });

  it('says which dtype file is missing', async () => {
    const error = await engine
      .load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'q4' })
      .then(
        () => null,
        (e: unknown) => e as EngineError,
      );
    expect(error).toMatchObject({ code: 'model-file-missing', file: 'onnx/model_q4.onnx' });
    expect(error?.message).toMatch(/dtype "q4" needs this file/);
  });

  it('stops a load whose signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await engine
      .load(
        { source: { kind: 'path', path: copyModel() }, backend: 'wasm', dtype: 'auto' },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'cancelled' });
    expect(engine.modelInfo?.key).toBe('embedded:sotu-gpt');
  });

  it("gives the logits PyTorch gives for the export's reference prompt", async () => {
    const fixture = JSON.parse(
      readFileSync(join(REPO_ROOT, 'tools', 'models', 'fixtures', 'sotu-gpt.json'), 'utf8'),
    ) as { promptIds: number[]; logitsBase64: string };
    const bytes = Buffer.from(fixture.logitsBase64, 'base64');
    const expected = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const { logits } = await engine.forward({ ids: fixture.promptIds });
    expect(logits.length).toBe(expected.length);
    let maxDifference = 0;
    for (let i = 0; i < expected.length; i++)
      maxDifference = Math.max(maxDifference, Math.abs(logits[i] - expected[i]));
    expect(maxDifference).toBeLessThan(1e-4);
  });

  it('rejects token ids outside the vocabulary with a sentence', async () => {
    await expect(engine.step({ ids: [1, 99999] })).rejects.toThrow(/outside the vocabulary/);
  });
});
