/**
 * What the layer views need from a loaded model, read from its ONNX file: the residual
 * stream outputs (`hidden_states.0..L`, which the embedded models export; for other graphs
 * the values are found by node name and added as outputs to a copy of the file), the final
 * norm (LayerNorm or RMSNorm), the unembedding and input embedding, and for the embedded models the first
 * block's weights (the "first-MLP-only" path). When something is missing, a sentence that
 * says what, so the UI can explain why the layer views are off while the bigram view works.
 */
import {
  findInputEmbedding,
  findUnembedding,
  floatAttribute,
  parseOnnxModel,
  resolveWeight,
  type OnnxModel,
  type TensorReadOptions,
} from '../core/onnx';
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
  /** [V × d]: the current-token readout (W_E, docs/PAPERS.md section 2 B). */
  inputEmbedding: Matrix;
  /** The first block (GPT-2 or Llama layout), for the first-MLP-only path; null for other layouts. */
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

interface TokenscopeConfig {
  hidden_states_outputs?: boolean;
  final_layer_norm?: string;
}

/** Counts the `hidden_states.{i}` outputs, null unless they are 0..L with no gap. */
export function hiddenStateLayerCount(outputNames: readonly string[]): number | null {
  const indices = outputNames
    .map((n) => /^hidden_states\.(\d+)$/.exec(n)?.[1])
    .filter((i): i is string => i !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  if (indices.length < 2 || indices.some((value, i) => value !== i)) return null;
  return indices.length - 1;
}

/** Reads stored weights by name (from the file, or its external data file), null when absent or unreadable. */
interface Weights {
  vector(name: string): Float32Array | null;
  matrix(name: string): Matrix | null;
  /** A stored or Constant single value (an epsilon), or null. */
  scalar(name: string): number | null;
  isStored(name: string): boolean;
}

function weightsOf(model: OnnxModel, options: TensorReadOptions): Weights {
  const vector = (name: string) => {
    const read = resolveWeight(model, name, options);
    return read.ok ? read.value.values : null;
  };
  return {
    vector,
    matrix(name) {
      const read = resolveWeight(model, name, options);
      if (!read.ok || read.value.dims.length !== 2) return null;
      return { values: read.value.values, rows: read.value.dims[0], cols: read.value.dims[1] };
    },
    scalar(name) {
      const values = vector(name);
      return values && values.length === 1 ? values[0] : null;
    },
    isStored: (name) => model.graph.initializers.has(name) || model.graph.producers.get(name)?.opType === 'Constant',
  };
}

/** Ops between the final norm and the unembedding that do not change the values. */
const PASS_THROUGH = new Set(['Reshape', 'Identity', 'Squeeze', 'Unsqueeze', 'Flatten', 'Cast']);

type FoundNorm = { norm: LayerNormParams; source: string };

/**
 * A LayerNorm traced into primitive ops (torch below opset 17, as Optimum exports GPT-2):
 * Add(Mul(Div(Sub(x, ReduceMean(x)), Sqrt(Add(ReduceMean(Pow(x − mean, 2)), ε))), gain), bias).
 */
function tracedLayerNorm(model: OnnxModel, weights: Weights, name: string): FoundNorm | null {
  const { producers } = model.graph;
  const stored = (node: { inputs: string[] }) => node.inputs.findIndex((input) => weights.isStored(input));
  const addBias = producers.get(name);
  if (addBias?.opType !== 'Add' || stored(addBias) < 0) return null;
  const mulGain = producers.get(addBias.inputs[1 - stored(addBias)]);
  if (mulGain?.opType !== 'Mul' || stored(mulGain) < 0) return null;
  const div = producers.get(mulGain.inputs[1 - stored(mulGain)]);
  const centred = div?.opType === 'Div' ? producers.get(div.inputs[0]) : undefined;
  const sqrt = div?.opType === 'Div' ? producers.get(div.inputs[1]) : undefined;
  const addEpsilon = sqrt?.opType === 'Sqrt' ? producers.get(sqrt.inputs[0]) : undefined;
  if (centred?.opType !== 'Sub' || addEpsilon?.opType !== 'Add' || stored(addEpsilon) < 0) return null;
  const gain = weights.vector(mulGain.inputs[stored(mulGain)]);
  const bias = weights.vector(addBias.inputs[stored(addBias)]);
  const epsilon = weights.scalar(addEpsilon.inputs[stored(addEpsilon)]);
  if (!gain || !bias || epsilon === null || gain.length !== bias.length) return null;
  return {
    norm: { gain, bias, epsilon },
    source: `${mulGain.inputs[stored(mulGain)]}, ${addBias.inputs[stored(addBias)]} (LayerNorm traced into ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add; ε = ${epsilon})`,
  };
}

/**
 * The norm whose output the unembedding multiplies: a LayerNormalization node, the fused
 * (Skip)SimplifiedLayerNormalization (RMSNorm), a traced LayerNorm, or the traced RMSNorm
 * `x · (1/√(mean(x²) + ε)) · gain` whose last Mul takes a stored gain of the model width
 * (Llama, Qwen2, Gemma exports; Gemma's (1 + w) gain is what the graph multiplies, so it is
 * read from the graph, not from the weight's name).
 */
function normFeedingUnembedding(
  model: OnnxModel,
  weights: Weights,
  config: ModelConfig,
  input: string,
): FoundNorm | null {
  const configRmsEpsilon = typeof config.rms_norm_eps === 'number' ? config.rms_norm_eps : 1e-6;
  let name = input;
  for (let hops = 0; name && hops < 8; hops++) {
    const node = model.graph.producers.get(name);
    if (!node) return null;
    if (PASS_THROUGH.has(node.opType)) {
      name = node.inputs[0];
      continue;
    }
    if (node.opType === 'LayerNormalization' && node.outputs[0] === name) {
      const gain = weights.vector(node.inputs[1]);
      const bias = node.inputs[2] ? weights.vector(node.inputs[2]) : null;
      const epsilon = floatAttribute(node, 'epsilon', 1e-5);
      return gain
        ? {
            norm: { gain, bias: bias ?? new Float32Array(gain.length), epsilon },
            source: `${node.name || 'LayerNormalization'} (feeds the unembedding)`,
          }
        : null;
    }
    if (node.opType === 'SimplifiedLayerNormalization' || node.opType === 'SkipSimplifiedLayerNormalization') {
      // SkipSimplifiedLayerNormalization(input, skip, gamma): the residual Add is fused in.
      const gain = weights.vector(node.inputs[node.opType === 'SimplifiedLayerNormalization' ? 1 : 2]);
      if (!gain || node.outputs[0] !== name) return null;
      const epsilon = floatAttribute(node, 'epsilon', configRmsEpsilon);
      return {
        norm: { gain, bias: new Float32Array(gain.length), epsilon, rms: true },
        source: `${node.name || node.opType} (RMSNorm)`,
      };
    }
    if (node.opType === 'Add') return tracedLayerNorm(model, weights, name);
    if (node.opType !== 'Mul' || typeof config.rms_norm_eps !== 'number') return null;
    const gainInput = node.inputs.find((input) => weights.isStored(input));
    const gain = gainInput ? weights.vector(gainInput) : null;
    if (!gain) return null;
    return {
      norm: { gain, bias: new Float32Array(gain.length), epsilon: configRmsEpsilon, rms: true },
      source: `${gainInput} (RMSNorm, ε = ${configRmsEpsilon} from config.json)`,
    };
  }
  return null;
}

/**
 * The final norm: named by config.json's `tokenscope.final_layer_norm` (a LayerNorm when it
 * has a bias, an RMSNorm when config.json has rms_norm_eps), else the norm feeding the
 * unembedding, else the LayerNormalization node last in the graph.
 */
function findFinalNorm(
  model: OnnxModel,
  weights: Weights,
  config: ModelConfig,
  unembeddingInput: string,
): FoundNorm | null {
  const epsilon = typeof config.layer_norm_epsilon === 'number' ? config.layer_norm_epsilon : 1e-5;
  const named = (config.tokenscope as TokenscopeConfig | undefined)?.final_layer_norm;
  if (named) {
    const gain = weights.vector(`model.${named}.weight`);
    const bias = weights.vector(`model.${named}.bias`);
    if (gain && bias) return { norm: { gain, bias, epsilon }, source: `model.${named} (config.json)` };
    if (gain && typeof config.rms_norm_eps === 'number') {
      return {
        norm: { gain, bias: new Float32Array(gain.length), epsilon: config.rms_norm_eps, rms: true },
        source: `model.${named}, an RMSNorm (config.json)`,
      };
    }
  }
  const feeding = normFeedingUnembedding(model, weights, config, unembeddingInput);
  if (feeding) return feeding;
  const layerNorms = model.graph.nodes.filter((n) => n.opType === 'LayerNormalization');
  const last = layerNorms[layerNorms.length - 1];
  const gain = last ? weights.vector(last.inputs[1]) : null;
  if (!last || !gain) return null;
  const bias = last.inputs[2] ? weights.vector(last.inputs[2]) : null;
  return {
    norm: { gain, bias: bias ?? new Float32Array(gain.length), epsilon: floatAttribute(last, 'epsilon', epsilon) },
    source: `${last.name || 'LayerNormalization'} (last in the graph)`,
  };
}

/** The first block of a tools/models/gpt.py export, by its node names; null when the graph is not laid out that way. */
function findGpt2FirstBlock(model: OnnxModel, weights: Weights, config: ModelConfig): FirstBlockWeights | null {
  const matMulWeight = (path: string) => {
    const node = model.graph.nodes.find((n) => n.name === `/model/blocks.0/${path}/MatMul`);
    return node ? weights.matrix(node.inputs[1]) : null;
  };
  const epsilon = typeof config.layer_norm_epsilon === 'number' ? config.layer_norm_epsilon : 1e-5;
  const norm = (name: string): LayerNormParams | null => {
    const gain = weights.vector(`model.blocks.0.${name}.weight`);
    const bias = weights.vector(`model.blocks.0.${name}.bias`);
    return gain && bias ? { gain, bias, epsilon } : null;
  };
  const parts = {
    positions: weights.matrix('model.wpe.weight'),
    ln1: norm('ln_1'),
    attn: matMulWeight('c_attn'),
    attnBias: weights.vector('model.blocks.0.c_attn.bias'),
    proj: matMulWeight('c_proj'),
    projBias: weights.vector('model.blocks.0.c_proj.bias'),
    ln2: norm('ln_2'),
    fc: matMulWeight('c_fc'),
    fcBias: weights.vector('model.blocks.0.c_fc.bias'),
    mlpProj: matMulWeight('c_mlp_proj'),
    mlpProjBias: weights.vector('model.blocks.0.c_mlp_proj.bias'),
  };
  if (Object.values(parts).some((part) => part === null)) return null;
  return { kind: 'gpt2', ...parts } as FirstBlockWeights;
}

/** model_types whose blocks are pre-RMSNorm, SiLU-gated SwiGLU, with v_proj/o_proj (q/k norms and rotary do not touch values). */
const LLAMA_BLOCK_FAMILIES = new Set(['llama', 'mistral', 'qwen2', 'qwen3']);

/**
 * The first block of a Llama-style export (sotu-llama's `/model/layers.0/v_proj/MatMul`, or
 * Optimum's `/model/layers.0/self_attn/v_proj/MatMul` and `/mlp/gate_proj`), fp32 MatMuls
 * only; null when the graph is laid out otherwise (fused or quantized ops).
 */
function findLlamaFirstBlock(model: OnnxModel, weights: Weights, config: ModelConfig): FirstBlockWeights | null {
  // Only families whose first block is exactly this maths: Gemma scales the embedding by √d,
  // gates with GELU and multiplies its norms by (1 + w), so it shares the names but not the block.
  if (!LLAMA_BLOCK_FAMILIES.has(config.model_type) || typeof config.rms_norm_eps !== 'number') return null;
  const heads = typeof config.num_attention_heads === 'number' ? config.num_attention_heads : null;
  const hidden = typeof config.hidden_size === 'number' ? config.hidden_size : null;
  const headDim = typeof config.head_dim === 'number' ? config.head_dim : heads && hidden ? hidden / heads : null;
  if (!headDim) return null;
  const node = (name: string, scope: string) =>
    model.graph.nodes.find(
      (n) => n.name === `/model/layers.0/${name}` || n.name === `/model/layers.0/${scope}/${name}`,
    );
  const weight = (name: string, scope: string) => {
    const found = node(`${name}/MatMul`, scope);
    return found?.opType === 'MatMul' ? weights.matrix(found.inputs[1]) : null;
  };
  const biasAdd = node('v_proj/Add', 'self_attn');
  const rms = (name: string): LayerNormParams | null => {
    const gain = weights.vector(`model.layers.0.${name}.weight`);
    return gain
      ? { gain, bias: new Float32Array(gain.length), epsilon: config.rms_norm_eps as number, rms: true }
      : null;
  };
  const parts = {
    ln1: rms('input_layernorm'),
    ln2: rms('post_attention_layernorm'),
    v: weight('v_proj', 'self_attn'),
    o: weight('o_proj', 'self_attn'),
    gate: weight('gate_proj', 'mlp'),
    up: weight('up_proj', 'mlp'),
    down: weight('down_proj', 'mlp'),
  };
  if (Object.values(parts).some((part) => part === null)) return null;
  const vBias = biasAdd
    ? (biasAdd.inputs
        .map((input) => (model.graph.initializers.has(input) ? weights.vector(input) : null))
        .find((v) => v !== null) ?? null)
    : null;
  return { kind: 'llama', ...parts, vBias, headDim } as FirstBlockWeights;
}

/** The residual stream's output names: the exported `hidden_states.*`, else values found by node name and added to a copy of the graph. */
function residualStream(
  model: OnnxModel,
  outputNames: readonly string[],
): { names: string[]; source: string; outputsAdded: boolean } | { reason: string } {
  const exported = hiddenStateLayerCount(outputNames);
  if (exported !== null) {
    return {
      names: Array.from({ length: exported + 1 }, (_, l) => `hidden_states.${l}`),
      source: `the graph's outputs hidden_states.0 … hidden_states.${exported}`,
      outputsAdded: false,
    };
  }
  const found = findResidualStream(model.graph);
  if (!found.ok) {
    return {
      reason: `This model's ONNX graph does not output its residual stream (hidden_states.0 … hidden_states.L), and Tokenscope could not find it by node name to add it as outputs: ${found.reason}. The layer views cannot run; the bigram comparison works on any model.`,
    };
  }
  const { names, pattern } = found.value;
  return {
    names,
    source: `added to the graph as outputs, found by node name (${pattern}, last Add of each block): ${names[0]}, ${names[1]} … ${names[names.length - 1]}`,
    outputsAdded: true,
  };
}

/** Reads the internals, or says why the layer views cannot run on this model. */
export function readModelInternals(
  onnxBytes: Uint8Array | undefined,
  config: ModelConfig,
  outputNames: readonly string[],
  options: TensorReadOptions = {},
): InternalsResult {
  if (!onnxBytes)
    return {
      ok: false,
      reason: "The model's ONNX file is not at hand to read its residual stream and weights (final norm, unembedding).",
    };
  const parsed = parseOnnxModel(onnxBytes);
  if (!parsed.ok) return { ok: false, reason: `The ONNX file could not be read for its weights: ${parsed.reason}.` };
  const model = parsed.value;
  const weights = weightsOf(model, options);
  const residual = residualStream(model, outputNames);
  if ('reason' in residual) return { ok: false, reason: residual.reason };
  const layerCount = residual.names.length - 1;
  const unembedding = findUnembedding(model, options);
  if (!unembedding.ok && unembedding.reason.startsWith('soft-capped')) {
    return {
      ok: false,
      reason: `The logit lens needs logits that are one matrix product of the final hidden state, and this model's are not: ${unembedding.reason}. The bigram comparison works.`,
    };
  }
  if (!unembedding.ok)
    return { ok: false, reason: `The unembedding could not be found in the ONNX graph: ${unembedding.reason}.` };
  const inputEmbedding = findInputEmbedding(model, options);
  if (!inputEmbedding.ok)
    return { ok: false, reason: `The input embedding could not be found in the ONNX graph: ${inputEmbedding.reason}.` };
  const u = unembedding.value;
  const e = inputEmbedding.value;
  const finalNorm = findFinalNorm(model, weights, config, u.input);
  if (!finalNorm)
    return {
      ok: false,
      reason: `The final norm could not be found (config.json names none, and '${u.input}', which the unembedding multiplies, is not the output of a LayerNorm or RMSNorm that Tokenscope recognises), so the logit lens cannot run.`,
    };
  if (finalNorm.norm.gain.length !== u.embeddingSize)
    return {
      ok: false,
      reason: `The final norm has ${finalNorm.norm.gain.length} dims but the unembedding has ${u.embeddingSize}.`,
    };
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
      firstBlock: findGpt2FirstBlock(model, weights, config) ?? findLlamaFirstBlock(model, weights, config),
      hiddenStateNames: residual.names,
      residualSource: residual.source,
      outputsAdded: residual.outputsAdded,
    },
  };
}
