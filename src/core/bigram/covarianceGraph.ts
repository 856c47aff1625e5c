/**
 * The layer × layer covariance similarity (layers.ts `covarianceSimilarity`) as one small
 * ONNX graph: per layer the positions' states are centred (and, standardised, divided by each
 * dimension's standard deviation; constant dimensions become 0), Σ_ℓ = X̃ᵀX̃ is one batched
 * MatMul, and the Frobenius inner products of every pair of layers one Gemm. The 1/n of Σ
 * cancels in the similarity, so it is left out. Float32; layers.ts is the float64 reference.
 */
import type { GraphSpec, NodeSpec } from '../onnx/graphWriter';

export const COVARIANCE_GRAPH = {
  states: 'states', // float [K, n, d]: hidden state ℓ of every position
  gram: 'gram', // float [K, K]: ⟨Σ_i, Σ_j⟩_F
  gramStandardised: 'gram_standardised', // the same with each dimension standardised
} as const;

export function covarianceGraphSpec(layerCount: number, hiddenSize: number): GraphSpec {
  const g = COVARIANCE_GRAPH;
  const K = layerCount;
  const d = hiddenSize;
  return {
    name: 'tokenscope_covariance_similarity',
    inputs: [{ name: g.states, type: 'float', shape: [K, 'positions', d] }],
    outputs: [
      { name: g.gram, type: 'float', shape: [K, K] },
      { name: g.gramStandardised, type: 'float', shape: [K, K] },
    ],
    initializers: [
      { name: 'layers_flat', dims: [2], values: BigInt64Array.from([BigInt(K), -1n]) },
      { name: 'zero', dims: [], values: Float32Array.from([0]) },
    ],
    nodes: [
      { op: 'ReduceMean', inputs: [g.states], outputs: ['mean'], attributes: { axes: { ints: [1] }, keepdims: 1 } },
      { op: 'Sub', inputs: [g.states, 'mean'], outputs: ['centred'] },
      { op: 'Mul', inputs: ['centred', 'centred'], outputs: ['squares'] },
      {
        op: 'ReduceMean',
        inputs: ['squares'],
        outputs: ['variance'],
        attributes: { axes: { ints: [1] }, keepdims: 1 },
      },
      { op: 'Sqrt', inputs: ['variance'], outputs: ['sd'] },
      { op: 'Div', inputs: ['centred', 'sd'], outputs: ['scaled'] },
      { op: 'Greater', inputs: ['sd', 'zero'], outputs: ['varies'] },
      { op: 'Where', inputs: ['varies', 'scaled', 'zero'], outputs: ['standardised'] },
      ...(['centred', 'standardised'] as const).flatMap((x): NodeSpec[] => [
        { op: 'Transpose', inputs: [x], outputs: [`${x}_t`], attributes: { perm: { ints: [0, 2, 1] } } },
        { op: 'MatMul', inputs: [`${x}_t`, x], outputs: [`${x}_cov`] },
        { op: 'Reshape', inputs: [`${x}_cov`, 'layers_flat'], outputs: [`${x}_flat`] },
        {
          op: 'Gemm',
          inputs: [`${x}_flat`, `${x}_flat`],
          outputs: [x === 'centred' ? g.gram : g.gramStandardised],
          attributes: { transB: 1 },
        },
      ]),
    ],
  };
}

/** sim(i, j) = gram[i, j] / √(gram[i, i] · gram[j, j]); NaN where a layer has no variance (as layers.ts). */
export function similarityFromGram(gram: ArrayLike<number>, layerCount: number): Float64Array {
  const K = layerCount;
  const out = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const norms = Math.sqrt(gram[i * K + i]) * Math.sqrt(gram[j * K + j]);
      out[i * K + j] = norms > 0 ? gram[i * K + j] / norms : NaN;
    }
  }
  return out;
}
