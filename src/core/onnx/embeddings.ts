/**
 * Finds a language model's key matrices in its ONNX graph: the unembedding (the weight of
 * the node that produces `logits`, so that logit_t = q · key_t) and the input embedding
 * (the Gather on `input_ids`). Both come back as [vocabulary, n_embd] row-major matrices,
 * whatever orientation and encoding the file uses. Failures explain themselves.
 */

import { dequantizeLinear, dequantizeMatMulNBits } from './dequantize';
import {
  fail,
  floatAttribute,
  intAttribute,
  ok,
  parseOnnxModel,
  type NodeRef,
  type OnnxModel,
  type Result,
  type TensorRef,
} from './model';
import {
  dataTypeName,
  isFloatType,
  readFloatTensor,
  readIntegerTensor,
  readUint8Tensor,
  type TensorReadOptions,
} from './tensorData';
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
  /** The value multiplied by the keys (the final norm's output), before any dynamic quantization of it. */
  input: string;
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
  if (['Identity', 'Cast', 'Transpose', 'DequantizeLinear'].includes(node.opType))
    return isStoredWeight(model, node.inputs[0], depth + 1);
  return false;
}

function asMatrix(weight: Weight, path: string[], bias: Float32Array | null, input: string): Result<Unembedding> {
  if (weight.dims.length !== 2)
    return fail(`the unembedding '${weight.sources[0]}' has dims [${weight.dims.join(', ')}], expected a 2-D matrix`);
  const [vocabularySize, embeddingSize] = weight.dims;
  if (bias && bias.length !== vocabularySize)
    return fail(`the logit bias has ${bias.length} values for ${vocabularySize} tokens`);
  return ok({
    values: weight.values,
    vocabularySize,
    embeddingSize,
    encoding: weight.encoding,
    sources: weight.sources,
    path: [...path, ...weight.path],
    bias,
    input,
  });
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
    const zeros =
      zeroTensor.value.dataType === 2
        ? readUint8Tensor(zeroTensor.value, options)
        : readFloatTensor(zeroTensor.value, options);
    if (!zeros.ok) return fail(`MatMulNBits zero points (${dataTypeName(zeroTensor.value.dataType)}): ${zeros.reason}`);
    zeroPoints = zeros.value;
  }
  const n = intAttribute(node, 'N', 0);
  const k = intAttribute(node, 'K', 0);
  const bits = intAttribute(node, 'bits', 4);
  const blockSize = intAttribute(node, 'block_size', 0);
  const values = dequantizeMatMulNBits({
    packed: packed.value,
    n,
    k,
    bits,
    blockSize,
    scales: scales.value,
    zeroPoints,
  });
  if (!values.ok) return values;
  const zeroNote = zeroPoints ? `, ${zeroPoints instanceof Uint8Array ? 'packed' : 'float'} zero points` : '';
  return ok({
    values: values.value,
    dims: [n, k],
    encoding: `MatMulNBits ${bits}-bit (block ${blockSize}${zeroNote})`,
    sources: [packedTensor.value.name, scalesTensor.value.name],
    path: [describeOp(node)],
  });
}

/** A stored tensor's values as integers or floats, for the scale and zero point of a quantized product. */
function storedValues(
  model: OnnxModel,
  name: string,
  what: string,
  options: TensorReadOptions,
  integer: boolean,
): Result<{ tensor: TensorRef; values: Int32Array | Float32Array }> {
  const tensor = storedTensor(model, name);
  if (!tensor.ok) return fail(`${what}: ${tensor.reason}`);
  const values = integer ? readIntegerTensor(tensor.value, options) : readFloatTensor(tensor.value, options);
  return values.ok ? ok({ tensor: tensor.value, values: values.value }) : fail(`${what}: ${values.reason}`);
}

/**
 * ONNX Runtime's dynamic quantization of the head (quantize_dynamic / transformers.js q8, int8,
 * uint8): logits = Cast(MatMulInteger(DynamicQuantizeLinear(q), B, q_zero_point, B_zero_point))
 * · (q_scale · B_scale). The keys are B dequantized: (B − B_zero_point) · B_scale, with the
 * scale per tensor or per column of B, and B stored [n_embd, V] or behind a Transpose of the
 * stored [V, n_embd] table (a tied head that shares the quantized Gather's table). Returns null
 * when `mul` is not that pattern.
 */
