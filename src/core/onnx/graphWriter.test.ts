/**
 * The ONNX writer against ONNX Runtime (onnxruntime-node): a generated graph with every
 * attribute kind and element type the writer supports loads and computes what plain loops do,
 * and the project's own reader finds its nodes and initializers.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { writeOnnxModel } from './graphWriter';
import { parseOnnxModel } from './model';
import { varint } from './protobufWriter';

const graph = () =>
  writeOnnxModel({
    name: 'writer_check',
    inputs: [
      { name: 'x', type: 'float', shape: ['n', 3] },
      { name: 'index', type: 'int64', shape: ['n', 1] },
    ],
    outputs: [
      { name: 'log_probs', type: 'float', shape: ['n', 2] },
      { name: 'picked', type: 'float', shape: ['n', 1] },
      { name: 'above', type: 'float', shape: ['n'] },
    ],
    initializers: [
      { name: 'w', dims: [2, 3], values: Float32Array.from([1, 2, 3, -4, 5, 0.5]) },
      { name: 'axes', dims: [1], values: BigInt64Array.from([-1n]) },
    ],
    nodes: [
      { op: 'Gemm', inputs: ['x', 'w'], outputs: ['y0'], attributes: { transB: 1, alpha: { float: 0.5 } } },
      { op: 'LogSoftmax', inputs: ['y0'], outputs: ['log_probs'], attributes: { axis: -1 } },
      { op: 'GatherElements', inputs: ['y0', 'index'], outputs: ['picked'], attributes: { axis: 1 } },
      { op: 'Greater', inputs: ['y0', 'picked'], outputs: ['greater'] },
      { op: 'Cast', inputs: ['greater'], outputs: ['greater_f'], attributes: { to: 1 } },
      { op: 'ReduceSum', inputs: ['greater_f', 'axes'], outputs: ['above'], attributes: { keepdims: 0 } },
    ],
  });

describe('writeOnnxModel', () => {
  it('writes a graph ONNX Runtime runs to the results of plain loops', async () => {
    const session = await ort.InferenceSession.create(graph());
    const x = [
      [1, -2, 0.25],
      [0, 3, -1],
    ];
    const index = [1, 0];
    const out = await session.run({
      x: new ort.Tensor('float32', Float32Array.from(x.flat()), [2, 3]),
      index: new ort.Tensor('int64', BigInt64Array.from(index, BigInt), [2, 1]),
    });
    const w = [
      [1, 2, 3],
      [-4, 5, 0.5],
    ];
    x.forEach((row, r) => {
      const y = w.map((key) => 0.5 * key.reduce((s, v, i) => s + v * row[i], 0));
      const logSum = Math.log(y.reduce((s, v) => s + Math.exp(v), 0));
      y.forEach((v, c) => expect((out.log_probs.data as Float32Array)[r * 2 + c]).toBeCloseTo(v - logSum, 5));
      expect((out.picked.data as Float32Array)[r]).toBeCloseTo(y[index[r]], 5);
      expect((out.above.data as Float32Array)[r]).toBe(y.filter((v) => v > y[index[r]]).length);
    });
  });

  it("is read back by the project's ONNX reader", () => {
    const parsed = parseOnnxModel(graph());
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.value.graph.nodes.map((n) => n.opType)).toEqual([
      'Gemm',
      'LogSoftmax',
      'GatherElements',
      'Greater',
      'Cast',
      'ReduceSum',
    ]);
    expect([...parsed.value.graph.initializers.keys()].sort()).toEqual(['axes', 'w']);
  });

  it('writes negative integers as 10-byte int64 varints', () => {
    expect(varint(-1)).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
    expect(varint(300)).toEqual([0xac, 0x02]);
  });
});
