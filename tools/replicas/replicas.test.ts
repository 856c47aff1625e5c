/**
 * The Hub layout replicas (tools/replicas/build.py), proved in Node. build.py runs into a
 * temporary folder; then for every replica and every dtype a user can pick:
 *
 * - transformers.js loads the folder (AutoModelForCausalLM, env.localModelPath, the dtype;
 *   config.json's use_external_data_format brings model.onnx_data) and its logits equal a
 *   plain onnxruntime-node session on the same file within 1e-4;
 * - the logits are the model meant: equal to build.py's float64 NumPy forward pass within 1e-4
 *   for fp32 files, within the format's error otherwise;
 * - generate() runs with a KV cache, and a cached step equals a full recompute;
 * - the keys (and the input embedding) read by src/core/onnx equal the initializers of the
 *   head, dequantized here in float64 by code of this file, and the fp32 model's keys within
 *   the format's quantization error; Gemma 2's soft-capped logits give the reason instead;
 * - the residual stream is found by node name, and (fp32) returns the reference's hidden states.
 *
 * Needs /usr/bin/python3 with onnx and numpy (Debian: python3-onnx python3-numpy). Without
 * them the suite fails with that message: it is not skipped.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  DynamicCache,
  Tensor,
  env,
  type PreTrainedModel,
} from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyMatrices } from '../../src/core/onnx/embeddings';
import { withGraphOutputs } from '../../src/core/onnx/graphOutputs';
import { parseOnnxModel, type NodeRef, type OnnxModel, type TensorRef } from '../../src/core/onnx/model';
import { findResidualStream } from '../../src/core/onnx/residualStream';
import { buildReplicasIntoTemp } from './buildReplicas';
import { MODEL_SESSION_OPTIONS } from '../../src/engine/modelSessionOptions';
import { ortRun, ortSession } from './ortReference';

type Dtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16';
const SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
};

/**
 * How far a format may move the logits, as a share of the largest logit. `vsReference`: the
 * file's logits against the float64 reference (fp32: 1e-4 absolute instead); `cached`: a
 * KV-cached step against a full recompute (at least 1e-4 absolute). Dynamic quantization
 * scales each input by its own range, so a one-token step and a full pass quantize the
 * activations differently.
 */
const TOLERANCE: Record<Dtype, { vsReference: number; cached: number }> = {
  // Measured on the replicas (build.py is deterministic): vsReference fp32 2.4e-7, fp16 5.3e-4,
  // q8/int8/uint8 <= 2.2e-2, q4 and q4f16 <= 0.113; cached fp32/q4 <= 2.6e-7, fp16 0,
  // q4f16 1.0e-4, q8/int8/uint8 <= 1.1e-2.
  fp32: { vsReference: 0, cached: 0 },
  fp16: { vsReference: 5e-3, cached: 1e-3 },
  q8: { vsReference: 6e-2, cached: 3e-2 },
  int8: { vsReference: 6e-2, cached: 3e-2 },
  uint8: { vsReference: 6e-2, cached: 3e-2 },
  q4: { vsReference: 0.2, cached: 0 },
  q4f16: { vsReference: 0.2, cached: 1e-3 },
};

interface Replica {
  name: string;
  dtypes: Dtype[];
  /** Keys and input embedding are one tensor (Optimum's deduplicated tied head). */
  tied: boolean;
  /** The reason the keys cannot be read, when they cannot. */
  keysReason?: string;
  /** Block scope of the residual stream and the value entering block 0. */
  stream: { pattern: string; first: string };
}

const REPLICAS: Replica[] = [
  {
    name: 'gpt2',
    dtypes: ['fp32', 'fp16', 'q8'],
    tied: true,
    stream: { pattern: '/transformer/h.N', first: '/transformer/Add_output_0' },
  },
  {
    name: 'llama',
    dtypes: ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16'],
    tied: false,
    stream: { pattern: '/model/layers.N', first: '/model/embed_tokens/Gather_output_0' },
  },
  {
    name: 'qwen2',
    dtypes: ['fp32', 'q4', 'q4f16', 'uint8', 'q8'],
    tied: true,
    stream: { pattern: '/model/layers.N', first: '/model/embed_tokens/Gather_output_0' },
  },
  {
    name: 'gemma2',
    dtypes: ['fp32', 'q4'],
    tied: false,
    stream: { pattern: '/model/layers.N', first: '/model/Mul_output_0' },
    keysReason:
      "soft-capped logits have no linear key space ('logits' = 30 · tanh(q · key / 30), final logit soft-capping)",
  },
];