function fromMatMulInteger(model: OnnxModel, mul: NodeRef, options: TensorReadOptions): Result<Weight> | null {
  const { producers } = model.graph;
  for (const side of [0, 1]) {
    const cast = producers.get(mul.inputs[side]);
    const product = cast?.opType === 'Cast' ? producers.get(cast.inputs[0]) : undefined;
    if (!cast || product?.opType !== 'MatMulInteger') continue;
    const scales = mul.inputs[1 - side];
    // The scale factor is q_scale · B_scale (a Mul of the two); B's is the stored one.
    const scaleProduct = producers.get(scales);
    let weightScale = scales;
    if (scaleProduct?.opType === 'Mul') {
      const stored = scaleProduct.inputs.filter((input) => isStoredWeight(model, input));
      if (stored.length !== 1)
        return fail(`the MatMulInteger scales '${scales}' are not one dynamic scale times one stored scale`);
      weightScale = stored[0];
    } else if (!isStoredWeight(model, scales)) {
      return fail(`the MatMulInteger output is scaled by '${scales}', which is neither stored nor a product of scales`);
    }
    const [, bName, , zeroName] = product.inputs;
    const transpose = producers.get(bName);
    const perm = transpose?.attributes.get('perm')?.ints;
    const transposed = transpose?.opType === 'Transpose' && (!perm || perm.join(',') === '1,0');
    const table = storedTensor(model, transposed ? transpose.inputs[0] : bName);
    if (!table.ok) return fail(`MatMulInteger weight: ${table.reason}`);
    if (table.value.dims.length !== 2)
      return fail(
        `MatMulInteger weight '${table.value.name}' has dims [${table.value.dims.join(', ')}], expected a 2-D matrix`,
      );
    const quantized = readIntegerTensor(table.value, options);
    if (!quantized.ok) return quantized;
    const scale = storedValues(model, weightScale, 'MatMulInteger weight scale', options, false);
    if (!scale.ok) return scale;
    const zero = zeroName ? storedValues(model, zeroName, 'MatMulInteger weight zero point', options, true) : null;
    if (zero && !zero.ok) return zero;
    // Keys are the columns of B: rows of the stored table when B is its transpose.
    const [rows, cols] = table.value.dims;
    const keyAxis = transposed ? 0 : 1;
    const count = scale.value.values.length;
    if (count !== 1 && count !== table.value.dims[keyAxis])
      return fail(
        `MatMulInteger weight scale has ${count} values, neither one nor one per column (${table.value.dims[keyAxis]})`,
      );
    const values = dequantizeLinear({
      quantized: quantized.value,
      dims: [rows, cols],
      scale: scale.value.values as Float32Array,
      scaleDims: count === 1 ? [] : [count],
      zeroPoint: zero ? (zero.value.values as Int32Array) : null,
      axis: keyAxis,
      blockSize: 0,
    });
    if (!values.ok) return values;
    const granularity = count === 1 ? 'per tensor' : 'per column';
    const weight: Weight = {
      values: transposed ? values.value : transpose2d(values.value, rows, cols),
      dims: transposed ? [rows, cols] : [cols, rows],
      encoding: `${dataTypeName(table.value.dataType)} MatMulInteger (${granularity})`,
      sources: [table.value.name, scale.value.tensor.name],
      path: [describeOp(mul), describeOp(cast), describeOp(product), ...(transposed ? ['Transpose'] : [])],
    };
    return ok(weight);
  }
  return null;
}

/** The float activation behind the MatMulInteger that `mul` rescales (the input of its DynamicQuantizeLinear). */
function matMulIntegerActivation(model: OnnxModel, mul: NodeRef): string {
  const { producers } = model.graph;
  const product = mul.inputs
    .map((input) => producers.get(producers.get(input)?.inputs[0] ?? ''))
    .find((node) => node?.opType === 'MatMulInteger');
  const quantizer = product ? producers.get(product.inputs[0]) : undefined;
  return quantizer?.opType === 'DynamicQuantizeLinear' ? quantizer.inputs[0] : (product?.inputs[0] ?? '');
}

