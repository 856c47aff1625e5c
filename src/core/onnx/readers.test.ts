/**
 * The weight readers against ONNX Runtime's own results. Each fixture (built by
 * tools/onnx-fixtures/make_fixtures.py) is a tiny LM head, logits = h · keysᵀ with the keys
 * stored in one encoding; with h = identity, ORT's logits are exactly the keys ORT
 * dequantized, transposed, and its `embeddings` output is the input embedding.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readKeyMatrices, type ModelKeyMatrices } from './embeddings';
import { externalDataLocations, parseOnnxModel, type Result } from './model';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const externalData = (location: string) => new Uint8Array(readFileSync(join(fixturesDir, location)));

function read(file: string, withExternalData = false): ModelKeyMatrices {
  const result = readKeyMatrices(
    new Uint8Array(readFileSync(join(fixturesDir, file))),
    withExternalData ? { externalData } : {},
  );
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

/** The failure reason; a success fails the test. */
function reasonOf(result: Result<unknown>): string {
  if (result.ok) throw new Error('expected a failure, got a success');
  return result.reason;
}

/** Runs the fixture in ORT with h = I (d × d) and input_ids = 0..V-1. */
async function runOrt(file: string, embeddingSize: number, vocabularySize: number, rank: 2 | 3) {
  const session = await ort.InferenceSession.create(join(fixturesDir, file));
  const identity = new Float32Array(embeddingSize * embeddingSize);
  for (let i = 0; i < embeddingSize; i++) identity[i * embeddingSize + i] = 1;
  const feeds: Record<string, ort.Tensor> = {
    h: new ort.Tensor(
      'float32',
      identity,
      rank === 2 ? [embeddingSize, embeddingSize] : [1, embeddingSize, embeddingSize],
    ),
  };
  if (session.inputNames.includes('input_ids')) {
    feeds.input_ids = new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: vocabularySize }, (_, i) => BigInt(i)),
      [vocabularySize],
    );
  }
  const out = await session.run(feeds);
  return { logits: out.logits, embeddings: out.embeddings as ort.Tensor | undefined };
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

interface Case {
  file: string;
  encoding: RegExp;
  embedding: 'tied' | 'untied' | 'none';
  rank?: 2 | 3;
  external?: boolean;
}

const cases: Case[] = [
  { file: 'fp16.onnx', encoding: /^float16$/, embedding: 'untied' },
  { file: 'int8_per_tensor.onnx', encoding: /^int8 DequantizeLinear \(per tensor\)$/, embedding: 'untied' },
  { file: 'int8_per_axis.onnx', encoding: /^int8 DequantizeLinear \(per axis 0\)$/, embedding: 'tied' },
  { file: 'uint8_per_axis_columns.onnx', encoding: /^uint8 DequantizeLinear \(per axis 1\)$/, embedding: 'untied' },
  { file: 'int8_blocked.onnx', encoding: /^int8 DequantizeLinear \(blocks of 4 along axis 1\)$/, embedding: 'none' },
  { file: 'matmulnbits4.onnx', encoding: /^MatMulNBits 4-bit \(block 16\)$/, embedding: 'none' },
  { file: 'matmulnbits4_zp.onnx', encoding: /^MatMulNBits 4-bit \(block 16, packed zero points\)$/, embedding: 'none' },
  {
    file: 'matmulnbits4_float_zp.onnx',
    encoding: /^MatMulNBits 4-bit \(block 16, float zero points\)$/,
    embedding: 'none',
  },
  { file: 'matmulnbits8_zp.onnx', encoding: /^MatMulNBits 8-bit \(block 16, packed zero points\)$/, embedding: 'none' },
  { file: 'external.onnx', encoding: /^float32$/, embedding: 'untied', rank: 3, external: true },
  { file: 'matmulinteger_per_column.onnx', encoding: /^int8 MatMulInteger \(per column\)$/, embedding: 'untied' },
  { file: 'matmulinteger_tied.onnx', encoding: /^uint8 MatMulInteger \(per tensor\)$/, embedding: 'tied' },
];

