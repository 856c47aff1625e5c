/**
 * Finds a language model's key matrices in its ONNX graph: the unembedding (the weight of
 * the node that produces `logits`, so that logit_t = q · key_t) and the input embedding
 * (the Gather on `input_ids`). Both come back as [vocabulary, n_embd] row-major matrices,
 * whatever orientation and encoding the file uses. Failures explain themselves.
 */

import { dequantizeMatMulNBits } from './dequantize';
import { fail, floatAttribute, intAttribute, ok, parseOnnxModel, type NodeRef, type OnnxModel, type Result } from './model';
import { dataTypeName, readFloatTensor, readUint8Tensor, type TensorReadOptions } from './tensorData';
import { describeOp, resolveWeight, storedTensor, transpose2d, type Weight } from './weights';

/** A [vocabularySize, embeddingSize] matrix whose row t belongs to token t. */
export interface EmbeddingMatrix {
  /** Row-major values: row t is token t's vector. */
  values: Float32Array;
  /** Rows: tokens. */
  vocabularySize: number;
  /** Columns: the model width (n_embd). */
  embeddingSize: number;
  /** How the file stores it, e.g. 'float32' or 'MatMulNBits 4-bit (block 32)'. */
  encoding: string;
  /** Names of the stored tensors the values were computed from. */
  sources: string[];
  /** Op types walked from `logits` or `input_ids` to the stored weight, in walking order. */
  path: string[];
}

/** The unembedding: logits = q · valuesᵀ · scale + bias. */
export interface Unembedding extends EmbeddingMatrix {
  /** Per-token logit bias (length vocabularySize), or null when the model has none. */
  bias: Float32Array | null;
}

export interface KeyMatrixOptions extends TensorReadOptions {
  /** Graph output holding the logits (default 'logits'). */
  logitsName?: string;
  /** Graph input holding the token ids (default 'input_ids'). */
  inputIdsName?: string;
}

/** Ops that reshape or re-type activations without changing the product q · k. */
const PASS_THROUGH = new Set(['Reshape', 'Identity', 'Squeeze', 'Unsqueeze', 'Flatten', 'Cast']);

/** Whether `name` is a stored weight (possibly behind Identity/Cast/Transpose/DequantizeLinear), without reading it. */
function isStoredWeight(model: OnnxModel, name: string, depth = 0): boolean {
  if (!name || depth > 32) return false;
  if (model.graph.initializers.has(name)) return true;
  const node = model.graph.producers.get(name);
  if (!node) return false;
  if (node.opType === 'Constant') return true;
  if (['Identity', 'Cast', 'Transpose', 'DequantizeLinear'].includes(node.opType)) return isStoredWeight(model, node.inputs[0], depth + 1);
  return false;
}

function asMatrix(weight: Weight, path: string[], bias: Float32Array | null): Result<Unembedding> {
  if (weight.dims.length !== 2) return fail(`the unembedding '${weight.sources[0]}' has dims [${weight.dims.join(', ')}], expected a 2-D matrix`);
  const [vocabularySize, embeddingSize] = weight.dims;
  if (bias && bias.length !== vocabularySize) return fail(`the logit bias has ${bias.length} values for ${vocabularySize} tokens`);
  return ok({ values: weight.values, vocabularySize, embeddingSize, encoding: weight.encoding, sources: weight.sources, path: [...path, ...weight.path], bias });
}

/** Keys from a weight the node multiplies as [n_embd, V]: read a stored [V, n_embd] directly when a Transpose sits in between. */
function keysFromColumns(model: OnnxModel, name: string, options: TensorReadOptions, path: string[]): Result<Weight> {
  const producer = model.graph.producers.get(name);
  const perm = producer?.attributes.get('perm')?.ints;
  if (producer?.opType === 'Transpose' && (!perm || perm.join(',') === '1,0')) {
    const direct = resolveWeight(model, producer.inputs[0], options, [...path, 'Transpose']);
    if (direct.ok && direct.value.dims.length === 2) return direct;
  }
  const weight = resolveWeight(model, name, options, path);
  if (!weight.ok || weight.value.dims.length !== 2) return weight;
  const [rows, cols] = weight.value.dims;
  return ok({ ...weight.value, values: transpose2d(weight.value.values, rows, cols), dims: [cols, rows] });
}

function scaled(weight: Weight, factor: number): Weight {
  if (factor === 1) return weight;
  const values = weight.values.map((v) => v * factor);
  return { ...weight, values, encoding: `${weight.encoding} × ${factor}` };
}

