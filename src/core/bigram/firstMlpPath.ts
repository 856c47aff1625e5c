/**
 * The "first-MLP-only" path (docs/PAPERS.md section 2, approximation 3): from a token's embedding
 * through the first block with its attention restricted to the token itself, straight to the
 * final norm and the unembedding, skipping every later block. For GPT-2-style blocks
 * (pre-LayerNorm, learned positions, GELU):
 *   x = E[w] + P[pos];  a = x + Proj(V(LN1(x)));  h = a + MLP(LN2(a));  logits = U · LN_f(h).
 * For Llama-style blocks (pre-RMSNorm, rotary positions, SwiGLU, grouped-query attention):
 *   x = E[w];  a = x + O(V(RMS1(x)) repeated per query head);  h = a + Down(silu(Gate(RMS2(a))) ⊙ Up(RMS2(a))).
 * With one key the attention weight is 1 and rotary positions leave values alone, so the
 * Llama path does not depend on the position.
 * An approximation of the paper's trained bigram subnetwork, not the subnetwork itself.
 */
import { layerNorm, logitLens, type LayerNormParams, type Matrix } from './layers';

export type FirstBlockWeights = Gpt2FirstBlock | LlamaFirstBlock;

export interface Gpt2FirstBlock {
  kind: 'gpt2';
  /** Position embeddings [n_positions × d]. */
  positions: Matrix;
  ln1: LayerNormParams;
  /** c_attn as [d × 3d] (input × output); the value projection is the last d columns. */
  attn: Matrix;
  attnBias: Float32Array;
  /** c_proj [d × d] (input × output). */
  proj: Matrix;
  projBias: Float32Array;
  ln2: LayerNormParams;
  /** c_fc [d × 4d] and c_mlp_proj [4d × d], input × output. */
  fc: Matrix;
  fcBias: Float32Array;
  mlpProj: Matrix;
  mlpProjBias: Float32Array;
}

export interface LlamaFirstBlock {
  kind: 'llama';
  /** input_layernorm and post_attention_layernorm (RMSNorms). */
  ln1: LayerNormParams;
  ln2: LayerNormParams;
  /** v_proj [d × kvHeads·headDim] and o_proj [heads·headDim × d], input × output, no biases. */
  v: Matrix;
  /** v_proj's bias (Qwen2 has attention biases), or null. */
  vBias: Float32Array | null;
  o: Matrix;
  /** Width of one attention head; o_proj.rows / v_proj.cols query heads share each key/value head. */
  headDim: number;
  /** gate_proj and up_proj [d × m], down_proj [m × d]. */
  gate: Matrix;
  up: Matrix;
  down: Matrix;
}

/** y = x · W[:, from .. from + width) + b[from ..], W stored [in × out] row-major. */
function linear(
  x: ArrayLike<number>,
  weight: Matrix,
  bias: Float32Array,
  from = 0,
  width = weight.cols - from,
): Float64Array {
  const out = new Float64Array(width);
  for (let j = 0; j < width; j++) out[j] = bias[from + j];
  for (let i = 0; i < weight.rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const base = i * weight.cols + from;
    for (let j = 0; j < width; j++) out[j] += xi * weight.values[base + j];
  }
  return out;
}

/** erf to ~1.5e-7 (Abramowitz & Stegun 7.1.26), for PyTorch's exact GELU. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}

const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

const silu = (x: number) => x / (1 + Math.exp(-x));

/** The residual stream after the first block for token `tokenId` at `position`, attending only to itself. */
export function firstBlockSelfOnly(
  tokenId: number,
  position: number,
  inputEmbedding: Matrix,
  block: FirstBlockWeights,
): Float64Array {
  if (tokenId < 0 || tokenId >= inputEmbedding.rows)
    throw new RangeError(`token ${tokenId} is outside the embedding (0..${inputEmbedding.rows - 1})`);
  return block.kind === 'llama'
    ? llamaFirstBlock(tokenId, inputEmbedding, block)
    : gpt2FirstBlock(tokenId, position, inputEmbedding, block);
}

/** Grouped-query attention: query head h reads key/value head ⌊h / group⌋, so each value head is repeated `group` times. */
function repeatKvHeads(kvValues: Float64Array, headDim: number, group: number): Float64Array {
  const kvHeads = kvValues.length / headDim;
  const out = new Float64Array(kvValues.length * group);
  for (let h = 0; h < kvHeads * group; h++)
    out.set(kvValues.subarray(Math.floor(h / group) * headDim, (Math.floor(h / group) + 1) * headDim), h * headDim);
  return out;
}

function llamaFirstBlock(tokenId: number, inputEmbedding: Matrix, block: LlamaFirstBlock): Float64Array {
  const d = inputEmbedding.cols;
  const x = Float64Array.from(inputEmbedding.values.subarray(tokenId * d, (tokenId + 1) * d));
  const kvValues = linear(layerNorm(x, block.ln1), block.v, block.vBias ?? new Float32Array(block.v.cols));
  const repeated = repeatKvHeads(kvValues, block.headDim, block.o.rows / block.v.cols);
  const attended = linear(repeated, block.o, new Float32Array(d));
  for (let i = 0; i < d; i++) x[i] += attended[i];
  const normed = layerNorm(x, block.ln2);
  const gate = linear(normed, block.gate, new Float32Array(block.gate.cols));
  const up = linear(normed, block.up, new Float32Array(block.up.cols));
  for (let j = 0; j < gate.length; j++) gate[j] = silu(gate[j]) * up[j];
  const mlp = linear(gate, block.down, new Float32Array(d));
  for (let i = 0; i < d; i++) x[i] += mlp[i];
  return x;
}

function gpt2FirstBlock(
  tokenId: number,
  position: number,
  inputEmbedding: Matrix,
  block: Gpt2FirstBlock,
): Float64Array {
  const d = inputEmbedding.cols;
  if (position < 0 || position >= block.positions.rows)
    throw new RangeError(`position ${position} is outside 0..${block.positions.rows - 1}`);
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) x[i] = inputEmbedding.values[tokenId * d + i] + block.positions.values[position * d + i];
  // One key: softmax over itself is 1, so attention returns the token's own value vector.
  const value = linear(layerNorm(x, block.ln1), block.attn, block.attnBias, 2 * d, d);
  const attended = linear(value, block.proj, block.projBias);
  for (let i = 0; i < d; i++) x[i] += attended[i];
  const hidden = linear(layerNorm(x, block.ln2), block.fc, block.fcBias);
  for (let j = 0; j < hidden.length; j++) hidden[j] = gelu(hidden[j]);
  const mlp = linear(hidden, block.mlpProj, block.mlpProjBias);
  for (let i = 0; i < d; i++) x[i] += mlp[i];
  return x;
}

/** Logits of the first-MLP-only path: U · LN_f(first block, self only). */
export function firstMlpPathLogits(
  tokenId: number,
  position: number,
  weights: {
    inputEmbedding: Matrix;
    unembedding: Matrix;
    unembeddingBias: Float32Array | null;
    finalNorm: LayerNormParams;
    firstBlock: FirstBlockWeights;
  },
): Float64Array {
  return logitLens(
    firstBlockSelfOnly(tokenId, position, weights.inputEmbedding, weights.firstBlock),
    weights.finalNorm,
    weights.unembedding,
    weights.unembeddingBias,
  );
}
