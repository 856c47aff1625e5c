/**
 * The worker's key space: matrices read from the bytes the engine loaded (external data,
 * untied input embeddings, unreadable weights named with the reason), and on the real
 * sotu-gpt the neighbours equal a float64 reference and keys · LN(final hidden) = the
 * engine's own logits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime, EMBEDDED_MODELS_DIR, REPO_ROOT } from './nodeRuntime';
import { readKeyMatrices, parseOnnxModel, resolveWeight } from '../core/onnx';
import { Engine } from './engine';
import { EngineError } from './errors';
import { KeySpace } from './keySpace';

const FIXTURES = join(REPO_ROOT, 'src', 'core', 'onnx', 'fixtures');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** Independent oracle: every similarity in float64 from raw rows, full sort (desc, then id), self left out. */
function reference(
  values: Float32Array,
  rows: number,
  cols: number,
  tokenId: number,
  k: number,
  metric: 'cosine' | 'dot',
) {
  const norm = (r: number) =>
    Math.sqrt(Array.from(values.subarray(r * cols, (r + 1) * cols), (v) => v * v).reduce((a, b) => a + b, 0));
  const sims: number[] = [];
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let i = 0; i < cols; i++) dot += values[r * cols + i] * values[tokenId * cols + i];
    sims.push(metric === 'dot' ? dot : dot / (norm(r) * norm(tokenId)));
  }
  const ids = sims.map((_, i) => i).filter((i) => i !== tokenId);
  ids.sort((a, b) => (sims[b] > sims[a] ? 1 : sims[b] < sims[a] ? -1 : a - b));
  return ids.slice(0, k).map((id) => ({ tokenId: id, similarity: sims[id] }));
}

function expectSame(
  found: { tokenId: number; similarity: number }[],
  expected: { tokenId: number; similarity: number }[],
) {
  expect(found.map((r) => r.tokenId)).toEqual(expected.map((r) => r.tokenId));
  found.forEach((r, i) => expect(Math.abs(r.similarity - expected[i].similarity)).toBeLessThan(1e-9));
}