function fromMatMulNBits(model: OnnxModel, node: NodeRef, options: TensorReadOptions): Result<Weight> {
  const [, bName, scalesName, zeroName, groupIndexName] = node.inputs;
  if (groupIndexName) return fail('MatMulNBits with g_idx (act-order) is not supported');
  const packedTensor = storedTensor(model, bName);
  if (!packedTensor.ok) return fail(`MatMulNBits weight: ${packedTensor.reason}`);
  const packed = readUint8Tensor(packedTensor.value, options);
  if (!packed.ok) return packed;
  const scalesTensor = storedTensor(model, scalesName);
  if (!scalesTensor.ok) return fail(`MatMulNBits scales: ${scalesTensor.reason}`);
  const scales = readFloatTensor(scalesTensor.value, options);
  if (!scales.ok) return scales;
  let zeroPoints: Uint8Array | Float32Array | null = null;
  if (zeroName) {
    const zeroTensor = storedTensor(model, zeroName);
    if (!zeroTensor.ok) return fail(`MatMulNBits zero points: ${zeroTensor.reason}`);
    const zeros = zeroTensor.value.dataType === 2 ? readUint8Tensor(zeroTensor.value, options) : readFloatTensor(zeroTensor.value, options);
    if (!zeros.ok) return fail(`MatMulNBits zero points (${dataTypeName(zeroTensor.value.dataType)}): ${zeros.reason}`);
    zeroPoints = zeros.value;
  }
  const n = intAttribute(node, 'N', 0);
  const k = intAttribute(node, 'K', 0);
  const bits = intAttribute(node, 'bits', 4);
  const blockSize = intAttribute(node, 'block_size', 0);
  const values = dequantizeMatMulNBits({ packed: packed.value, n, k, bits, blockSize, scales: scales.value, zeroPoints });
  if (!values.ok) return values;
  const zeroNote = zeroPoints ? `, ${zeroPoints instanceof Uint8Array ? 'packed' : 'float'} zero points` : '';
  return ok({
    values: values.value, dims: [n, k], encoding: `MatMulNBits ${bits}-bit (block ${blockSize}${zeroNote})`,
    sources: [packedTensor.value.name, scalesTensor.value.name], path: [describeOp(node)],
  });
}

function optionalBias(model: OnnxModel, name: string | undefined, options: TensorReadOptions, factor = 1): Result<Float32Array | null> {
  if (!name) return ok(null);
  const bias = resolveWeight(model, name, options);
  if (!bias.ok) return fail(`logit bias: ${bias.reason}`);
  return ok(factor === 1 ? bias.value.values : bias.value.values.map((v) => v * factor));
}

/**
 * The unembedding (key) matrix: walks back from the logits output through reshapes and a
 * bias Add to the Gemm, MatMul or MatMulNBits that multiplies the final hidden state by
 * the keys, and reads its weight (fp32, fp16, bf16, DequantizeLinear, MatMulNBits).
 * Fails with a reason when the logits come from anything else (soft-capping, unsupported
 * ops or encodings, missing external data).
 *
 * @example
 * const keys = findUnembedding(model);
 * if (!keys.ok) showError(keys.reason);
 */
export function findUnembedding(model: OnnxModel, options: KeyMatrixOptions = {}): Result<Unembedding> {
  const logitsName = options.logitsName ?? 'logits';
  if (!model.graph.outputs.includes(logitsName)) return fail(`the model has no output named '${logitsName}' (outputs: ${model.graph.outputs.join(', ')})`);
  let name = logitsName;
  const path: string[] = [];
  let bias: Float32Array | null = null;
  for (let hops = 0; hops < 64; hops++) {
    const node = model.graph.producers.get(name);
    if (!node) return fail(`'${name}' is not produced by any node`);
    const op = describeOp(node);
    if (PASS_THROUGH.has(node.opType)) { path.push(op); name = node.inputs[0]; continue; }
    if (node.opType === 'Add' && !bias) {
      const constant = node.inputs.map((input) => isStoredWeight(model, input));
      if (constant[0] === constant[1]) return fail(`the logits come from an Add of ${constant[0] ? 'two constants' : 'two computed values'}, not a matrix product plus bias`);
      const read = optionalBias(model, node.inputs[constant[0] ? 0 : 1], options);
      if (!read.ok) return read;
      bias = read.value;
      path.push(op);
      name = node.inputs[constant[0] ? 1 : 0];
      continue;
    }
    if (node.opType === 'Gemm') {
      if (intAttribute(node, 'transA', 0) !== 0) return fail('the logits Gemm transposes its activation input (transA=1), which is not supported');
      const alpha = floatAttribute(node, 'alpha', 1);
      const at = [...path, op];
      const weight = intAttribute(node, 'transB', 0) === 1 ? resolveWeight(model, node.inputs[1], options, at) : keysFromColumns(model, node.inputs[1], options, at);
      if (!weight.ok) return fail(`the logits Gemm's weight cannot be read: ${weight.reason}`);
      const gemmBias = optionalBias(model, node.inputs[2], options, floatAttribute(node, 'beta', 1));
      if (!gemmBias.ok) return gemmBias;
      if (bias && gemmBias.value) return fail('the logits have two bias terms, which is not supported');
      return asMatrix(scaled(weight.value, alpha), [], bias ?? gemmBias.value);
    }
    if (node.opType === 'MatMul') {
      const weight = keysFromColumns(model, node.inputs[1], options, [...path, op]);
      if (!weight.ok) return fail(`the logits MatMul's weight cannot be read: ${weight.reason}`);
      return asMatrix(weight.value, [], bias);
    }
    if (node.opType === 'MatMulNBits' && node.domain === 'com.microsoft') {
      const weight = fromMatMulNBits(model, node, options);
      if (!weight.ok) return fail(`the logits MatMulNBits weight cannot be read: ${weight.reason}`);
      const nodeBias = optionalBias(model, node.inputs[5], options);
      if (!nodeBias.ok) return nodeBias;
      if (bias && nodeBias.value) return fail('the logits have two bias terms, which is not supported');
      return asMatrix(weight.value, path, bias ?? nodeBias.value);
    }
    const capped = node.opType === 'Tanh' || (['Mul', 'Div'].includes(node.opType) && path.length === 0);
    const hint = capped ? ' (logit soft-capping or scaling: logit = q · key no longer holds)' : '';
    return fail(`the logits come from a ${op} node${hint}; supported: Gemm, MatMul, com.microsoft.MatMulNBits, behind Reshape/Identity/Squeeze/Unsqueeze/Flatten/Cast and one bias Add`);
  }
  return fail('the logits are too many nodes away from a matrix product');
}

