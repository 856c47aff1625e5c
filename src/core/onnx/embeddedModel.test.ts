/**
 * The key matrix read from an embedded model's ONNX file reproduces that model's own logits:
 * logits = Norm_f(last hidden state) · keysᵀ, with the final norm read from the same file
 * (GPT-2's LayerNorm ln_f, or sotu-llama's RMSNorm `norm`) and the hidden states and logits
 * from the PyTorch reference written at export.
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

interface Config {
  model_type: string;
  rms_norm_eps?: number;
  tokenscope: { final_layer_norm: string };
}

interface Fixture {
  promptIds: number[];
  logitsBase64: string;
  lastHiddenStateBase64: string;
}

const float32FromBase64 = (base64: string) => {
  const buffer = Buffer.from(base64, 'base64');
  return new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
};

function weight(model: OnnxModel, name: string): Float32Array {
  const read = resolveWeight(model, name);
  if (!read.ok) throw new Error(read.reason);
  return read.value.values;
}

// Every embedded model that has an fp32 file and an export fixture (sotu-gpt, sotu-bytes and their -long variants, sotu-llama).
const models = readdirSync(join(repoRoot, 'public', 'models')).filter(
  (id) =>
    existsSync(join(repoRoot, 'public', 'models', id, 'onnx', 'model.onnx')) &&
    existsSync(join(repoRoot, 'tools', 'models', 'fixtures', `${id}.json`)),
);

it('finds the embedded models, default ones included', () => {
  expect(models).toEqual(expect.arrayContaining(['sotu-gpt', 'sotu-bytes', 'sotu-llama']));
});

describe.each(models)('the key matrix of %s', (id) => {
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'public', 'models', id, 'onnx', 'model.onnx')));
  const fixture = JSON.parse(
    readFileSync(join(repoRoot, 'tools', 'models', 'fixtures', `${id}.json`), 'utf8'),
  ) as Fixture;
  const config = JSON.parse(readFileSync(join(repoRoot, 'public', 'models', id, 'config.json'), 'utf8')) as Config;
  const llama = config.model_type === 'llama';

  it.runIf(!llama)('is the tied embedding, found through the Gemm that produces the logits', () => {
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

  it.runIf(llama)(
    'is the untied lm_head, found through the MatMul that produces the logits, beside its own input embedding',
    () => {
      const read = readKeyMatrices(bytes);
      if (!read.ok) throw new Error(read.reason);
      const { unembedding, inputEmbedding, tied } = read.value;
      if (!unembedding.ok || !inputEmbedding.ok) throw new Error('keys not readable');
      expect(unembedding.value.path).toEqual(['MatMul']);
      expect(unembedding.value.input).toBe('/model/norm/Mul_1_output_0');
      expect(unembedding.value.bias).toBeNull();
      expect(inputEmbedding.value.sources).toEqual(['model.embed_tokens.weight']);
      expect(tied).toBe(false);
    },
  );

  it("reproduces the model's logits from its final hidden states within 1e-4", () => {
    const parsed = parseOnnxModel(bytes);
    if (!parsed.ok) throw new Error(parsed.reason);
    const read = readKeyMatrices(bytes);
    if (!read.ok || !read.value.unembedding.ok) throw new Error('unembedding not readable');
    const { values: keys, vocabularySize: v, embeddingSize: d } = read.value.unembedding.value;
    const norm = config.tokenscope.final_layer_norm;
    const gain = weight(parsed.value, `model.${norm}.weight`);
    const shift = llama ? new Float32Array(d) : weight(parsed.value, `model.${norm}.bias`);
    const hidden = float32FromBase64(fixture.lastHiddenStateBase64);
    const expected = float32FromBase64(fixture.logitsBase64);
    const positions = fixture.promptIds.length;
    expect(hidden.length).toBe(positions * d);
    expect(expected.length).toBe(positions * v);
    let maxError = 0;
    const query = new Float64Array(d);
    for (let p = 0; p < positions; p++) {
      const x = hidden.subarray(p * d, (p + 1) * d);
      // LayerNorm centres and divides by the standard deviation; RMSNorm only divides by the root mean square.
      const mean = llama ? 0 : x.reduce((s, value) => s + value, 0) / d;
      const variance = x.reduce((s, value) => s + (value - mean) ** 2, 0) / d;
      const epsilon = llama ? config.rms_norm_eps! : LAYER_NORM_EPS;
      for (let i = 0; i < d; i++) query[i] = ((x[i] - mean) / Math.sqrt(variance + epsilon)) * gain[i] + shift[i];
      for (let t = 0; t < v; t++) {
        let logit = 0;
        for (let i = 0; i < d; i++) logit += query[i] * keys[t * d + i];
        maxError = Math.max(maxError, Math.abs(logit - expected[p * v + t]));
      }
    }
    expect(maxError).toBeLessThan(1e-4);
  });
});
