/**
 * The writing half of the protobuf wire format, as much as ONNX needs: varints (int64 two's
 * complement for negatives), length-delimited fields, fixed32 floats. Used to splice outputs
 * into a model (graphOutputs.ts) and to write small generated graphs (graphWriter.ts).
 */

/** A base-128 varint; negative integers as 10-byte int64 two's complement, as protobuf writes them. */
export function varint(value: number): number[] {
  if (!Number.isSafeInteger(value)) throw new RangeError(`varint needs a safe integer, got ${value}`);
  if (value < 0) {
    let big = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (big >= 0x80n) {
      out.push(Number(big & 0x7fn) | 0x80);
      big >>= 7n;
    }
    out.push(Number(big));
    return out;
  }
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

const key = (field: number, wireType: number) => varint(field * 8 + wireType);

/** A length-delimited field (wire type 2): key, length, payload. */
export function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  const head = [...key(field, 2), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

/** A varint field (wire type 0). */
export function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...key(field, 0), ...varint(value)]);
}

/** A string field (UTF-8, wire type 2). */
export function stringField(field: number, text: string): Uint8Array {
  return lengthDelimited(field, new TextEncoder().encode(text));
}

/** A float field (fixed32, wire type 5). */
export function float32Field(field: number, value: number): Uint8Array {
  const out = new Uint8Array([...key(field, 5), 0, 0, 0, 0]);
  new DataView(out.buffer).setFloat32(out.length - 4, value, true);
  return out;
}