/** A scalar stored constant (e.g. the soft-capping value), or null. */
function storedScalar(model: OnnxModel, name: string): number | null {
  const tensor = storedTensor(model, name);
  if (!tensor.ok || !isFloatType(tensor.value.dataType)) return null;
  const values = readFloatTensor(tensor.value);
  return values.ok && values.value.length === 1 ? values.value[0] : null;
}

/**
 * Final logit soft-capping (Gemma 2): logits = c · tanh(z / c). Follows Mul/Div by stored
 * constants and Casts from `name` to a Tanh; returns the cap c when the pattern is whole, NaN
 * when there is a Tanh but the constants are not the usual ones, null when there is no Tanh.
 */
function softCap(model: OnnxModel, name: string): number | null {
  const { producers } = model.graph;
  let cap = Number.NaN;
  for (let hops = 0; hops < 8; hops++) {
    const node = producers.get(name);
    if (!node) return null;
    if (node.opType === 'Tanh') {
      const inner = producers.get(node.inputs[0]);
      const divisor =
        inner?.opType === 'Div'
          ? storedScalar(model, inner.inputs[1])
          : inner?.opType === 'Mul'
            ? 1 / (storedScalar(model, inner.inputs[1]) ?? Number.NaN)
            : Number.NaN;
      return Number.isFinite(cap) && Math.abs((divisor ?? Number.NaN) - cap) <= 1e-3 * Math.abs(cap) ? cap : Number.NaN;
    }
    if (PASS_THROUGH.has(node.opType)) {
      name = node.inputs[0];
      continue;
    }
    if (node.opType === 'Mul' || node.opType === 'Div') {
      const constant = node.inputs.findIndex((input) => storedScalar(model, input) !== null);
      if (constant < 0) return null;
      if (node.opType === 'Mul') cap = storedScalar(model, node.inputs[constant])!;
      name = node.inputs[1 - constant];
      continue;
    }
    return null;
  }
  return null;
}

function softCapReason(cap: number, logitsName: string): string {
  const formula = Number.isFinite(cap)
    ? `'${logitsName}' = ${Number(cap.toPrecision(6))} · tanh(q · key / ${Number(cap.toPrecision(6))})`
    : `a Tanh sits between the unembedding and '${logitsName}'`;
  return `soft-capped logits have no linear key space (${formula}, final logit soft-capping)`;
}

function optionalBias(
  model: OnnxModel,
  name: string | undefined,
  options: TensorReadOptions,
  factor = 1,
): Result<Float32Array | null> {
  if (!name) return ok(null);
  const bias = resolveWeight(model, name, options);
  if (!bias.ok) return fail(`logit bias: ${bias.reason}`);
  return ok(factor === 1 ? bias.value.values : bias.value.values.map((v) => v * factor));
}

/**
 * The unembedding (key) matrix: walks back from the logits output through reshapes and a
 * bias Add to the Gemm, MatMul, MatMulNBits or dynamically quantized MatMulInteger that
 * multiplies the final hidden state by the keys, and reads its weight (fp32, fp16, bf16,
 * DequantizeLinear, MatMulNBits, MatMulInteger's int8/uint8 weight with its scale and zero
 * point per tensor or per column). Fails with a reason when the logits come from anything
 * else (soft-capping, unsupported ops or encodings, missing external data).
 *
 * @example
 * const keys = findUnembedding(model);
 * if (!keys.ok) showError(keys.reason);
 */
