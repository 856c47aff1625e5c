/**
 * Reading logits off a model's output tensor: float16 outputs (Uint16Array bit patterns, as
 * onnxruntime-node returns them) widen to the same float32 values as the ONNX file reader's
 * own float16 decoding (core/onnx/tensorData.ts), for every one of the 65,536 patterns.
 */
import { Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { readFloatTensor } from '../core/onnx/tensorData';
import { logitsAsFloat32 } from './inference';

describe('logitsAsFloat32', () => {
  it('widens every float16 pattern as the ONNX reader does, and passes float32 through uncopied', async () => {
    const halves = Uint16Array.from({ length: 65536 }, (_, i) => (i * 40503) & 0xffff); // every pattern, shuffled
    const widened = await logitsAsFloat32(new Tensor('float16', halves, [1, 256, 256]));
    const bytes = new Uint8Array(halves.buffer);
    const expected = readFloatTensor({
      name: 'logits',
      dims: [65536],
      dataType: 10,
      rawData: { offset: 0, length: bytes.length },
      floatData: [],
      int32Data: [],
      doubleData: [],
      externalData: {},
      dataLocation: 0,
      bytes,
    });
    if (!expected.ok) throw new Error(expected.reason);
    expect(widened).toBeInstanceOf(Float32Array);
    expect(widened.length).toBe(65536);
    for (let i = 0; i < 65536; i++)
      if (!Object.is(widened[i], expected.value[i])) expect([i, widened[i]]).toEqual([i, expected.value[i]]);
    const float32 = new Float32Array([1.5, -Infinity, 0]);
    expect(await logitsAsFloat32(new Tensor('float32', float32, [1, 1, 3]))).toBe(float32);
  });
});
