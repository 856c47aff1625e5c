/**
 * What the layer views need from a loaded model, read from its ONNX file: the residual
 * stream outputs (`hidden_states.0..L`, which the embedded models export; for other graphs
 * the values are found by node name and added as outputs to a copy of the file), the final
 * LayerNorm, the unembedding and input embedding, and for the embedded models the first
 * block's weights (the "first-MLP-only" path). When something is missing, a sentence that
 * says what, so the UI can explain why the layer views are off while the bigram view works.
 */
import { findInputEmbedding, findUnembedding, floatAttribute, parseOnnxModel, resolveWeight, type OnnxModel } from '../core/onnx';
import { findResidualStream } from '../core/onnx/residualStream';
import type { LayerNormParams, Matrix } from '../core/bigram/layers';
import type { FirstBlockWeights } from '../core/bigram/firstMlpPath';
import type { ModelConfig } from './modelConfig';

export interface ModelInternals {
  /** Transformer blocks L: hidden states 0..L are read. */
  layerCount: number;
  hiddenSize: number;
  finalNorm: LayerNormParams;
  /** [V × d], logit_t = key_t · LN_f(h) (+ bias). */
  unembedding: Matrix;
  unembeddingBias: Float32Array | null;
  /** [V × d]: the current-token readout (W_E, section 2 B). */
  inputEmbedding: Matrix;
  /** The embedded models' first block, for the first-MLP-only path; null for other models. */
  firstBlock: FirstBlockWeights | null;
  /** Where the final norm came from, for the UI. */
  finalNormSource: string;
  /** Output name of hidden state ℓ = 0..L. */
  hiddenStateNames: string[];
  /** Where the residual stream comes from, for the UI. */
  residualSource: string;
  /**
   * Whether the names are not outputs of the loaded graph: the layer views then run a second
   * session on a copy of the file with them added (graphOutputs.ts), made only when needed.
   */
  outputsAdded: boolean;
}

export type InternalsResult = { ok: true; internals: ModelInternals } | { ok: false; reason: string };

interface TokenscopeConfig { hidden_states_outputs?: boolean; final_layer_norm?: string }

/** Counts the `hidden_states.{i}` outputs, null unless they are 0..L with no gap. */
export function hiddenStateLayerCount(outputNames: readonly string[]): number | null {
  const indices = outputNames.map((n) => /^hidden_states\.(\d+)$/.exec(n)?.[1]).filter((i): i is string => i !== undefined).map(Number).sort((a, b) => a - b);
  if (indices.length < 2 || indices.some((value, i) => value !== i)) return null;
  return indices.length - 1;
}

function vector(model: OnnxModel, name: string): Float32Array | null {
  const read = resolveWeight(model, name);
  return read.ok ? read.value.values : null;
}

function matrix(model: OnnxModel, name: string): Matrix | null {
  const read = resolveWeight(model, name);
  if (!read.ok || read.value.dims.length !== 2) return null;
  return { values: read.value.values, rows: read.value.dims[0], cols: read.value.dims[1] };
}

/** The final norm: named by config.json's `tokenscope.final_layer_norm`, else the LayerNormalization node feeding the logits. */
function findFinalNorm(model: OnnxModel, config: ModelConfig): { norm: LayerNormParams; source: string } | null {
  const epsilon = typeof config.layer_norm_epsilon === 'number' ? config.layer_norm_epsilon : 1e-5;
  const named = (config.tokenscope as TokenscopeConfig | undefined)?.final_layer_norm;
  if (named) {
    const gain = vector(model, `model.${named}.weight`);
    const bias = vector(model, `model.${named}.bias`);
    if (gain && bias) return { norm: { gain, bias, epsilon }, source: `model.${named} (config.json)` };
  }
  const layerNorms = model.graph.nodes.filter((n) => n.opType === 'LayerNormalization');
  const last = layerNorms[layerNorms.length - 1];
  if (last) {
    const gain = vector(model, last.inputs[1]);
    const bias = last.inputs[2] ? vector(model, last.inputs[2]) : null;
    const eps = floatAttribute(last, 'epsilon', epsilon);
    if (gain) return { norm: { gain, bias: bias ?? new Float32Array(gain.length), epsilon: eps }, source: `${last.name || 'LayerNormalization'} (last in the graph)` };
  }
  return null;
}