export function findUnembedding(model: OnnxModel, options: KeyMatrixOptions = {}): Result<Unembedding> {
  const logitsName = options.logitsName ?? 'logits';
  if (!model.graph.outputs.includes(logitsName))
    return fail(`the model has no output named '${logitsName}' (outputs: ${model.graph.outputs.join(', ')})`);
  let name = logitsName;
  const path: string[] = [];
  let bias: Float32Array | null = null;
  const cap = softCap(model, logitsName);
  if (cap !== null) return fail(softCapReason(cap, logitsName));
  for (let hops = 0; hops < 64; hops++) {
    const node = model.graph.producers.get(name);
    if (!node) return fail(`'${name}' is not produced by any node`);
    const op = describeOp(node);
    if (PASS_THROUGH.has(node.opType)) {
      path.push(op);
      name = node.inputs[0];
      continue;
    }
    if (node.opType === 'Add' && !bias) {
      const constant = node.inputs.map((input) => isStoredWeight(model, input));
      if (constant[0] === constant[1])
        return fail(
          `the logits come from an Add of ${constant[0] ? 'two constants' : 'two computed values'}, not a matrix product plus bias`,
        );
      const read = optionalBias(model, node.inputs[constant[0] ? 0 : 1], options);
      if (!read.ok) return read;
      bias = read.value;
      path.push(op);
      name = node.inputs[constant[0] ? 1 : 0];
      continue;
    }
    if (node.opType === 'Gemm') {
      if (intAttribute(node, 'transA', 0) !== 0)
        return fail('the logits Gemm transposes its activation input (transA=1), which is not supported');
      const alpha = floatAttribute(node, 'alpha', 1);
      const at = [...path, op];
      const weight =
        intAttribute(node, 'transB', 0) === 1
          ? resolveWeight(model, node.inputs[1], options, at)
          : keysFromColumns(model, node.inputs[1], options, at);
      if (!weight.ok) return fail(`the logits Gemm's weight cannot be read: ${weight.reason}`);
      const gemmBias = optionalBias(model, node.inputs[2], options, floatAttribute(node, 'beta', 1));
      if (!gemmBias.ok) return gemmBias;
      if (bias && gemmBias.value) return fail('the logits have two bias terms, which is not supported');
      return asMatrix(scaled(weight.value, alpha), [], bias ?? gemmBias.value, node.inputs[0]);
    }
    if (node.opType === 'MatMul') {
      const weight = keysFromColumns(model, node.inputs[1], options, [...path, op]);
      if (!weight.ok) return fail(`the logits MatMul's weight cannot be read: ${weight.reason}`);
      return asMatrix(weight.value, [], bias, node.inputs[0]);
    }
    if (node.opType === 'MatMulNBits' && node.domain === 'com.microsoft') {
      const weight = fromMatMulNBits(model, node, options);
      if (!weight.ok) return fail(`the logits MatMulNBits weight cannot be read: ${weight.reason}`);
      const nodeBias = optionalBias(model, node.inputs[5], options);
      if (!nodeBias.ok) return nodeBias;
      if (bias && nodeBias.value) return fail('the logits have two bias terms, which is not supported');
      return asMatrix(weight.value, path, bias ?? nodeBias.value, node.inputs[0]);
    }
    if (node.opType === 'Mul') {
      const weight = fromMatMulInteger(model, node, options);
      if (weight && !weight.ok) return fail(`the logits MatMulInteger weight cannot be read: ${weight.reason}`);
      if (weight) return asMatrix(weight.value, path, bias, matMulIntegerActivation(model, node));
    }
    if (node.opType === 'Tanh') return fail(softCapReason(Number.NaN, logitsName));
    const capped = ['Mul', 'Div'].includes(node.opType) && path.length === 0;
    const hint = capped ? ' (logit soft-capping or scaling: logit = q · key no longer holds)' : '';
    return fail(
      `the logits come from a ${op} node${hint}; supported: Gemm, MatMul, com.microsoft.MatMulNBits, MatMulInteger (dynamic quantization), behind Reshape/Identity/Squeeze/Unsqueeze/Flatten/Cast and one bias Add`,
    );
  }
  return fail('the logits are too many nodes away from a matrix product');
}

