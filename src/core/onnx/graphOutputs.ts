/**
 * Editing which values an ONNX graph lists as outputs, by splicing the protobuf bytes: the
 * graph field of the ModelProto is rebuilt with ValueInfoProto entries added or removed and
 * its length prefix rewritten; every other byte (weights included) is copied unchanged.
 * ONNX Runtime then returns an intermediate value (a residual-stream Add, say) like any
 * other output.
 */
import { readFields, readString } from './protobuf';
import { lengthDelimited, varint } from './protobufWriter';

const MODEL_GRAPH_FIELD = 7;
const GRAPH_OUTPUT_FIELD = 12;
const VALUE_INFO_NAME_FIELD = 1;

/** Where a length-delimited field with a one-byte key starts: its key and length varint sit before the payload. */
const fieldStart = (offset: number, length: number) => offset - 1 - varint(length).length;

interface GraphRange {
  offset: number;
  length: number;
}

function graphRange(bytes: Uint8Array): GraphRange {
  let graph: GraphRange | null = null;
  readFields(bytes, 0, bytes.length, (f) => {
    if (f.number === MODEL_GRAPH_FIELD && f.wireType === 2) graph = { offset: f.offset, length: f.length };
  });
  if (!graph) throw new Error('no graph in this ONNX file');
  return graph;
}

/** The model bytes with the graph's payload replaced by `parts` (concatenated). */
function withGraphPayload(bytes: Uint8Array, graph: GraphRange, parts: readonly Uint8Array[]): Uint8Array {
  const payloadLength = parts.reduce((n, part) => n + part.length, 0);
  const head = bytes.subarray(0, fieldStart(graph.offset, graph.length));
  const key = Uint8Array.from([(MODEL_GRAPH_FIELD << 3) | 2, ...varint(payloadLength)]);
  const tail = bytes.subarray(graph.offset + graph.length);
  const out = new Uint8Array(head.length + key.length + payloadLength + tail.length);
  let pos = 0;
  for (const part of [head, key, ...parts, tail]) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** A copy of the model whose graph no longer lists the outputs `drop` picks (the nodes stay). */
export function withoutGraphOutputs(bytes: Uint8Array, drop: (name: string) => boolean): Uint8Array {
  const graph = graphRange(bytes);
  const removed: [number, number][] = [];
  readFields(bytes, graph.offset, graph.offset + graph.length, (f) => {
    if (f.number !== GRAPH_OUTPUT_FIELD || f.wireType !== 2) return;
    let name = '';
    const at = { offset: f.offset, length: f.length };
    readFields(bytes, at.offset, at.offset + at.length, (g) => {
      if (g.number === VALUE_INFO_NAME_FIELD) name = readString(bytes, g);
    });
    if (drop(name)) removed.push([fieldStart(at.offset, at.length), at.offset + at.length]);
  });
  const kept: Uint8Array[] = [];
  let cursor = graph.offset;
  for (const [start, end] of removed) {
    kept.push(bytes.subarray(cursor, start));
    cursor = end;
  }
  kept.push(bytes.subarray(cursor, graph.offset + graph.length));
  return withGraphPayload(bytes, graph, kept);
}

/**
 * A copy of the model whose graph also lists `names` as outputs, after the existing ones.
 * Each is a ValueInfoProto with only a name: ONNX Runtime takes the type and shape from
 * the producing node, so fp16 and fp32 graphs need no different handling.
 *
 * @example
 * const edited = withGraphOutputs(bytes, ['/transformer/h.0/Add_1_output_0']);
 */
export function withGraphOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const graph = graphRange(bytes);
  const utf8 = new TextEncoder();
  const added = names.map((name) =>
    lengthDelimited(GRAPH_OUTPUT_FIELD, lengthDelimited(VALUE_INFO_NAME_FIELD, utf8.encode(name))),
  );
  return withGraphPayload(bytes, graph, [bytes.subarray(graph.offset, graph.offset + graph.length), ...added]);
}