describe('KeySpace over loaded files', () => {
  const withExternal = () =>
    new Map([
      ['onnx/model.onnx', fixture('external.onnx')],
      ['onnx/external.weights', fixture('external.weights')],
    ]);

  it('reads an untied model whose weights live in an external data file, and gives input-embedding neighbours too', () => {
    const space = new KeySpace({ label: 'tiny', modelFile: 'onnx/model.onnx', files: withExternal() });
    const info = space.info();
    expect(info).toMatchObject({
      tied: false,
      output: { vocabularySize: 12, embeddingSize: 8 },
      input: { vocabularySize: 12, embeddingSize: 8 },
      inputReason: null,
    });
    const read = readKeyMatrices(fixture('external.onnx'), { externalData: () => fixture('external.weights') });
    if (!read.ok || !read.value.unembedding.ok || !read.value.inputEmbedding.ok) throw new Error('fixture unreadable');
    const found = space.neighbours({ tokenId: 3, k: 5 });
    for (const metric of ['cosine', 'dot'] as const) {
      expectSame(found.output[metric], reference(read.value.unembedding.value.values, 12, 8, 3, 5, metric));
      expectSame(found.input![metric], reference(read.value.inputEmbedding.value.values, 12, 8, 3, 5, metric));
    }
  });

  it('says which external file is missing instead of failing silently', () => {
    const space = new KeySpace({
      label: 'tiny',
      modelFile: 'onnx/model.onnx',
      files: new Map([['onnx/model.onnx', fixture('external.onnx')]]),
    });
    const error = (() => {
      try {
        space.info();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('unsupported-model');
    expect((error as EngineError).message).toMatch(
      /tiny: the unembedding .* cannot be read.*external file 'external.weights'/,
    );
  });

  it('names the op it cannot follow when the keys are computed, and keeps saying so', () => {
    const space = new KeySpace({
      label: 'odd',
      modelFile: 'onnx/model.onnx',
      files: new Map([['onnx/model.onnx', fixture('unsupported.onnx')]]),
    });
    expect(() => space.info()).toThrow(/odd: the unembedding .* cannot be read.*Mul node/);
    expect(() => space.neighbours({ tokenId: 0, k: 1 })).toThrow(/Mul node/);
  });

  it('refuses a token outside the vocabulary and a bad k with a sentence', () => {
    const space = new KeySpace({ label: 'tiny', modelFile: 'onnx/model.onnx', files: withExternal() });
    expect(() => space.neighbours({ tokenId: 12, k: 3 })).toThrow(
      /Token id 12 is not in this model's vocabulary \(0 to 11\)/,
    );
    expect(() => space.neighbours({ tokenId: 1, k: 0 })).toThrow(/k must be an integer/);
    expect(() => space.keySim({ logits: new Float32Array(5) })).toThrow(/5 logits; this model has 12 keys/);
  });
});

interface Fixture {
  promptIds: number[];
  lastHiddenStateBase64: string;
  logitsBase64: string;
}
const float32FromBase64 = (base64: string) => {
  const buffer = Buffer.from(base64, 'base64');
  return new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
};

describe('KeySpace of the loaded sotu-gpt (Node engine)', () => {
  const engine = new Engine(createNodeRuntime());
  const modelBytes = new Uint8Array(readFileSync(join(EMBEDDED_MODELS_DIR, 'sotu-gpt', 'onnx', 'model.onnx')));

  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
  });
  afterAll(() => engine.unload());

  it('finds the tied 8,192 × 256 float32 unembedding through the logits Gemm', () => {
    const info = engine.keySpace().info();
    expect(info).toMatchObject({
      tied: true,
      input: null,
      outputHasBias: false,
      output: { vocabularySize: 8192, embeddingSize: 256, encoding: 'float32', sources: ['model.wte.weight'] },
    });
    expect(info.inputReason).toMatch(/tied/);
    // Percentiles of cosines between distinct keys: ordered, above 0 (the keys share a common direction), below 1.
    const { p50, p90, p99 } = info.randomPairCosine;
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThan(p90);
    expect(p90).toBeLessThan(p99);
    expect(p99).toBeLessThan(1);
  });

  it('gives the same neighbours as a float64 full sort over the same weights', () => {
    const read = readKeyMatrices(modelBytes);
    if (!read.ok || !read.value.unembedding.ok) throw new Error('unreadable');
    const values = read.value.unembedding.value.values;
    for (const tokenId of [0, 283, 1531, 8191]) {
      const found = engine.keySpace().neighbours({ tokenId, k: 10 });
      for (const metric of ['cosine', 'dot'] as const)
        expectSame(found.output[metric], reference(values, 8192, 256, tokenId, 10, metric));
      expect(found.input).toBeNull();
    }
  });

  it("reproduces the engine's own logits: LN_f(final hidden state) · keys within 1e-4", async () => {
    const fixture = JSON.parse(
      readFileSync(join(REPO_ROOT, 'tools', 'models', 'fixtures', 'sotu-gpt.json'), 'utf8'),
    ) as Fixture;
    const { logits } = await engine.step({ ids: fixture.promptIds, useCache: false });
    const parsed = parseOnnxModel(modelBytes);
    if (!parsed.ok) throw new Error(parsed.reason);
    const weight = (name: string) => {
      const read = resolveWeight(parsed.value, name);
      if (!read.ok) throw new Error(read.reason);
      return read.value.values;
    };
    const gain = weight('model.ln_f.weight');
    const shift = weight('model.ln_f.bias');
    const { values: keys, cols: d, rows: v } = engine.keySpace().outputIndex().keys;
    const hidden = float32FromBase64(fixture.lastHiddenStateBase64);
    const last = hidden.subarray(hidden.length - d);
    const mean = last.reduce((s, x) => s + x, 0) / d;
    const variance = last.reduce((s, x) => s + (x - mean) ** 2, 0) / d;
    const query = Array.from(last, (x, i) => ((x - mean) / Math.sqrt(variance + 1e-5)) * gain[i] + shift[i]);
    let maxError = 0;
    for (let t = 0; t < v; t++) {
      let logit = 0;
      for (let i = 0; i < d; i++) logit += query[i] * keys[t * d + i];
      maxError = Math.max(maxError, Math.abs(logit - logits[t]));
    }
    expect(maxError).toBeLessThan(1e-4);
  });

  it('profiles keySim for a real distribution: the top-K compared with each other, ranks in order', async () => {
    const { logits } = await engine.step({ ids: engine.tokenize({ text: 'The United States of' }).ids });
    const result = engine.keySpace().keySim({ logits, topN: 50, topK: 5 });
    expect(result.candidates.map((c) => c.rank)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (const c of result.candidates) {
      expect(c.keySim).toBeLessThanOrEqual(1 + 1e-9);
      expect(c.nearestTopRank).toBeGreaterThanOrEqual(1);
      expect(c.nearestTopRank).toBeLessThanOrEqual(5);
      if (c.rank <= 5) expect(c.nearestTopRank).not.toBe(c.rank);
    }
  });

  it('maps every key to 2-D once and reuses the map', () => {
    const first = engine.keySpace().keyMap();
    expect(first.coordinates.length).toBe(2 * 8192);
    expect(first.explainedVarianceRatio[0]).toBeGreaterThanOrEqual(first.explainedVarianceRatio[1]);
    expect(engine.keySpace().keyMap()).toBe(first);
  });
});

describe('KeySpace of the loaded sotu-llama (Node engine): untied, RMSNorm', () => {
  const engine = new Engine(createNodeRuntime());
  const modelBytes = new Uint8Array(readFileSync(join(EMBEDDED_MODELS_DIR, 'sotu-llama', 'onnx', 'model.onnx')));

  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-llama' }, backend: 'wasm', dtype: 'auto' });
  });
  afterAll(() => engine.unload());

  it('reads the lm_head keys and the separate input embedding, each against a float64 full sort', () => {
    const info = engine.keySpace().info();
    expect(info).toMatchObject({
      tied: false,
      outputHasBias: false,
      output: { vocabularySize: 8192, embeddingSize: 256, encoding: 'float32' },
    });
    expect(info.input).toMatchObject({
      vocabularySize: 8192,
      embeddingSize: 256,
      sources: ['model.embed_tokens.weight'],
    });
    const read = readKeyMatrices(modelBytes);
    if (!read.ok || !read.value.unembedding.ok || !read.value.inputEmbedding.ok) throw new Error('unreadable');
    const keys = read.value.unembedding.value.values;
    const embedding = read.value.inputEmbedding.value.values;
    for (const tokenId of [1, 300, 4097, 8191]) {
      const found = engine.keySpace().neighbours({ tokenId, k: 10 });
      expectSame(found.output.cosine, reference(keys, 8192, 256, tokenId, 10, 'cosine'));
      expect(found.input).not.toBeNull();
      expectSame(found.input!.cosine, reference(embedding, 8192, 256, tokenId, 10, 'cosine'));
    }
  });

  it("reproduces PyTorch's logits: RMSNorm(final hidden state) · keys within 1e-4", () => {
    const fixture = JSON.parse(
      readFileSync(join(REPO_ROOT, 'tools', 'models', 'fixtures', 'sotu-llama.json'), 'utf8'),
    ) as Fixture;
    const parsed = parseOnnxModel(modelBytes);
    if (!parsed.ok) throw new Error(parsed.reason);
    const gain = resolveWeight(parsed.value, 'model.norm.weight');
    if (!gain.ok) throw new Error(gain.reason);
    const { values: keys, cols: d, rows: v } = engine.keySpace().outputIndex().keys;
    const hidden = float32FromBase64(fixture.lastHiddenStateBase64);
    const torchLogits = float32FromBase64(fixture.logitsBase64);
    const last = hidden.subarray(hidden.length - d);
    const meanSquare = last.reduce((s, x) => s + x * x, 0) / d;
    const query = Array.from(last, (x, i) => (x / Math.sqrt(meanSquare + 1e-5)) * gain.value.values[i]);
    let maxError = 0;
    for (let t = 0; t < v; t++) {
      let logit = 0;
      for (let i = 0; i < d; i++) logit += query[i] * keys[t * d + i];
      maxError = Math.max(maxError, Math.abs(logit - torchLogits[torchLogits.length - v + t]));
    }
    expect(maxError).toBeLessThan(1e-4);
  });
});