/**
 * The input embedding: the weight of the Gather (axis 0) whose indices are the token ids
 * (possibly behind Cast/Reshape/Unsqueeze), or for a quantized Gather its integer table
 * through the DequantizeLinear that follows it. Fails with a reason when there is none or it
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
    if (
      (node.opType === 'Gather' || node.opType === 'GatherBlockQuantized') &&
      idValues.has(indices) &&
      isStoredWeight(model, node.inputs[0])
    ) {
      const walked = [...(path.get(indices) ?? []), describeOp(node)];
      if (node.opType === 'GatherBlockQuantized')
        return fail(`the input embedding is read by ${describeOp(node)} (block-quantized), which is not supported`);
      if (intAttribute(node, 'axis', 0) !== 0) return fail('the input embedding Gather does not gather along axis 0');
      const table = storedTensor(model, node.inputs[0]);
      if (table.ok && !isFloatType(table.value.dataType))
        return fromQuantizedGather(model, node, table.value, options, walked);
      const weight = resolveWeight(model, node.inputs[0], options, walked);
      if (!weight.ok) return fail(`the input embedding cannot be read: ${weight.reason}`);
      if (weight.value.dims.length !== 2)
        return fail(`the input embedding has dims [${weight.value.dims.join(', ')}], expected a 2-D matrix`);
      const [vocabularySize, embeddingSize] = weight.value.dims;
      return ok({
        values: weight.value.values,
        vocabularySize,
        embeddingSize,
        encoding: weight.value.encoding,
        sources: weight.value.sources,
        path: weight.value.path,
      });
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

/**
 * ONNX Runtime's quantized Gather (GatherQuant in quantize_dynamic, transformers.js q8/int8/uint8):
 * the Gather reads rows of a stored uint8 table and a DequantizeLinear after it restores
 * floats, with one scale and zero point for the whole table. The embedding is the whole table
 * put through that DequantizeLinear.
 */
function fromQuantizedGather(
  model: OnnxModel,
  gather: NodeRef,
  table: TensorRef,
  options: TensorReadOptions,
  walked: string[],
): Result<EmbeddingMatrix> {
  const dequantize = model.graph.nodes.find(
    (n) => n.opType === 'DequantizeLinear' && n.inputs[0] === gather.outputs[0],
  );
  if (!dequantize)
    return fail(
      `the input embedding Gather reads the ${dataTypeName(table.dataType)} tensor '${table.name}', and no DequantizeLinear follows it`,
    );
  if (table.dims.length !== 2)
    return fail(`the input embedding has dims [${table.dims.join(', ')}], expected a 2-D matrix`);
  const quantized = readIntegerTensor(table, options);
  if (!quantized.ok) return fail(`the input embedding cannot be read: ${quantized.reason}`);
  const scale = storedValues(model, dequantize.inputs[1], 'the input embedding scale', options, false);
  if (!scale.ok) return scale;
  const zero = dequantize.inputs[2]
    ? storedValues(model, dequantize.inputs[2], 'the input embedding zero point', options, true)
    : null;
  if (zero && !zero.ok) return zero;
  const [vocabularySize, embeddingSize] = table.dims;
  // The DequantizeLinear sees the gathered rows; a per-axis scale on their last axis is a per-column scale of the table.
  const count = scale.value.values.length;
  if (count !== 1 && count !== embeddingSize)
    return fail(
      `the input embedding DequantizeLinear has ${count} scales, neither one nor one per column (${embeddingSize})`,
    );
  const values = dequantizeLinear({
    quantized: quantized.value,
    dims: table.dims,
    scale: scale.value.values as Float32Array,
    scaleDims: count === 1 ? [] : [count],
    zeroPoint: zero ? (zero.value.values as Int32Array) : null,
    axis: 1,
    blockSize: 0,
  });
  if (!values.ok) return fail(`the input embedding cannot be dequantized: ${values.reason}`);
  return ok({
    values: values.value,
    vocabularySize,
    embeddingSize,
    encoding: `${dataTypeName(table.dataType)} Gather + DequantizeLinear (${count === 1 ? 'per tensor' : 'per column'})`,
    sources: [table.name, scale.value.tensor.name],
    path: [...walked, describeOp(dequantize)],
  });
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
