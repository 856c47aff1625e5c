/**
 * Reads the values of one TensorProto, wherever the writer put them: `raw_data`, the typed
 * repeated fields (`float_data`, `int32_data`, `double_data`) or an external data file.
 * Floats come back as Float32Array (fp16 and bfloat16 widened), integers as Int32Array.
 *
 * NOTE: raw data is little-endian by the ONNX spec and is viewed as typed arrays directly,
 * which assumes a little-endian host (every browser platform in practice).
 */

import { fail, ok, type NumericChunks, type Result, type TensorRef } from './model';
import { readVarint, type ByteRange } from './protobuf';

/** Returns the bytes of a named external data file (TensorProto `location`), or undefined if it is unavailable. */
export type ExternalDataSource = (location: string) => Uint8Array | undefined;

/** Where to find weights that live outside the model file. */
export interface TensorReadOptions {
  externalData?: ExternalDataSource;
}

/** TensorProto.DataType values, by name, for the types the readers know. */
export const DataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  float16: 10,
  float64: 11,
  bfloat16: 16,
  uint4: 21,
  int4: 22,
} as const;

const DATA_TYPE_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

/** A readable name for a TensorProto data type, e.g. 10 → 'float16'. */
export function dataTypeName(dataType: number): string {
  return DATA_TYPE_NAMES[dataType] ?? `data type ${dataType}`;
}

/** Number of elements of a tensor with these dims (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** The tensor's raw little-endian bytes, from `raw_data` or its external file; null when it uses typed fields instead. */
function rawBytes(tensor: TensorRef, options: TensorReadOptions): Result<Uint8Array | null> {
  if (tensor.dataLocation === 1) {
    const location = tensor.externalData.location;
    if (!location) return fail(`tensor '${tensor.name}' is stored externally but names no file`);
    if (!options.externalData)
      return fail(
        `tensor '${tensor.name}' is stored in the external file '${location}', and no external data was provided`,
      );
    const file = options.externalData(location);
    if (!file)
      return fail(`tensor '${tensor.name}' is stored in the external file '${location}', which is not available`);
    const offset = Number(tensor.externalData.offset ?? 0);
    const length = tensor.externalData.length === undefined ? file.length - offset : Number(tensor.externalData.length);
    if (!(
      Number.isInteger(offset) &&
      Number.isInteger(length) &&
      offset >= 0 &&
      length >= 0 &&
      offset + length <= file.length
    )) {
      return fail(
        `tensor '${tensor.name}' points at bytes [${offset}, ${offset + length}) of '${location}', which has ${file.length} bytes`,
      );
    }
    return ok(file.subarray(offset, offset + length));
  }
  const raw = tensor.rawData;
  return ok(raw ? tensor.bytes.subarray(raw.offset, raw.offset + raw.length) : null);
}

/** Checks the raw byte count against dims × element width; 4-bit types pack two elements per byte. */
function checkRawLength(tensor: TensorRef, raw: Uint8Array, bitsPerElement: number): Result<number> {
  const count = elementCount(tensor.dims);
  const expected = Math.ceil((count * bitsPerElement) / 8);
  if (raw.length !== expected)
    return fail(
      `tensor '${tensor.name}' (${dataTypeName(tensor.dataType)} [${tensor.dims.join(', ')}]) has ${raw.length} bytes of data, expected ${expected}`,
    );
  return ok(count);
}

/** A copy of `raw` in a fresh, aligned buffer (one memcpy), so typed arrays can view it. */
function alignedCopy(raw: Uint8Array): ArrayBuffer {
  return raw.slice().buffer;
}

/** Decodes repeated fields: packed fixed-width runs (`width` 4 or 8 bytes) or packed varints (`width` 0). */
function chunkValues(tensor: TensorRef, chunks: NumericChunks, width: 0 | 4 | 8): number[] {
  const values: number[] = [];
  const view = new DataView(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength);
  for (const chunk of chunks) {
    if (typeof chunk === 'number') {
      values.push(chunk);
      continue;
    }
    const { offset, length } = chunk as ByteRange;
    if (width === 4) for (let p = offset; p < offset + length; p += 4) values.push(view.getFloat32(p, true));
    else if (width === 8) for (let p = offset; p < offset + length; p += 8) values.push(view.getFloat64(p, true));
    else
      for (let p = offset; p < offset + length;) {
        const [v, next] = readVarint(tensor.bytes, p, offset + length);
        values.push(v);
        p = next;
      }
  }
  return values;
}

let halfTable: Float32Array | null = null;

/** float16 bit pattern → value, for all 65,536 patterns (256 KB, built on first use). */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) halfTable[h] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) halfTable[h] = mantissa ? NaN : sign * Infinity;
    else halfTable[h] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return halfTable;
}

/** Widens 16-bit float patterns (float16 or bfloat16) to float32. */
function widen16(bits: ArrayLike<number>, dataType: number): Float32Array {
  if (dataType === DataType.bfloat16) {
    // bfloat16 is the top half of a float32: shift the pattern up and reinterpret.
    const words = new Uint32Array(bits.length);
    for (let i = 0; i < bits.length; i++) words[i] = (bits[i] & 0xffff) << 16;
    return new Float32Array(words.buffer);
  }
  const table = halfToFloatTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i] & 0xffff];
  return out;
}

/** float16 bit patterns (an fp16 model's logits, say) as float32, through the same table. */
export function float16ToFloat32(halves: Uint16Array): Float32Array {
  return widen16(halves, DataType.float16);
}

