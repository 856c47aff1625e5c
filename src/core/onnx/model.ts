/**
 * The parts of an ONNX ModelProto that weight extraction needs: the graph's nodes,
 * initializers, inputs and outputs, with each tensor kept as byte ranges into the file
 * (nothing is copied until a weight is read). Field numbers follow onnx/onnx.proto.
 */

import {
  ProtobufError,
  readFields,
  readFloat32,
  readRepeatedVarints,
  readString,
  type ByteRange,
  type WireField,
} from './protobuf';

/** A success or a failure with a reason a person can read; readers return these instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Wraps a value as a successful result. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
/** A failed result with its reason. */
export const fail = <T = never>(reason: string): Result<T> => ({ ok: false, reason });

/**
 * One repeated numeric field (`float_data`, `int32_data`, ...): packed runs stay byte
 * ranges; values written one by one (unpacked, rare) are kept as numbers, in file order.
 */
export type NumericChunks = Array<ByteRange | number>;

/** A TensorProto, with its data left in the file. */
export interface TensorRef {
  name: string;
  dims: number[];
  /** TensorProto.DataType: 1 float, 2 uint8, 3 int8, 10 float16, 16 bfloat16, ... */
  dataType: number;
  rawData: ByteRange | null;
  floatData: NumericChunks;
  int32Data: NumericChunks;
  doubleData: NumericChunks;
  /** TensorProto.external_data as key → value (`location`, `offset`, `length`, `checksum`). */
  externalData: Record<string, string>;
  /** 0 default (data in this file), 1 external. */
  dataLocation: number;
  /** The buffer every range above points into. */
  bytes: Uint8Array;
}

/** One attribute value; only the kinds ONNX weight graphs use are decoded. */
export interface Attribute {
  name: string;
  /** Scalar int (`i`), float (`f`) or string (`s`); undefined when not set. */
  int?: number;
  float?: number;
  string?: string;
  ints: number[];
  tensor?: TensorRef;
}

export interface NodeRef {
  name: string;
  opType: string;
  /** '' for the default ONNX domain, e.g. 'com.microsoft' for contrib ops. */
  domain: string;
  /** Input value names in order; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, Attribute>;
}

export interface OnnxGraph {
  nodes: NodeRef[];
  initializers: Map<string, TensorRef>;
  /** Graph inputs that are not initializers (older IR versions list both). */
  inputs: string[];
  outputs: string[];
  /** The node that produces each value name. */
  producers: Map<string, NodeRef>;
}

export interface OnnxModel {
  irVersion: number;
  /** Opset version per domain ('' for ai.onnx). */
  opsets: Map<string, number>;
  graph: OnnxGraph;
}

function parseTensor(bytes: Uint8Array, start: number, end: number): TensorRef {
  const tensor: TensorRef = {
    name: '',
    dims: [],
    dataType: 0,
    rawData: null,
    floatData: [],
    int32Data: [],
    doubleData: [],
    externalData: {},
    dataLocation: 0,
    bytes,
  };
  // Packed fields become one range; unpacked fixed-width values are decoded one by one.
  const chunk = (f: WireField, out: NumericChunks, width: 4 | 8) => {
    if (f.wireType === 2) out.push({ offset: f.offset, length: f.length });
    else if (width === 4 && f.wireType === 5) out.push(readFloat32(bytes, f.offset));
    else if (width === 8 && f.wireType === 1)
      out.push(new DataView(bytes.buffer, bytes.byteOffset + f.offset, 8).getFloat64(0, true));
    else out.push(f.varint);
  };
  readFields(bytes, start, end, (f) => {
    switch (f.number) {
      case 1:
        readRepeatedVarints(bytes, f, tensor.dims);
        break;
      case 2:
        tensor.dataType = f.varint;
        break;
      case 4:
        chunk(f, tensor.floatData, 4);
        break;
      case 5:
        if (f.wireType === 2) tensor.int32Data.push({ offset: f.offset, length: f.length });
        else tensor.int32Data.push(f.varint);
        break;
      case 8:
        tensor.name = readString(bytes, f);
        break;
      case 9:
        tensor.rawData = { offset: f.offset, length: f.length };
        break;
      case 10:
        chunk(f, tensor.doubleData, 8);
        break;
      case 13: {
        let key = '';
        let value = '';
        readFields(bytes, f.offset, f.offset + f.length, (e) => {
          if (e.number === 1) key = readString(bytes, e);
          else if (e.number === 2) value = readString(bytes, e);
        });
        tensor.externalData[key] = value;
        break;
      }
      case 14:
        tensor.dataLocation = f.varint;
        break;
    }
  });
  return tensor;
}

