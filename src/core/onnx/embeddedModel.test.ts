/**
 * The key matrix read from an embedded model's ONNX file reproduces that model's own logits:
 * logits = LayerNorm_f(last hidden state) · keysᵀ, with ln_f read from the same file and the
 * hidden states and logits from the PyTorch reference written at export.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readKeyMatrices } from './embeddings';
import { parseOnnxModel, type OnnxModel } from './model';
import { resolveWeight } from './weights';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const LAYER_NORM_EPS = 1e-5; // tools/models/gpt.py: nn.LayerNorm(n_embd, eps=1e-5)

interface Fixture { promptIds: number[]; logitsBase64: string; lastHiddenStateBase64: string }

const float32FromBase64 = (base64: string) => {
  const buffer = Buffer.from(base64, 'base64');
  return new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
};

function weight(model: OnnxModel, name: string): Float32Array {
  const read = resolveWeight(model, name);
  if (!read.ok) throw new Error(read.reason);
  return read.value.values;
}

// Every embedded model that has an fp32 file and an export fixture (sotu-gpt, sotu-bytes and their -long variants).
const models = readdirSync(join(repoRoot, 'public', 'models'))
  .filter((id) => existsSync(join(repoRoot, 'public', 'models', id, 'onnx', 'model.onnx')) && existsSync(join(repoRoot, 'tools', 'models', 'fixtures', `${id}.json`)));

it('finds the embedded models, default ones included', () => {
  expect(models).toEqual(expect.arrayContaining(['sotu-gpt', 'sotu-bytes']));
});

describe.each(models)('the key matrix of %s', (id) => {
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'public', 'models', id, 'onnx', 'model.onnx')));
  const fixture = JSON.parse(readFileSync(join(repoRoot, 'tools', 'models', 'fixtures', `${id}.json`), 'utf8')) as Fixture;

  it('is the tied embedding, found through the Gemm that produces the logits', () => {
    const read = readKeyMatrices(bytes);
    if (!read.ok) throw new Error(read.reason);
    const { unembedding, inputEmbedding, tied } = read.value;
    if (!unembedding.ok) throw new Error(unembedding.reason);
    expect(unembedding.value.sources).toEqual(['model.wte.weight']);
    expect(unembedding.value.path).toEqual(['Reshape', 'Gemm']);
    expect(unembedding.value.bias).toBeNull();
    expect(inputEmbedding.ok).toBe(true);
    expect(tied).toBe(true);
  });

  it('reproduces the model\'s logits from its final hidden states within 1e-4', () => {
    const parsed = parseOnnxModel(bytes);
    if (!parsed.ok) throw new Error(parsed.reason);
    const read = readKeyMatrices(bytes);
    if (!read.ok || !read.value.unembedding.ok) throw new Error('unembedding not readable');
    const { values: keys, vocabularySize: v, embeddingSize: d } = read.value.unembedding.value;
    const gain = weight(parsed.value, 'model.ln_f.weight');
    const shift = weight(parsed.value, 'model.ln_f.bias');
    const hidden = float32FromBase64(fixture.lastHiddenStateBase64);
    const expected = float32FromBase64(fixture.logitsBase64);
    const positions = fixture.promptIds.length;
    expect(hidden.length).toBe(positions * d);
    expect(expected.length).toBe(positions * v);
    let maxError = 0;
    const query = new Float64Array(d);
    for (let p = 0; p < positions; p++) {
      const x = hidden.subarray(p * d, (p + 1) * d);
      const mean = x.reduce((s, value) => s + value, 0) / d;
      const variance = x.reduce((s, value) => s + (value - mean) ** 2, 0) / d;
      for (let i = 0; i < d; i++) query[i] = ((x[i] - mean) / Math.sqrt(variance + LAYER_NORM_EPS)) * gain[i] + shift[i];
      for (let t = 0; t < v; t++) {
        let logit = 0;
        for (let i = 0; i < d; i++) logit += query[i] * keys[t * d + i];
        maxError = Math.max(maxError, Math.abs(logit - expected[p * v + t]));
      }
    }
    expect(maxError).toBeLessThan(1e-4);
  });
});