interface Reference {
  promptIds: number[];
  vocabularySize: number;
  logitColumns: number[];
  logitsBase64: string;
  hiddenStatesBase64: string[];
  hiddenSize: number;
}

let out = '';

beforeAll(() => {
  out = buildReplicasIntoTemp();
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${out}/`;
  env.useFSCache = false;
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const float32 = (base64: string) => {
  const b = Buffer.from(base64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const int64 = (values: number[], dims = [1, values.length]) =>
  new Tensor('int64', BigInt64Array.from(values, BigInt), dims);
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};
function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
};

// --- Decoding the initializers, independently of src/core/onnx's readers --------------------

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function varints(bytes: Uint8Array, start: number, end: number): number[] {
  const values: number[] = [];
  let value = 0n;
  let shift = 0n;
  for (let p = start; p < end; p++) {
    value |= BigInt(bytes[p] & 0x7f) << shift;
    shift += 7n;
    if (!(bytes[p] & 0x80)) {
      values.push(Number(BigInt.asIntN(64, value)));
      value = 0n;
      shift = 0n;
    }
  }
  return values;
}

/** A tensor's values in float64: raw_data (or its external file), float_data or int32_data. */
function decode(tensor: TensorRef, folder: string): Float64Array {
  let raw: Uint8Array | null = null;
  if (tensor.dataLocation === 1) {
    const file = readFileSync(join(folder, 'onnx', tensor.externalData.location));
    const offset = Number(tensor.externalData.offset ?? 0);
    raw = new Uint8Array(
      file.buffer,
      file.byteOffset + offset,
      Number(tensor.externalData.length ?? file.length - offset),
    );
  } else if (tensor.rawData) {
    raw = tensor.bytes.subarray(tensor.rawData.offset, tensor.rawData.offset + tensor.rawData.length);
  }
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  switch (tensor.dataType) {
    case 1: {
      if (view) return Float64Array.from({ length: view.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
      const data = new DataView(tensor.bytes.buffer, tensor.bytes.byteOffset);
      return Float64Array.from(
        tensor.floatData.flatMap((c) =>
          typeof c === 'number' ? [c] : range(c.length / 4).map((i) => data.getFloat32(c.offset + 4 * i, true)),
        ),
      );
    }
    case 10:
      if (view)
        return Float64Array.from({ length: view.byteLength / 2 }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
      return Float64Array.from(
        tensor.int32Data
          .flatMap((c) => (typeof c === 'number' ? [c] : varints(tensor.bytes, c.offset, c.offset + c.length)))
          .map(halfToFloat),
      );
    case 2:
    case 3:
      if (raw)
        return Float64Array.from(tensor.dataType === 3 ? new Int8Array(raw.buffer, raw.byteOffset, raw.length) : raw);
      return Float64Array.from(
        tensor.int32Data.flatMap((c) =>
          typeof c === 'number' ? [c] : varints(tensor.bytes, c.offset, c.offset + c.length),
        ),
      );
    default:
      throw new Error(`the test does not decode data type ${tensor.dataType} (${tensor.name})`);
  }
}

interface Dequantized {
  /** Row-major [vocabulary, width], float64. */
  values: Float64Array;
  /** The largest error the format allows per element (half a quantization step, or a step where it clips). */
  errorBound: Float64Array;
  /** The stored tensor the values come from. */
  source: string;
}

const initializer = (model: OnnxModel, name: string) => {
  const tensor = model.graph.initializers.get(name);
  if (!tensor) throw new Error(`no initializer '${name}'`);
  return tensor;
};

/** (q − zero point) · scale with one scale for the whole table. */
function perTensor(q: Float64Array, scale: number, zero: number, source: string): Dequantized {
  return {
    values: q.map((v) => (v - zero) * scale),
    errorBound: new Float64Array(q.length).fill((Math.abs(scale) / 2) * (1 + 1e-6)),
    source,
  };
}

function transpose(values: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = values[r * cols + c];
  return t;
}

/** The keys stored in a replica's head, in float64, found by the head node's name. */
function expectedKeys(model: OnnxModel, folder: string): Dequantized {
  const head = model.graph.nodes.find((n) => n.name.startsWith('/lm_head/'));
  if (!head) throw new Error('no /lm_head/ node');
  const transposeOf = (name: string): NodeRef | undefined => {
    const node = model.graph.producers.get(name);
    return node?.opType === 'Transpose' ? node : undefined;
  };
  if (head.opType === 'MatMul') {
    const t = transposeOf(head.inputs[1]);
    const tensor = initializer(model, t ? t.inputs[0] : head.inputs[1]);
    const values = decode(tensor, folder);
    const [rows, cols] = tensor.dims;
    const keys = t ? values : transpose(values, rows, cols);
    const bound =
      tensor.dataType === 10 ? keys.map((v) => Math.abs(v) * 2 ** -11 + 1e-7) : new Float64Array(keys.length);
    return { values: keys, errorBound: bound, source: tensor.name };
  }
  if (head.opType === 'MatMulInteger') {
    const t = transposeOf(head.inputs[1]);
    const tensor = initializer(model, t ? t.inputs[0] : head.inputs[1]);
    const base = tensor.name.replace(/_quantized$/, '');
    const scale = decode(initializer(model, `${base}_scale`), folder);
    const zero = decode(initializer(model, head.inputs[3]), folder);
    expect(scale.length).toBe(1); // transformers.js's quantize.py leaves per_channel off
    const q = decode(tensor, folder);
    const deq = perTensor(q, scale[0], zero[0], tensor.name);
    const [rows, cols] = tensor.dims;
    return t ? deq : { ...deq, values: transpose(deq.values, rows, cols) };
  }
  if (head.opType === 'MatMulNBits') {
    const k = head.attributes.get('K')!.int!;
    const n = head.attributes.get('N')!.int!;
    const block = head.attributes.get('block_size')!.int!;
    expect(head.attributes.get('bits')!.int).toBe(4);
    const packed = decode(initializer(model, head.inputs[1]), folder);
    const scalesTensor = initializer(model, head.inputs[2]);
    const scalesFp16 = scalesTensor.dataType === 10;
    const scales = decode(scalesTensor, folder);
    const zeros = head.inputs[3] ? decode(initializer(model, head.inputs[3]), folder) : null;
    const blocks = Math.ceil(k / block);
    const zeroBytes = Math.ceil(blocks / 2);
    const values = new Float64Array(n * k);
    const bound = new Float64Array(n * k);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < k; col++) {
        const b = Math.floor(col / block);
        const within = col % block;
        const byte = packed[(row * blocks + b) * (block / 2) + Math.floor(within / 2)];
        const q = (byte >> (4 * (within % 2))) & 15;
        const zero = zeros ? (zeros[row * zeroBytes + Math.floor(b / 2)] >> (4 * (b % 2))) & 15 : 8;
        const scale = scales[row * blocks + b];
        values[row * k + col] = (q - zero) * scale;
        // A step where a symmetric block clips at +7; float16 scales (q4f16) round by up to 2^-11 of 8 steps more.
        bound[row * k + col] = Math.abs(scale) * (scalesFp16 ? 1 + 8 * 2 ** -11 : 1 + 1e-6);
      }
    }
    return { values, errorBound: bound, source: head.inputs[1] };
  }
  throw new Error(`unexpected head op ${head.opType}`);
}

/** The input embedding table in float64: the Gather on input_ids, through the DequantizeLinear after it when quantized. */
function expectedEmbedding(model: OnnxModel, folder: string): Dequantized {
  const gather = model.graph.nodes.find((n) => n.opType === 'Gather' && n.inputs[1] === 'input_ids');
  if (!gather) throw new Error('no Gather on input_ids');
  const table = initializer(model, gather.inputs[0]);
  const values = decode(table, folder);
  if (table.dataType === 1 || table.dataType === 10)
    return { values, errorBound: new Float64Array(values.length), source: table.name };
  const dq = model.graph.nodes.find((n) => n.opType === 'DequantizeLinear' && n.inputs[0] === gather.outputs[0]);
  if (!dq) throw new Error('no DequantizeLinear after the quantized Gather');
  return perTensor(
    values,
    decode(initializer(model, dq.inputs[1]), folder)[0],
    decode(initializer(model, dq.inputs[2]), folder)[0],
    table.name,
  );
}

// --- Running the models ---------------------------------------------------------------------

function parse(bytes: Uint8Array): OnnxModel {
  const parsed = parseOnnxModel(bytes);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

async function forward(model: PreTrainedModel, ids: number[], past?: Record<string, Tensor>, pastLength = 0) {
  const inputs: Record<string, unknown> = {
    input_ids: int64(ids),
    attention_mask: int64(new Array(pastLength + ids.length).fill(1)),
  };
  if (past) inputs.past_key_values = new DynamicCache(past);
  const outputs = (await model.forward(inputs)) as Record<string, Tensor>;
  const presents = Object.fromEntries(
    Object.entries(outputs)
      .filter(([name]) => name.startsWith('present'))
      .map(([name, t]) => [name.replace(/^present/, 'past_key_values'), t]),
  );
  return { logits: outputs.logits.data as Float32Array, presents };
}

const modelFile = (dtype: Dtype) => `onnx/model${SUFFIX[dtype]}.onnx`;

describe.each(REPLICAS)('the $name replica', (replica) => {
  const folder = () => join(out, replica.name);
  let cachedReference: Reference | null = null;
  const reference = () =>
    (cachedReference ??= JSON.parse(readFileSync(join(out, `${replica.name}.reference.json`), 'utf8')) as Reference);

  it('has the Hub files transformers.js and Tokenscope read, and a tokenizer that loads', async () => {
    for (const file of [
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      ...replica.dtypes.map(modelFile),
    ]) {
      expect(existsSync(join(folder(), file)), file).toBe(true);
    }
    const tokenizer = await AutoTokenizer.from_pretrained(replica.name);
    expect(tokenizer.encode('Hello world').length).toBeGreaterThan(0);
  });

  describe.each(replica.dtypes)('dtype %s', (dtype) => {
    let model: PreTrainedModel;
    let session: ort.InferenceSession;
    let bytes: Uint8Array;
    let fp32Keys: Dequantized | null = null;
    const vocab = () => reference().vocabularySize;

    beforeAll(async () => {
      // The app's session options (int8 products exact on CPUs without VNNI), as Tokenscope loads models.
      model = await AutoModelForCausalLM.from_pretrained(replica.name, {
        dtype,
        device: 'cpu',
        session_options: MODEL_SESSION_OPTIONS,
      });
      bytes = new Uint8Array(readFileSync(join(folder(), modelFile(dtype))));
      session = await ortSession(bytes, folder());
      if (!replica.keysReason)
        fp32Keys = expectedKeys(parse(new Uint8Array(readFileSync(join(folder(), modelFile('fp32'))))), folder());
    });

    afterAll(async () => {
      await model?.dispose();
      await session?.release();
    });

    it('gives through transformers.js the logits of a plain ONNX Runtime session on the same file (1e-4), and the model meant', async () => {
      const ref = reference();
      const { logits } = await forward(model, ref.promptIds);
      const plain = (await ortRun(session, ref.promptIds)).logits.data as Float32Array;
      expect(maxAbsDifference(logits, plain)).toBeLessThan(1e-4);
      const expected = float32(ref.logitsBase64);
      const columns = ref.logitColumns;
      const got = new Float32Array(expected.length);
      ref.promptIds.forEach((_, p) =>
        columns.forEach((c, j) => {
          got[p * columns.length + j] = logits[p * vocab() + c];
        }),
      );
      const scale = maxAbs(expected);
      expect(scale).toBeGreaterThan(1);
      expect(maxAbsDifference(got, expected)).toBeLessThan(
        dtype === 'fp32' ? 1e-4 : TOLERANCE[dtype].vsReference * scale,
      );
    });

    it('generates with a KV cache, and a cached step equals a full recompute', async () => {
      const prompt = reference().promptIds;
      const generated = (await model.generate({
        input_ids: int64(prompt),
        attention_mask: int64(new Array(prompt.length).fill(1)),
        max_new_tokens: 4,
        do_sample: false,
      })) as Tensor;
      const sequence = Array.from(generated.data as BigInt64Array, Number);
      expect(sequence.slice(0, prompt.length)).toEqual(prompt);
      expect(sequence.length).toBe(prompt.length + 4);
      // The same greedy steps by hand, each through the cache of the one before.
      const first = await forward(model, prompt);
      let past = first.presents;
      let next = argmax(first.logits.subarray((prompt.length - 1) * vocab()));
      const tokens = [next];
      let cached = first.logits;
      for (let step = 1; step < 4; step++) {
        const run = await forward(model, [next], past, prompt.length + step - 1);
        past = run.presents;
        cached = run.logits;
        next = argmax(cached);
        tokens.push(next);
      }
      expect(sequence.slice(prompt.length)).toEqual(tokens);
      const full = (await forward(model, [...prompt, ...tokens.slice(0, 3)])).logits;
      const lastRow = full.subarray((prompt.length + 2) * vocab());
      expect(cached.length).toBe(vocab());
      expect(maxAbsDifference(cached, lastRow)).toBeLessThanOrEqual(
        Math.max(1e-4, TOLERANCE[dtype].cached * maxAbs(lastRow)),
      );
    });

    it("has keys that src/core/onnx reads as the head stores them, within the format's error of the fp32 keys", () => {
      const onnx = parse(bytes);
      const read = readKeyMatrices(bytes, {
        externalData: (location) => new Uint8Array(readFileSync(join(folder(), 'onnx', location))),
      });
      if (!read.ok) throw new Error(read.reason);
      const { unembedding, inputEmbedding, tied } = read.value;
      const embedding = expectedEmbedding(onnx, folder());
      if (!inputEmbedding.ok) throw new Error(inputEmbedding.reason);
      expect(inputEmbedding.value.sources[0]).toBe(embedding.source);
      expect(maxAbsDifference(inputEmbedding.value.values, embedding.values)).toBeLessThanOrEqual(
        1e-6 * maxAbs(embedding.values),
      );
      if (replica.keysReason) {
        expect(unembedding.ok ? 'read' : unembedding.reason).toBe(replica.keysReason);
        return;
      }
      if (!unembedding.ok) throw new Error(unembedding.reason);
      const keys = expectedKeys(onnx, folder());
      expect(unembedding.value.sources[0]).toBe(keys.source);
      expect([unembedding.value.vocabularySize, unembedding.value.embeddingSize]).toEqual([
        vocab(),
        reference().hiddenSize,
      ]);
      expect(maxAbsDifference(unembedding.value.values, keys.values)).toBeLessThanOrEqual(1e-6 * maxAbs(keys.values));
      // The stored keys are the fp32 model's keys up to the format's rounding.
      let worst = 0;
      for (let i = 0; i < keys.values.length; i++)
        worst = Math.max(worst, Math.abs(keys.values[i] - fp32Keys!.values[i]) - keys.errorBound[i]);
      expect(worst).toBeLessThanOrEqual(1e-6);
      expect(tied).toBe(replica.tied);
    });

    it('has its residual stream found by node name', async () => {
      const found = findResidualStream(parse(bytes).graph);
      if (!found.ok) throw new Error(found.reason);
      expect(found.value.pattern).toBe(replica.stream.pattern);
      expect(found.value.names[0]).toBe(replica.stream.first);
      expect(found.value.names).toHaveLength(reference().hiddenStatesBase64.length);
      if (dtype !== 'fp32') return;
      // Added as graph outputs, the values are the reference's hidden states.
      const ref = reference();
      const withStream = await ortSession(withGraphOutputs(bytes, found.value.names), folder());
      const outputs = await ortRun(withStream, ref.promptIds, true);
      await withStream.release();
      found.value.names.forEach((name, layer) => {
        const expected = float32(ref.hiddenStatesBase64[layer]);
        expect(maxAbsDifference(outputs[name].data as Float32Array, expected)).toBeLessThan(
          1e-4 * Math.max(1, maxAbs(expected)),
        );
      });
    });
  });
});
