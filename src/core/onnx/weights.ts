/**
 * Resolves a value name in an ONNX graph to the float weight it holds, following the few
 * ops that exporters put between a stored tensor and its use: Identity, Cast, 2-D
 * Transpose and DequantizeLinear, from an initializer or a Constant node. Anything else
 * is reported as a failure that names the op, never thrown.
 */

import { dequantizeLinear } from './dequantize';
import { fail, intAttribute, ok, type NodeRef, type OnnxModel, type Result, type TensorRef } from './model';
import { dataTypeName, isFloatType, readFloatTensor, readIntegerTensor, type TensorReadOptions } from './tensorData';

/** A float weight read from the file, with where it came from. */
export interface Weight {
  /** Row-major values, shaped `dims`. */
  values: Float32Array;
  dims: number[];
  /** How the file stores it, e.g. 'float32', 'float16', 'int8 DequantizeLinear (per axis 0)'. */
  encoding: string;
  /** Names of the stored tensors the values were computed from (the quantized data first). */
  sources: string[];
  /** Op types walked from the value back to the stored tensor, nearest first. */
  path: string[];
}

/** The stored tensor behind a value: an initializer, or a Constant node's `value`, through Identity. */
export function storedTensor(model: OnnxModel, name: string): Result<TensorRef> {
  const { initializers, producers } = model.graph;
  for (let hops = 0; hops < 16; hops++) {
    const tensor = initializers.get(name);
    if (tensor) return ok(tensor);
    const node = producers.get(name);
    if (!node) return fail(`'${name}' is not stored in the file (it is a graph input or undefined)`);
    if (node.opType === 'Identity') {
      name = node.inputs[0];
      continue;
    }
    if (node.opType === 'Constant') {
      const value = node.attributes.get('value')?.tensor;
      return value
        ? ok({ ...value, name: value.name || name })
        : fail(`Constant '${name}' has no tensor 'value' (only tensor constants are read)`);
    }
    return fail(`'${name}' is computed by a ${describeOp(node)} node, not stored`);
  }
  return fail(`'${name}' is behind too many Identity nodes`);
}

/** 'Gemm' or 'com.microsoft.MatMulNBits'. */
export function describeOp(node: NodeRef): string {
  return node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
}

/** A row-major 2-D transpose. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

function fromStored(tensor: TensorRef, options: TensorReadOptions, path: string[]): Result<Weight> {
  if (isFloatType(tensor.dataType)) {
    const values = readFloatTensor(tensor, options);
    return values.ok
      ? ok({
          values: values.value,
          dims: tensor.dims,
          encoding: dataTypeName(tensor.dataType),
          sources: [tensor.name],
          path,
        })
      : values;
  }
  // Only a Cast can turn integers into floats without a scale; DequantizeLinear is handled by its own branch.
  if (!path.includes('Cast'))
    return fail(
      `tensor '${tensor.name}' holds ${dataTypeName(tensor.dataType)} values used as a float weight without dequantization`,
    );
  const integers = readIntegerTensor(tensor, options);
  return integers.ok
    ? ok({
        values: Float32Array.from(integers.value),
        dims: tensor.dims,
        encoding: dataTypeName(tensor.dataType),
        sources: [tensor.name],
        path,
      })
    : integers;
}

function fromDequantizeLinear(
  model: OnnxModel,
  node: NodeRef,
  options: TensorReadOptions,
  path: string[],
): Result<Weight> {
  const [xName, scaleName, zeroName] = node.inputs;
  const x = storedTensor(model, xName);
  if (!x.ok) return fail(`DequantizeLinear input: ${x.reason}`);
  const quantized = readIntegerTensor(x.value, options);
  if (!quantized.ok) return quantized;
  const scaleTensor = storedTensor(model, scaleName);
  if (!scaleTensor.ok) return fail(`DequantizeLinear scale: ${scaleTensor.reason}`);
  const scale = readFloatTensor(scaleTensor.value, options);
  if (!scale.ok) return scale;
  let zeroPoint: Int32Array | null = null;
  if (zeroName) {
    const zeroTensor = storedTensor(model, zeroName);
    if (!zeroTensor.ok) return fail(`DequantizeLinear zero point: ${zeroTensor.reason}`);
    const zeros = readIntegerTensor(zeroTensor.value, options);
    if (!zeros.ok) return zeros;
    zeroPoint = zeros.value;
  }
  const axis = intAttribute(node, 'axis', 1);
  const blockSize = intAttribute(node, 'block_size', 0);
  const values = dequantizeLinear({
    quantized: quantized.value,
    dims: x.value.dims,
    scale: scale.value,
    scaleDims: scaleTensor.value.dims,
    zeroPoint,
    axis,
    blockSize,
  });
  if (!values.ok) return values;
  const granularity =
    blockSize > 0
      ? `blocks of ${blockSize} along axis ${axis}`
      : scale.value.length === 1
        ? 'per tensor'
        : `per axis ${axis}`;
  return ok({
    values: values.value,
    dims: x.value.dims,
    encoding: `${dataTypeName(x.value.dataType)} DequantizeLinear (${granularity})`,
    sources: [x.value.name, scaleTensor.value.name],
    path,
  });
}

/**
 * The float weight behind `name`: a float initializer or Constant, or one reached through
 * Identity, Cast, a 2-D Transpose or DequantizeLinear. Fails with the reason otherwise
 * (a graph input, an unsupported op or data type, missing external data).
 *
 * @example
 * const weight = resolveWeight(model, 'model.wte.weight');
 * if (weight.ok) console.log(weight.value.dims); // [8192, 256]
 */
export function resolveWeight(
  model: OnnxModel,
  name: string,
  options: TensorReadOptions = {},
  path: string[] = [],
): Result<Weight> {
  const { initializers, producers } = model.graph;
  const tensor = initializers.get(name);
  if (tensor) return fromStored(tensor, options, path);
  const node = producers.get(name);
  if (!node) return fail(`'${name}' is not stored in the file (it is a graph input or undefined)`);
  if (path.length > 32) return fail(`'${name}' is too many ops away from a stored tensor`);
  const next = [...path, describeOp(node)];
  switch (node.opType) {
    case 'Identity':
    case 'Cast':
      return resolveWeight(model, node.inputs[0], options, next);
    case 'Constant': {
      const stored = storedTensor(model, name);
      return stored.ok ? fromStored(stored.value, options, path) : stored;
    }
    case 'Transpose': {
      const input = resolveWeight(model, node.inputs[0], options, next);
      if (!input.ok) return input;
      const perm = node.attributes.get('perm')?.ints ?? [1, 0];
      if (input.value.dims.length !== 2 || perm.join(',') !== '1,0')
        return fail(
          `only 2-D transposes of weights are supported ('${name}' has dims [${input.value.dims.join(', ')}], perm [${perm.join(', ')}])`,
        );
      const [rows, cols] = input.value.dims;
      return ok({ ...input.value, values: transpose2d(input.value.values, rows, cols), dims: [cols, rows] });
    }
    case 'DequantizeLinear':
      // com.microsoft.DequantizeLinear (older QDQ exports) has the same semantics as the ONNX op.
      return node.domain === '' || node.domain === 'ai.onnx' || node.domain === 'com.microsoft'
        ? fromDequantizeLinear(model, node, options, next)
        : fail(`weight '${name}' comes from ${describeOp(node)}, which is not supported`);
    default:
      return fail(
        `weight '${name}' is computed by a ${describeOp(node)} node, which the reader does not follow (supported: Identity, Cast, Transpose, DequantizeLinear, Constant)`,
      );
  }
}
