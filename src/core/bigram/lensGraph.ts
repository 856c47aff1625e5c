/**
 * The logit-lens statistics of many (position, layer) pairs as one small ONNX graph, so the
 * layer view's heavy part — two [rows × d] · [d × V] products and reductions over the whole
 * vocabulary per row — runs as batched matrix work in ONNX Runtime instead of JavaScript loops.
 *
 * Per position p and layer ℓ (rows ordered position-major, K = L + 1 layers per position):
 * - `klNats[p, ℓ]` = KL(final ‖ lens) = Σ_t p_final(t) · (log p_final(t) − log p_lens(t)),
 *   lens = softmax(U · FinalNorm(h) + b), the final norm applied by the caller (`normed`);
 * - `lensNextLogProb[p, ℓ]` = log p_lens(next token), `finalNextLogProb[p]` = log p_final(next);
 * - `embeddingAbove[p, ℓ]` = how many tokens score strictly above the current token under
 *   W_E · h (the raw state), so its rank is that + 1 (ties share the best rank).
 * All in float32; layers.ts keeps the float64 JavaScript reference these are tested against.
 */
import type { GraphSpec, InitializerSpec, NodeSpec } from '../onnx/graphWriter';
import type { Matrix } from './layers';

export interface LensGraphWeights {
  /** [V × d] keys (the unembedding). */
  unembedding: Matrix;
  unembeddingBias: Float32Array | null;
  /** [V × d] input embedding; the same object as `unembedding` when tied (written once). */
  inputEmbedding: Matrix;
  /** K = L + 1 hidden states per position. */
  layersPerPosition: number;
}

/** Names of the graph's inputs and outputs (shapes in the module comment; P positions vary per run). */
export const LENS_GRAPH = {
  normed: 'normed', // float [P·K, d]: FinalNorm(h) per row
  raw: 'raw', // float [P·K, d]: h per row
  finalLogits: 'final_logits', // float [P, 1, V]
  nextIds: 'next_ids', // int64 [P, K, 1] (any valid id where there is no next token)
  finalNextIds: 'final_next_ids', // int64 [P, 1, 1]
  currentIds: 'current_ids', // int64 [P, K, 1]
  klNats: 'kl_nats', // float [P, K]
  lensNextLogProb: 'lens_next_log_prob', // float [P, K, 1]
  finalNextLogProb: 'final_next_log_prob', // float [P, 1, 1]
  embeddingAbove: 'embedding_above', // float [P, K]
} as const;

export function lensGraphSpec(weights: LensGraphWeights): GraphSpec {
  const { unembedding, unembeddingBias, inputEmbedding, layersPerPosition: K } = weights;
  const V = unembedding.rows;
  const d = unembedding.cols;
  if (inputEmbedding.rows !== V || inputEmbedding.cols !== d)
    throw new RangeError(`input embedding is ${inputEmbedding.rows} × ${inputEmbedding.cols}, keys are ${V} × ${d}`);
  const tied = inputEmbedding === unembedding;
  const initializers: InitializerSpec[] = [
    { name: 'unembedding', dims: [V, d], values: unembedding.values },
    { name: 'rows_to_positions', dims: [3], values: BigInt64Array.from([-1n, BigInt(K), BigInt(V)]) },
    { name: 'last_axis', dims: [1], values: BigInt64Array.from([-1n]) },
  ];
  if (unembeddingBias) initializers.push({ name: 'bias', dims: [V], values: unembeddingBias });
  if (!tied) initializers.push({ name: 'input_embedding', dims: [V, d], values: inputEmbedding.values });
  const g = LENS_GRAPH;
  const sumLast: NodeSpec['attributes'] = { keepdims: 0 };
  const nodes: NodeSpec[] = [
    {
      op: 'Gemm',
      inputs: [g.normed, 'unembedding', ...(unembeddingBias ? ['bias'] : [])],
      outputs: ['lens_rows'],
      attributes: { transB: 1 },
    },
    { op: 'Reshape', inputs: ['lens_rows', 'rows_to_positions'], outputs: ['lens_logits'] },
    { op: 'LogSoftmax', inputs: ['lens_logits'], outputs: ['lens_log_probs'], attributes: { axis: -1 } },
    { op: 'LogSoftmax', inputs: [g.finalLogits], outputs: ['final_log_probs'], attributes: { axis: -1 } },
    { op: 'Exp', inputs: ['final_log_probs'], outputs: ['final_probs'] },
    { op: 'Sub', inputs: ['final_log_probs', 'lens_log_probs'], outputs: ['log_ratio'] },
    { op: 'Mul', inputs: ['final_probs', 'log_ratio'], outputs: ['kl_terms'] },
    { op: 'ReduceSum', inputs: ['kl_terms', 'last_axis'], outputs: [g.klNats], attributes: sumLast },
    {
      op: 'GatherElements',
      inputs: ['lens_log_probs', g.nextIds],
      outputs: [g.lensNextLogProb],
      attributes: { axis: 2 },
    },
    {
      op: 'GatherElements',
      inputs: ['final_log_probs', g.finalNextIds],
      outputs: [g.finalNextLogProb],
      attributes: { axis: 2 },
    },
    {
      op: 'Gemm',
      inputs: [g.raw, tied ? 'unembedding' : 'input_embedding'],
      outputs: ['embedding_rows'],
      attributes: { transB: 1 },
    },
    { op: 'Reshape', inputs: ['embedding_rows', 'rows_to_positions'], outputs: ['embedding_scores'] },
    {
      op: 'GatherElements',
      inputs: ['embedding_scores', g.currentIds],
      outputs: ['current_score'],
      attributes: { axis: 2 },
    },
    { op: 'Greater', inputs: ['embedding_scores', 'current_score'], outputs: ['above'] },
    { op: 'Cast', inputs: ['above'], outputs: ['above_count'], attributes: { to: 1 } },
    { op: 'ReduceSum', inputs: ['above_count', 'last_axis'], outputs: [g.embeddingAbove], attributes: sumLast },
  ];
  const rows = 'rows';
  const positions = 'positions';
  return {
    name: 'tokenscope_lens_statistics',
    inputs: [
      { name: g.normed, type: 'float', shape: [rows, d] },
      { name: g.raw, type: 'float', shape: [rows, d] },
      { name: g.finalLogits, type: 'float', shape: [positions, 1, V] },
      { name: g.nextIds, type: 'int64', shape: [positions, K, 1] },
      { name: g.finalNextIds, type: 'int64', shape: [positions, 1, 1] },
      { name: g.currentIds, type: 'int64', shape: [positions, K, 1] },
    ],
    outputs: [
      { name: g.klNats, type: 'float', shape: [positions, K] },
      { name: g.lensNextLogProb, type: 'float', shape: [positions, K, 1] },
      { name: g.finalNextLogProb, type: 'float', shape: [positions, 1, 1] },
      { name: g.embeddingAbove, type: 'float', shape: [positions, K] },
    ],
    nodes,
    initializers,
  };
}