describe.each(cases)('reading $file', ({ file, encoding, rank = 2, external = false }) => {
  it('gives the keys ONNX Runtime computes, within 1e-6', async () => {
    const keys = read(file, external);
    const unembedding = unwrap(keys.unembedding);
    expect(unembedding.encoding).toMatch(encoding);
    const { vocabularySize: v, embeddingSize: d, values } = unembedding;
    const { logits } = await runOrt(file, d, v, rank);
    expect(logits.dims.slice(-2)).toEqual([d, v]);
    const ortKeys = new Float32Array(v * d);
    const ortLogits = logits.data as Float32Array;
    for (let t = 0; t < v; t++) for (let i = 0; i < d; i++) ortKeys[t * d + i] = ortLogits[i * v + t];
    expect(maxAbsDifference(values, ortKeys)).toBeLessThan(1e-6);
    // Guards against a vacuous match (both all zeros).
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.05);
  });
});

const withEmbedding = cases.filter((c) => c.embedding !== 'none');

describe.each(withEmbedding)(
  'reading the input embedding of $file',
  ({ file, embedding, rank = 2, external = false }) => {
    it('gives the rows ONNX Runtime gathers, and tells tied from untied', async () => {
      const keys = read(file, external);
      const input = unwrap(keys.inputEmbedding);
      const { embeddings } = await runOrt(file, input.embeddingSize, input.vocabularySize, rank);
      expect(embeddings?.dims).toEqual([input.vocabularySize, input.embeddingSize]);
      expect(maxAbsDifference(input.values, embeddings!.data as Float32Array)).toBeLessThan(1e-6);
      expect(keys.tied).toBe(embedding === 'tied');
    });
  },
);

describe('reading weights that cannot be read', () => {
  const bytesOf = (file: string) => new Uint8Array(readFileSync(join(fixturesDir, file)));

  it('names the op when the key matrix is built by ops it does not follow', () => {
    expect(reasonOf(read('unsupported.onnx').unembedding)).toMatch(/computed by a Mul node/);
  });

  it('says that soft-capped logits have no linear key space, with the cap', () => {
    expect(reasonOf(read('softcap.onnx').unembedding)).toBe(
      "soft-capped logits have no linear key space ('logits' = 30 · tanh(q · key / 30), final logit soft-capping)",
    );
  });

  it('reads a quantized Gather (uint8 table, DequantizeLinear after the Gather) as the input embedding', () => {
    const input = unwrap(read('matmulinteger_per_column.onnx').inputEmbedding);
    expect(input.encoding).toBe('uint8 Gather + DequantizeLinear (per tensor)');
    expect(input.path).toEqual(['Gather', 'DequantizeLinear']);
  });

  it('names the missing external file instead of failing', () => {
    const { unembedding, inputEmbedding } = read('external.onnx', false);
    expect(reasonOf(unembedding)).toMatch(/external file 'external\.weights', and no external data was provided/);
    expect(reasonOf(inputEmbedding)).toMatch(/external file 'external\.weights'/);
  });

  it('lists the external files a model needs, so they can be fetched first', () => {
    expect(externalDataLocations(unwrap(parseOnnxModel(bytesOf('external.onnx'))))).toEqual(['external.weights']);
    expect(externalDataLocations(unwrap(parseOnnxModel(bytesOf('fp16.onnx'))))).toEqual([]);
  });

  it('says when an external file is shorter than the tensor needs', () => {
    const { unembedding } = unwrap(
      readKeyMatrices(bytesOf('external.onnx'), { externalData: () => new Uint8Array(16) }),
    );
    expect(reasonOf(unembedding)).toMatch(/points at bytes \[384, 768\) of 'external\.weights', which has 16 bytes/);
  });

  it('says when the model has no input_ids to find the input embedding from', () => {
    expect(reasonOf(read('matmulnbits4.onnx').inputEmbedding)).toMatch(/no input named 'input_ids'/);
  });

  it('says when the logits output does not exist', () => {
    const { unembedding } = unwrap(readKeyMatrices(bytesOf('fp16.onnx'), { logitsName: 'lm_logits' }));
    expect(reasonOf(unembedding)).toMatch(/no output named 'lm_logits'/);
  });

  it('returns a failure, not a throw, for bytes that are not an ONNX model', () => {
    expect(reasonOf(readKeyMatrices(new Uint8Array([0x0a, 0xff, 0xff, 0xff])))).toMatch(/not a readable ONNX model/);
  });
});