function parseAttribute(bytes: Uint8Array, start: number, end: number): Attribute {
  const attribute: Attribute = { name: '', ints: [] };
  readFields(bytes, start, end, (f) => {
    switch (f.number) {
      case 1:
        attribute.name = readString(bytes, f);
        break;
      case 2:
        attribute.float = readFloat32(bytes, f.offset);
        break;
      case 3:
        attribute.int = f.varint;
        break;
      case 4:
        attribute.string = readString(bytes, f);
        break;
      case 5:
        attribute.tensor = parseTensor(bytes, f.offset, f.offset + f.length);
        break;
      case 8:
        readRepeatedVarints(bytes, f, attribute.ints);
        break;
    }
  });
  return attribute;
}

function parseNode(bytes: Uint8Array, start: number, end: number): NodeRef {
  const node: NodeRef = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };
  readFields(bytes, start, end, (f) => {
    switch (f.number) {
      case 1:
        node.inputs.push(readString(bytes, f));
        break;
      case 2:
        node.outputs.push(readString(bytes, f));
        break;
      case 3:
        node.name = readString(bytes, f);
        break;
      case 4:
        node.opType = readString(bytes, f);
        break;
      case 5: {
        const attribute = parseAttribute(bytes, f.offset, f.offset + f.length);
        node.attributes.set(attribute.name, attribute);
        break;
      }
      case 7:
        node.domain = readString(bytes, f);
        break;
    }
  });
  return node;
}

/** The `name` (field 1) of a ValueInfoProto. */
function parseValueInfoName(bytes: Uint8Array, start: number, end: number): string {
  let name = '';
  readFields(bytes, start, end, (f) => {
    if (f.number === 1) name = readString(bytes, f);
  });
  return name;
}

function parseGraph(bytes: Uint8Array, start: number, end: number): OnnxGraph {
  const graph: OnnxGraph = { nodes: [], initializers: new Map(), inputs: [], outputs: [], producers: new Map() };
  readFields(bytes, start, end, (f) => {
    const from = f.offset;
    const to = f.offset + f.length;
    switch (f.number) {
      case 1:
        graph.nodes.push(parseNode(bytes, from, to));
        break;
      case 5: {
        const tensor = parseTensor(bytes, from, to);
        graph.initializers.set(tensor.name, tensor);
        break;
      }
      case 11:
        graph.inputs.push(parseValueInfoName(bytes, from, to));
        break;
      case 12:
        graph.outputs.push(parseValueInfoName(bytes, from, to));
        break;
    }
  });
  graph.inputs = graph.inputs.filter((name) => !graph.initializers.has(name));
  for (const node of graph.nodes) for (const output of node.outputs) if (output) graph.producers.set(output, node);
  return graph;
}

/**
 * Decodes the structure of an ONNX model (ModelProto bytes). Weights are not read: each
 * initializer keeps byte ranges into `bytes`, which must stay alive and unchanged.
 * Returns a failure with the reason when the bytes are not a readable ONNX model.
 *
 * @example
 * const parsed = parseOnnxModel(new Uint8Array(await file.arrayBuffer()));
 * if (parsed.ok) console.log(parsed.value.graph.nodes.length);
 */
export function parseOnnxModel(bytes: Uint8Array): Result<OnnxModel> {
  let irVersion = 0;
  const opsets = new Map<string, number>();
  let graphRange: ByteRange | null = null;
  try {
    readFields(bytes, 0, bytes.length, (f) => {
      if (f.number === 1 && f.wireType === 0) irVersion = f.varint;
      else if (f.number === 7 && f.wireType === 2) graphRange = { offset: f.offset, length: f.length };
      else if (f.number === 8 && f.wireType === 2) {
        let domain = '';
        let version = 0;
        readFields(bytes, f.offset, f.offset + f.length, (o) => {
          if (o.number === 1) domain = readString(bytes, o);
          else if (o.number === 2) version = o.varint;
        });
        opsets.set(domain === 'ai.onnx' ? '' : domain, version);
      }
    });
    const range = graphRange as ByteRange | null;
    if (range === null) return fail('the file has no ModelProto.graph: it is not an ONNX model');
    const graph = parseGraph(bytes, range.offset, range.offset + range.length);
    return ok({ irVersion, opsets, graph });
  } catch (error) {
    if (error instanceof ProtobufError) return fail(`the file is not a readable ONNX model: ${error.message}`);
    throw error;
  }
}

/** An integer attribute, or `fallback` when the node does not set it. */
export function intAttribute(node: NodeRef, name: string, fallback: number): number {
  return node.attributes.get(name)?.int ?? fallback;
}

/** A float attribute, or `fallback` when the node does not set it. */
export function floatAttribute(node: NodeRef, name: string, fallback: number): number {
  return node.attributes.get(name)?.float ?? fallback;
}

/**
 * The external data files the model's initializers point at (TensorProto `location`), so a
 * caller can fetch them before reading weights (the external-data callback is synchronous).
 */
export function externalDataLocations(model: OnnxModel): string[] {
  const locations = new Set<string>();
  for (const tensor of model.graph.initializers.values()) {
    if (tensor.dataLocation === 1 && tensor.externalData.location) locations.add(tensor.externalData.location);
  }
  return [...locations];
}
