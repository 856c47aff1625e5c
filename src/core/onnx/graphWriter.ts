/**
 * Writes a small ONNX model from a plain description: nodes, inputs and outputs with their
 * element types and shapes (numbers, or names for dimensions that vary per run), and float32
 * initializers. Tokenscope generates such graphs to run its batched per-position maths (the
 * logit lens over every layer and position) in the same ONNX Runtime as the model, instead of
 * in JavaScript loops. Field numbers follow onnx.proto (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, TypeProto).
 */
import { concatBytes, float32Field, lengthDelimited, stringField, varintField } from './protobufWriter';

/** onnx.proto TensorProto.DataType values the writer supports. */
export const ElementType = { float: 1, bool: 9, int64: 7 } as const;
export type ElementTypeName = keyof typeof ElementType;

export interface ValueSpec {
  name: string;
  type: ElementTypeName;
  /** A number is a fixed size; a string names a dimension that varies per run. */
  shape: readonly (number | string)[];
}

export type AttributeValue = number | { float: number } | { ints: readonly number[] } | { int: number };

export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Numbers are written as INT attributes; `{ float }` as FLOAT, `{ ints }` as INTS. */
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface InitializerSpec {
  name: string;
  dims: readonly number[];
  /** float32 values, or int64 values as a BigInt64Array. */
  values: Float32Array | BigInt64Array;
}

export interface GraphSpec {
  name: string;
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
  nodes: readonly NodeSpec[];
  initializers?: readonly InitializerSpec[];
  /** Default-domain opset; 17 is supported by every ONNX Runtime we ship. */
  opset?: number;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, ints: 7 } as const;

function attribute(name: string, value: AttributeValue): Uint8Array {
  const parts = [stringField(1, name)];
  if (typeof value === 'number' || 'int' in value) {
    parts.push(varintField(3, typeof value === 'number' ? value : value.int), varintField(20, ATTRIBUTE_TYPE.int));
  } else if ('float' in value) {
    parts.push(float32Field(2, value.float), varintField(20, ATTRIBUTE_TYPE.float));
  } else {
    for (const v of value.ints) parts.push(varintField(8, v));
    parts.push(varintField(20, ATTRIBUTE_TYPE.ints));
  }
  return concatBytes(parts);
}

function node(spec: NodeSpec, index: number): Uint8Array {
  return concatBytes([
    ...spec.inputs.map((name) => stringField(1, name)),
    ...spec.outputs.map((name) => stringField(2, name)),
    stringField(3, `${spec.op}_${index}`),
    stringField(4, spec.op),
    ...Object.entries(spec.attributes ?? {}).map(([name, value]) => lengthDelimited(5, attribute(name, value))),
  ]);
}

function valueInfo(spec: ValueSpec): Uint8Array {
  const dims = spec.shape.map((d) => lengthDelimited(1, typeof d === 'number' ? varintField(1, d) : stringField(2, d)));
  const tensorType = concatBytes([varintField(1, ElementType[spec.type]), lengthDelimited(2, concatBytes(dims))]);
  return concatBytes([stringField(1, spec.name), lengthDelimited(2, lengthDelimited(1, tensorType))]);
}

function initializer(spec: InitializerSpec): Uint8Array {
  const count = spec.dims.reduce((n, d) => n * d, 1);
  if (spec.values.length !== count)
    throw new RangeError(`initializer ${spec.name} has ${spec.values.length} values for dims [${spec.dims}]`);
  const isFloat = spec.values instanceof Float32Array;
  // raw_data is little-endian, like every platform JavaScript runs on (checked below).
  const raw = new Uint8Array(spec.values.buffer, spec.values.byteOffset, spec.values.byteLength);
  return concatBytes([
    ...spec.dims.map((d) => varintField(1, d)),
    varintField(2, isFloat ? ElementType.float : ElementType.int64),
    stringField(8, spec.name),
    lengthDelimited(9, raw),
  ]);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The ModelProto bytes of the graph (IR version 8). */
export function writeOnnxModel(spec: GraphSpec): Uint8Array {
  if (!littleEndian) throw new Error('writing ONNX initializers needs a little-endian platform');
  const graph = concatBytes([
    ...spec.nodes.map((n, i) => lengthDelimited(1, node(n, i))),
    stringField(2, spec.name),
    ...(spec.initializers ?? []).map((t) => lengthDelimited(5, initializer(t))),
    ...spec.inputs.map((v) => lengthDelimited(11, valueInfo(v))),
    ...spec.outputs.map((v) => lengthDelimited(12, valueInfo(v))),
  ]);
  const opset = concatBytes([stringField(1, ''), varintField(2, spec.opset ?? 17)]);
  return concatBytes([
    varintField(1, 8),
    stringField(2, 'tokenscope'),
    lengthDelimited(7, graph),
    lengthDelimited(8, opset),
  ]);
}
