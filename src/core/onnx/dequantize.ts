/**
 * Dequantization maths for the two weight encodings that hub ONNX exports use:
 * ONNX `DequantizeLinear` (per tensor, per axis, or blocked as in opset 21) and
 * `com.microsoft` `MatMulNBits` (block-quantized 2/4/8-bit weights). Arrays in, Float32Array out.
 *
 * Both compute (q − zero_point) · scale with the integer difference taken first, exactly
 * as ONNX Runtime's CPU kernels do, so results match ORT bit for bit in float32.
 */

import { fail, ok, type Result } from './model';
import { elementCount } from './tensorData';

/** The inputs of one DequantizeLinear node, already read from the file. */
export interface DequantizeLinearInput {
  /** Quantized values, row-major, shaped `dims`. */
  quantized: Int32Array;
  dims: number[];
  scale: Float32Array;
  scaleDims: number[];
  /** Same shape as `scale`; null means zero. */
  zeroPoint: Int32Array | null;
  /** The `axis` attribute (default 1; negative counts from the end). */
  axis: number;
  /** The `block_size` attribute (opset 21); 0 for per-tensor or per-axis. */
  blockSize: number;
}

/**
 * y = (q − zero_point) · scale, broadcasting scale and zero point per tensor (one value),
 * per axis (a 1-D tensor as long as `dims[axis]`) or per block along `axis`.
 *
 * @example
 * dequantizeLinear({ quantized: Int32Array.of(-2, 4), dims: [2], scale: Float32Array.of(0.5),
 *   scaleDims: [], zeroPoint: null, axis: 1, blockSize: 0 }); // ok([-1, 2])
 */
export function dequantizeLinear(input: DequantizeLinearInput): Result<Float32Array> {
  const { quantized, dims, scale, scaleDims, zeroPoint, blockSize } = input;
  if (zeroPoint && zeroPoint.length !== scale.length)
    return fail(`DequantizeLinear zero point has ${zeroPoint.length} values but scale has ${scale.length}`);
  const out = new Float32Array(quantized.length);
  if (scale.length === 1 && blockSize === 0) {
    const s = scale[0];
    const z = zeroPoint ? zeroPoint[0] : 0;
    for (let i = 0; i < out.length; i++) out[i] = (quantized[i] - z) * s;
    return ok(out);
  }
  const rank = dims.length;
  const axis = input.axis < 0 ? input.axis + rank : input.axis;
  if (!(axis >= 0 && axis < rank)) return fail(`DequantizeLinear axis ${input.axis} is outside a rank-${rank} tensor`);
  const outer = elementCount(dims.slice(0, axis));
  const length = dims[axis];
  const inner = elementCount(dims.slice(axis + 1));
  if (blockSize === 0) {
    if (scale.length !== length)
      return fail(
        `DequantizeLinear per-axis scale has ${scale.length} values, expected ${length} (dimension ${axis} of [${dims.join(', ')}])`,
      );
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < length; c++) {
        const s = scale[c];
        const z = zeroPoint ? zeroPoint[c] : 0;
        for (let j = 0; j < inner; j++, i++) out[i] = (quantized[i] - z) * s;
      }
    }
    return ok(out);
  }
  const blocks = Math.ceil(length / blockSize);
  const expectedDims = dims.map((d, a) => (a === axis ? blocks : d));
  if (scaleDims.join(',') !== expectedDims.join(','))
    return fail(
      `DequantizeLinear blocked scale has shape [${scaleDims.join(', ')}], expected [${expectedDims.join(', ')}]`,
    );
  for (let o = 0, i = 0; o < outer; o++) {
    for (let c = 0; c < length; c++) {
      const base = (o * blocks + Math.floor(c / blockSize)) * inner;
      for (let j = 0; j < inner; j++, i++)
        out[i] = (quantized[i] - (zeroPoint ? zeroPoint[base + j] : 0)) * scale[base + j];
    }
  }
  return ok(out);
}

/** The weight inputs and attributes of one MatMulNBits node, already read from the file. */
export interface MatMulNBitsInput {
  /** Input B: uint8, [N, ceil(K / blockSize), blockSize · bits / 8] bytes, elements packed low bits first. */
  packed: Uint8Array;
  /** Attribute N: output features (rows of the dequantized weight). */
  n: number;
  /** Attribute K: input features (columns of the dequantized weight). */
  k: number;
  bits: number;
  blockSize: number;
  /** One scale per (row, block): N · ceil(K / blockSize) values. */
  scales: Float32Array;
  /**
   * Optional zero points: packed like the weights (uint8, `bits` per block, each row padded
   * to whole bytes), or one float per (row, block). Null means the midpoint 2^(bits−1).
   */
  zeroPoints: Uint8Array | Float32Array | null;
}

/**
 * Dequantizes MatMulNBits' B to a row-major [N, K] float matrix (the transpose of the
 * [K, N] matrix the node multiplies by): w[n, k] = (q − zero_point) · scale of block k / blockSize.
 */
export function dequantizeMatMulNBits(input: MatMulNBitsInput): Result<Float32Array> {
  const { packed, n, k, bits, blockSize, scales, zeroPoints } = input;
  if (bits !== 2 && bits !== 4 && bits !== 8) return fail(`MatMulNBits with bits=${bits} is not supported (2, 4 or 8)`);
  if (!(blockSize >= 16 && (blockSize & (blockSize - 1)) === 0))
    return fail(`MatMulNBits block_size ${blockSize} is not a power of two >= 16`);
  const blocks = Math.ceil(k / blockSize);
  const blobBytes = (blockSize * bits) / 8;
  if (packed.length !== n * blocks * blobBytes)
    return fail(
      `MatMulNBits weight has ${packed.length} bytes, expected ${n * blocks * blobBytes} for N=${n}, K=${k}, block ${blockSize}, ${bits} bits`,
    );
  if (scales.length !== n * blocks) return fail(`MatMulNBits has ${scales.length} scales, expected ${n * blocks}`);
  const zeroPointRowBytes = Math.ceil((blocks * bits) / 8);
  if (zeroPoints instanceof Uint8Array && zeroPoints.length !== n * zeroPointRowBytes)
    return fail(`MatMulNBits has ${zeroPoints.length} packed zero-point bytes, expected ${n * zeroPointRowBytes}`);
  if (zeroPoints instanceof Float32Array && zeroPoints.length !== n * blocks)
    return fail(`MatMulNBits has ${zeroPoints.length} float zero points, expected ${n * blocks}`);
  const mask = (1 << bits) - 1;
  const perByte = 8 / bits;
  const midpoint = 1 << (bits - 1);
  const out = new Float32Array(n * k);
  for (let row = 0; row < n; row++) {
    for (let block = 0; block < blocks; block++) {
      const scaleIndex = row * blocks + block;
      const scale = scales[scaleIndex];
      let zero = midpoint;
      if (zeroPoints instanceof Float32Array) zero = zeroPoints[scaleIndex];
      else if (zeroPoints) {
        const byte = zeroPoints[row * zeroPointRowBytes + Math.floor(block / perByte)];
        zero = (byte >> ((block % perByte) * bits)) & mask;
      }
      const blob = scaleIndex * blobBytes;
      const first = block * blockSize;
      const last = Math.min(first + blockSize, k);
      for (let col = first; col < last; col++) {
        const t = col - first;
        const q = (packed[blob + Math.floor(t / perByte)] >> ((t % perByte) * bits)) & mask;
        out[row * k + col] = (q - zero) * scale;
      }
    }
  }
  return ok(out);
}
