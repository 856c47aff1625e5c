/**
 * Test helper: a copy of an ONNX model whose graph no longer lists some outputs (the nodes
 * stay), by splicing the protobuf bytes: a model "without readable internals" for the tests.
 */
import { readFields } from '../src/core/onnx/protobuf';

const MODEL_GRAPH_FIELD = 7;
const GRAPH_OUTPUT_FIELD = 12;
const VALUE_INFO_NAME_FIELD = 1;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) { out.push((v % 0x80) | 0x80); v = Math.floor(v / 0x80); }
  out.push(v);
  return out;
}

/** Where a length-delimited field starts: its one-byte key and length varint sit before the payload. */
const fieldStart = (offset: number, length: number) => offset - 1 - varint(length).length;

export function withoutGraphOutputs(bytes: Uint8Array, drop: (name: string) => boolean): Uint8Array {
  let graph: { offset: number; length: number } | null = null;
  readFields(bytes, 0, bytes.length, (f) => { if (f.number === MODEL_GRAPH_FIELD && f.wireType === 2) graph = { offset: f.offset, length: f.length }; });
  if (!graph) throw new Error('no graph in this ONNX file');
  const { offset, length } = graph as { offset: number; length: number };
  const removed: [number, number][] = [];
  readFields(bytes, offset, offset + length, (f) => {
    if (f.number !== GRAPH_OUTPUT_FIELD || f.wireType !== 2) return;
    let name = '';
    const at = { offset: f.offset, length: f.length };
    readFields(bytes, at.offset, at.offset + at.length, (g) => {
      if (g.number === VALUE_INFO_NAME_FIELD) name = new TextDecoder().decode(bytes.subarray(g.offset, g.offset + g.length));
    });
    if (drop(name)) removed.push([fieldStart(at.offset, at.length), at.offset + at.length]);
  });
  const kept: Uint8Array[] = [];
  let cursor = offset;
  for (const [start, end] of removed) { kept.push(bytes.subarray(cursor, start)); cursor = end; }
  kept.push(bytes.subarray(cursor, offset + length));
  const graphLength = kept.reduce((n, part) => n + part.length, 0);
  const head = bytes.subarray(0, fieldStart(offset, length));
  const key = Uint8Array.from([(MODEL_GRAPH_FIELD << 3) | 2, ...varint(graphLength)]);
  const out = new Uint8Array(head.length + key.length + graphLength + (bytes.length - offset - length));
  let pos = 0;
  for (const part of [head, key, ...kept, bytes.subarray(offset + length)]) { out.set(part, pos); pos += part.length; }
  return out;
}