/**
 * The values of a float tensor (float32, float16, bfloat16, float64) as float32.
 * Fails with a reason for other types, missing external data, or a size mismatch.
 */
export function readFloatTensor(tensor: TensorRef, options: TensorReadOptions = {}): Result<Float32Array> {
  const raw = rawBytes(tensor, options);
  if (!raw.ok) return raw;
  const bytes = raw.value;
  const type = tensor.dataType;
  const count = elementCount(tensor.dims);
  const checked = (values: Float32Array): Result<Float32Array> =>
    values.length === count
      ? ok(values)
      : fail(
          `tensor '${tensor.name}' holds ${values.length} values, expected ${count} for dims [${tensor.dims.join(', ')}]`,
        );
  if (type === DataType.float32) {
    if (!bytes) return checked(Float32Array.from(chunkValues(tensor, tensor.floatData, 4)));
    const length = checkRawLength(tensor, bytes, 32);
    return length.ok ? ok(new Float32Array(alignedCopy(bytes))) : length;
  }
  if (type === DataType.float16 || type === DataType.bfloat16) {
    if (!bytes) return checked(widen16(chunkValues(tensor, tensor.int32Data, 0), type));
    const length = checkRawLength(tensor, bytes, 16);
    return length.ok ? ok(widen16(new Uint16Array(alignedCopy(bytes)), type)) : length;
  }
  if (type === DataType.float64) {
    if (!bytes) return checked(Float32Array.from(chunkValues(tensor, tensor.doubleData, 8)));
    const length = checkRawLength(tensor, bytes, 64);
    return length.ok ? ok(Float32Array.from(new Float64Array(alignedCopy(bytes)))) : length;
  }
  return fail(
    `tensor '${tensor.name}' has data type ${dataTypeName(type)}, not a float type this reader supports (float32, float16, bfloat16, float64)`,
  );
}

const INTEGER_BITS: Record<number, number> = {
  [DataType.uint8]: 8,
  [DataType.int8]: 8,
  [DataType.uint16]: 16,
  [DataType.int16]: 16,
  [DataType.int32]: 32,
  [DataType.uint4]: 4,
  [DataType.int4]: 4,
};

/** Unpacks 4-bit elements, low nibble first, sign-extending for int4. */
function unpackNibbles(bytes: Uint8Array, count: number, signed: boolean): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const nibble = (bytes[i >> 1] >> ((i & 1) * 4)) & 0xf;
    out[i] = signed && nibble > 7 ? nibble - 16 : nibble;
  }
  return out;
}

/**
 * The values of an integer tensor (int8, uint8, int16, uint16, int32, int4, uint4) as Int32Array.
 * Fails with a reason for other types, missing external data, or a size mismatch.
 */
export function readIntegerTensor(tensor: TensorRef, options: TensorReadOptions = {}): Result<Int32Array> {
  const type = tensor.dataType;
  const bits = INTEGER_BITS[type];
  if (!bits)
    return fail(
      `tensor '${tensor.name}' has data type ${dataTypeName(type)}, not an integer type this reader supports (int8, uint8, int16, uint16, int32, int4, uint4)`,
    );
  const raw = rawBytes(tensor, options);
  if (!raw.ok) return raw;
  const bytes = raw.value;
  const count = elementCount(tensor.dims);
  if (!bytes) {
    if (bits === 4)
      return fail(
        `tensor '${tensor.name}' stores ${dataTypeName(type)} in int32_data, which this reader does not support`,
      );
    const values = Int32Array.from(chunkValues(tensor, tensor.int32Data, 0));
    return values.length === count
      ? ok(values)
      : fail(`tensor '${tensor.name}' holds ${values.length} values, expected ${count}`);
  }
  const length = checkRawLength(tensor, bytes, bits);
  if (!length.ok) return length;
  if (bits === 4) return ok(unpackNibbles(bytes, count, type === DataType.int4));
  const buffer = alignedCopy(bytes);
  const view =
    type === DataType.uint8
      ? new Uint8Array(buffer)
      : type === DataType.int8
        ? new Int8Array(buffer)
        : type === DataType.uint16
          ? new Uint16Array(buffer)
          : type === DataType.int16
            ? new Int16Array(buffer)
            : new Int32Array(buffer);
  return ok(view instanceof Int32Array ? view : Int32Array.from(view));
}

/** Whether a data type is read by `readFloatTensor`. */
export function isFloatType(dataType: number): boolean {
  return (
    dataType === DataType.float32 ||
    dataType === DataType.float16 ||
    dataType === DataType.bfloat16 ||
    dataType === DataType.float64
  );
}

/** The raw bytes of a uint8 tensor without widening (MatMulNBits packs 4-bit weights into these). */
export function readUint8Tensor(tensor: TensorRef, options: TensorReadOptions = {}): Result<Uint8Array> {
  if (tensor.dataType !== DataType.uint8)
    return fail(`tensor '${tensor.name}' has data type ${dataTypeName(tensor.dataType)}, expected uint8`);
  const raw = rawBytes(tensor, options);
  if (!raw.ok) return raw;
  if (!raw.value) return ok(Uint8Array.from(chunkValues(tensor, tensor.int32Data, 0)));
  const length = checkRawLength(tensor, raw.value, 8);
  return length.ok ? ok(raw.value) : length;
}
