/**
 * A minimal protobuf wire-format reader: just enough to walk ONNX files without a schema
 * library. It never copies payloads: a length-delimited field is reported as a byte range
 * into the caller's buffer, so multi-gigabyte weights stay where they are.
 *
 * Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. Groups (3, 4) are
 * deprecated and never written by ONNX exporters; meeting one is reported as malformed.
 */
import { lenientUtf8Decoder } from '../tokenization/utf8Decoders';

/** A half-open range of bytes in the file buffer. */
export interface ByteRange {
  /** Offset of the first byte, in bytes from the start of the buffer. */
  offset: number;
  /** Length in bytes. */
  length: number;
}

/** Thrown for truncated or malformed protobuf data; callers turn it into a result. */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

/** One field as the reader meets it. The object is reused between callbacks: copy what you keep. */
export interface WireField {
  /** Field number from the .proto schema. */
  number: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wireType: number;
  /** The decoded value of a varint field (int64 two's complement, so -1 reads as -1). */
  varint: number;
  /** Where the payload starts: the bytes of a length-delimited field, or the 4/8 fixed bytes. */
  offset: number;
  /** Payload length in bytes (0 for varints). */
  length: number;
}

const TWO_POW_32 = 4294967296;

/**
 * Reads a base-128 varint at `pos`; returns the value and the position after it. Values are
 * read as 64-bit two's complement, so negative int32/int64 fields (written as 10 bytes)
 * come back negative. Magnitudes above 2^53 lose precision, which no ONNX field we read
 * can reach.
 */
export function readVarint(bytes: Uint8Array, pos: number, end: number): [value: number, next: number] {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  // The low 28 bits fit in the first 4 bytes; byte 5 straddles the 32-bit boundary.
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new ProtobufError(`truncated varint at byte ${pos}`);
    const b = bytes[pos++];
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >>> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    shift += 7;
    if ((b & 0x80) === 0) {
      lo >>>= 0;
      hi >>>= 0;
      if (hi & 0x80000000) return [-((~hi >>> 0) * TWO_POW_32 + (~lo >>> 0) + 1), pos];
      return [hi * TWO_POW_32 + lo, pos];
    }
  }
  throw new ProtobufError(`varint longer than 10 bytes at byte ${pos}`);
}

/**
 * Calls `visit` for every field of the message in `bytes[start, end)`, in file order.
 * Nested messages are not entered: the visitor decides which ranges to walk.
 */
export function readFields(bytes: Uint8Array, start: number, end: number, visit: (field: WireField) => void): void {
  if (start < 0 || end > bytes.length || start > end)
    throw new ProtobufError(`message range [${start}, ${end}) is outside the buffer`);
  const field: WireField = { number: 0, wireType: 0, varint: 0, offset: 0, length: 0 };
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = readVarint(bytes, pos, end);
    pos = afterKey;
    field.number = Math.floor(key / 8);
    field.wireType = key & 7;
    field.varint = 0;
    field.offset = pos;
    switch (field.wireType) {
      case 0: {
        const [value, next] = readVarint(bytes, pos, end);
        field.varint = value;
        field.length = 0;
        pos = next;
        break;
      }
      case 1:
        field.length = 8;
        pos += 8;
        break;
      case 2: {
        const [length, next] = readVarint(bytes, pos, end);
        field.offset = next;
        field.length = length;
        pos = next + length;
        break;
      }
      case 5:
        field.length = 4;
        pos += 4;
        break;
      default:
        throw new ProtobufError(`unsupported wire type ${field.wireType} (field ${field.number}) at byte ${afterKey}`);
    }
    if (pos > end || field.number === 0)
      throw new ProtobufError(`truncated or malformed field ${field.number} at byte ${afterKey}`);
    visit(field);
  }
}

/** The UTF-8 string in a length-delimited field (a leading U+FEFF kept: names must match the writer's). */
export function readString(bytes: Uint8Array, field: WireField): string {
  return lenientUtf8Decoder.decode(bytes.subarray(field.offset, field.offset + field.length));
}

/**
 * Appends the values of a repeated integer field (`repeated int64 dims`, `int32_data`, ...)
 * to `out`, whether the writer packed them (wire type 2) or not (wire type 0).
 */
export function readRepeatedVarints(bytes: Uint8Array, field: WireField, out: number[]): void {
  if (field.wireType === 0) {
    out.push(field.varint);
    return;
  }
  const end = field.offset + field.length;
  let pos = field.offset;
  while (pos < end) {
    const [value, next] = readVarint(bytes, pos, end);
    out.push(value);
    pos = next;
  }
}

/** A little-endian float32 at a byte offset (for fixed32 fields such as `AttributeProto.f`). */
export function readFloat32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getFloat32(0, true);
}