/**
 * The input embedding: the weight of the Gather (axis 0) whose indices are the token ids
 * (possibly behind Cast/Reshape/Unsqueeze). Fails with a reason when there is none or it
 * cannot be read (e.g. com.microsoft.GatherBlockQuantized).
 */
export function findInputEmbedding(model: OnnxModel, options: KeyMatrixOptions = {}): Result<EmbeddingMatrix> {
  const idsName = options.inputIdsName ?? 'input_ids';
  if (!model.graph.inputs.includes(idsName)) return fail(`the model has no input named '${idsName}'`);
  const idValues = new Set([idsName]);
  const path = new Map<string, string[]>([[idsName, []]]);
  // Graph nodes are topologically sorted, so one pass follows id-carrying values forward.
  for (const node of model.graph.nodes) {
    const indices = node.inputs[1];
    if ((node.opType === 'Gather' || node.opType === 'GatherBlockQuantized') && idValues.has(indices) && isStoredWeight(model, node.inputs[0])) {
      const walked = [...(path.get(indices) ?? []), describeOp(node)];
      if (node.opType === 'GatherBlockQuantized') return fail(`the input embedding is read by ${describeOp(node)} (block-quantized), which is not supported`);
      if (intAttribute(node, 'axis', 0) !== 0) return fail('the input embedding Gather does not gather along axis 0');
      const weight = resolveWeight(model, node.inputs[0], options, walked);
      if (!weight.ok) return fail(`the input embedding cannot be read: ${weight.reason}`);
      if (weight.value.dims.length !== 2) return fail(`the input embedding has dims [${weight.value.dims.join(', ')}], expected a 2-D matrix`);
      const [vocabularySize, embeddingSize] = weight.value.dims;
      return ok({ values: weight.value.values, vocabularySize, embeddingSize, encoding: weight.value.encoding, sources: weight.value.sources, path: weight.value.path });
    }
    if (PASS_THROUGH.has(node.opType) && idValues.has(node.inputs[0])) {
      for (const output of node.outputs) {
        idValues.add(output);
        path.set(output, [...(path.get(node.inputs[0]) ?? []), node.opType]);
      }
    }
  }
  return fail(`no Gather node reads '${idsName}' from a stored weight`);
}

/** Both key matrices of a model, each readable or not on its own. */
export interface ModelKeyMatrices {
  unembedding: Result<Unembedding>;
  inputEmbedding: Result<EmbeddingMatrix>;
  /** True when both were read from the same stored tensor (tied embeddings). */
  tied: boolean;
}

/**
 * Parses an ONNX file and reads its unembedding and input embedding. Fails only when the
 * file itself is unreadable; each matrix carries its own result.
 *
 * @example
 * const read = readKeyMatrices(bytes, { externalData: (name) => files.get(name) });
 */
export function readKeyMatrices(bytes: Uint8Array, options: KeyMatrixOptions = {}): Result<ModelKeyMatrices> {
  const model = parseOnnxModel(bytes);
  if (!model.ok) return model;
  const unembedding = findUnembedding(model.value, options);
  const inputEmbedding = findInputEmbedding(model.value, options);
  const tied = unembedding.ok && inputEmbedding.ok && unembedding.value.sources[0] === inputEmbedding.value.sources[0];
  return ok({ unembedding, inputEmbedding, tied });
}