/** The first block of a tools/models/gpt.py export, by its node names; null when the graph is not laid out that way. */
function findFirstBlock(model: OnnxModel, config: ModelConfig): FirstBlockWeights | null {
  const matMulWeight = (path: string) => {
    const node = model.graph.nodes.find((n) => n.name === `/model/blocks.0/${path}/MatMul`);
    return node ? matrix(model, node.inputs[1]) : null;
  };
  const epsilon = typeof config.layer_norm_epsilon === 'number' ? config.layer_norm_epsilon : 1e-5;
  const norm = (name: string): LayerNormParams | null => {
    const gain = vector(model, `model.blocks.0.${name}.weight`);
    const bias = vector(model, `model.blocks.0.${name}.bias`);
    return gain && bias ? { gain, bias, epsilon } : null;
  };
  const parts = {
    positions: matrix(model, 'model.wpe.weight'),
    ln1: norm('ln_1'),
    attn: matMulWeight('c_attn'),
    attnBias: vector(model, 'model.blocks.0.c_attn.bias'),
    proj: matMulWeight('c_proj'),
    projBias: vector(model, 'model.blocks.0.c_proj.bias'),
    ln2: norm('ln_2'),
    fc: matMulWeight('c_fc'),
    fcBias: vector(model, 'model.blocks.0.c_fc.bias'),
    mlpProj: matMulWeight('c_mlp_proj'),
    mlpProjBias: vector(model, 'model.blocks.0.c_mlp_proj.bias'),
  };
  if (Object.values(parts).some((part) => part === null)) return null;
  return parts as FirstBlockWeights;
}

/** The residual stream's output names: the exported `hidden_states.*`, else values found by node name and added to a copy of the graph. */
function residualStream(model: OnnxModel, outputNames: readonly string[]): { names: string[]; source: string; outputsAdded: boolean } | { reason: string } {
  const exported = hiddenStateLayerCount(outputNames);
  if (exported !== null) {
    return { names: Array.from({ length: exported + 1 }, (_, l) => `hidden_states.${l}`), source: `the graph's outputs hidden_states.0 … hidden_states.${exported}`, outputsAdded: false };
  }
  const found = findResidualStream(model.graph);
  if (!found.ok) {
    return { reason: `This model's ONNX graph does not output its residual stream (hidden_states.0 … hidden_states.L), and Tokenscope could not find it by node name to add it as outputs: ${found.reason}. The layer views cannot run; the bigram comparison works on any model.` };
  }
  const { names, pattern } = found.value;
  return {
    names,
    source: `added to the graph as outputs, found by node name (${pattern}, last Add of each block): ${names[0]}, ${names[1]} … ${names[names.length - 1]}`,
    outputsAdded: true,
  };
}

/** Reads the internals, or says why the layer views cannot run on this model. */
export function readModelInternals(onnxBytes: Uint8Array | undefined, config: ModelConfig, outputNames: readonly string[]): InternalsResult {
  if (!onnxBytes) return { ok: false, reason: 'The model\'s ONNX file is not at hand to read its residual stream and weights (final norm, unembedding).' };
  const parsed = parseOnnxModel(onnxBytes);
  if (!parsed.ok) return { ok: false, reason: `The ONNX file could not be read for its weights: ${parsed.reason}.` };
  const model = parsed.value;
  const residual = residualStream(model, outputNames);
  if ('reason' in residual) return { ok: false, reason: residual.reason };
  const layerCount = residual.names.length - 1;
  const unembedding = findUnembedding(model);
  if (!unembedding.ok) return { ok: false, reason: `The unembedding could not be found in the ONNX graph: ${unembedding.reason}.` };
  const inputEmbedding = findInputEmbedding(model);
  if (!inputEmbedding.ok) return { ok: false, reason: `The input embedding could not be found in the ONNX graph: ${inputEmbedding.reason}.` };
  const finalNorm = findFinalNorm(model, config);
  if (!finalNorm) return { ok: false, reason: 'The final LayerNorm could not be found (config.json names none and the graph has no LayerNormalization node), so the logit lens cannot run.' };
  const u = unembedding.value;
  const e = inputEmbedding.value;
  if (finalNorm.norm.gain.length !== u.embeddingSize) return { ok: false, reason: `The final norm has ${finalNorm.norm.gain.length} dims but the unembedding has ${u.embeddingSize}.` };
  return {
    ok: true,
    internals: {
      layerCount,
      hiddenSize: u.embeddingSize,
      finalNorm: finalNorm.norm,
      finalNormSource: finalNorm.source,
      unembedding: { values: u.values, rows: u.vocabularySize, cols: u.embeddingSize },
      unembeddingBias: u.bias,
      inputEmbedding: { values: e.values, rows: e.vocabularySize, cols: e.embeddingSize },
      firstBlock: findFirstBlock(model, config),
      hiddenStateNames: residual.names,
      residualSource: residual.source,
      outputsAdded: residual.outputsAdded,
    },
  };
}
