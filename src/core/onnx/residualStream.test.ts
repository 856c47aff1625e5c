import { describe, expect, it } from 'vitest';
import type { NodeRef, OnnxGraph } from './model';
import { findResidualStream } from './residualStream';

function node(name: string, opType: string, inputs: string[], outputs: string[]): NodeRef {
  return { name, opType, domain: '', inputs, outputs, attributes: new Map() };
}

function graph(nodes: NodeRef[]): OnnxGraph {
  const producers = new Map<string, NodeRef>();
  for (const n of nodes) for (const o of n.outputs) producers.set(o, n);
  return { nodes, initializers: new Map(), inputs: ['input_ids'], outputs: ['logits'], producers };
}

/** A pre-norm block as the exporters trace it: attention and MLP each add back into the stream. */
function block(scope: string, i: number, stream: string, extraAdd = false): NodeRef[] {
  const p = `${scope}.${i}`;
  const nodes = [
    node(`${p}/ln_1/Add`, 'Add', [`${p}/ln_1/Mul_output_0`, 'bias'], [`${p}/ln_1/Add_output_0`]),
    node(`${p}/attn/MatMul`, 'MatMul', [`${p}/ln_1/Add_output_0`, 'w'], [`${p}/attn/MatMul_output_0`]),
    node(`${p}/Add`, 'Add', [stream, `${p}/attn/MatMul_output_0`], [`${p}/Add_output_0`]),
    node(`${p}/mlp/MatMul`, 'MatMul', [`${p}/Add_output_0`, 'w2'], [`${p}/mlp/MatMul_output_0`]),
  ];
  // An inline GELU's `erf(x) + 1` sits at the block's own scope too (our own export).
  if (extraAdd)
    nodes.push(node(`${p}/Add_1`, 'Add', [`${p}/Erf_output_0`, `${p}/Constant_output_0`], [`${p}/Add_1_output_0`]));
  const last = extraAdd ? 'Add_2' : 'Add_1';
  nodes.push(node(`${p}/${last}`, 'Add', [`${p}/Add_output_0`, `${p}/mlp/MatMul_output_0`], [`${p}/${last}_output_0`]));
  return nodes;
}

function stack(scope: string, embedding: string, layers: number, extraAdd = false): NodeRef[] {
  const nodes: NodeRef[] = [node('/embed/Gather', 'Gather', ['wte', 'input_ids'], [embedding])];
  let stream = embedding;
  for (let i = 0; i < layers; i++) {
    const b = block(scope, i, stream, extraAdd);
    nodes.push(...b);
    stream = b[b.length - 1].outputs[0];
  }
  return nodes;
}

describe('findResidualStream', () => {
  it('finds GPT-2 (Optimum) names: the embedding output, then the last Add of each /transformer/h.N', () => {
    const found = findResidualStream(graph(stack('/transformer/h', '/transformer/Add_output_0', 3)));
    expect(found).toEqual({
      ok: true,
      value: {
        names: [
          '/transformer/Add_output_0',
          '/transformer/h.0/Add_1_output_0',
          '/transformer/h.1/Add_1_output_0',
          '/transformer/h.2/Add_1_output_0',
        ],
        pattern: '/transformer/h.N',
      },
    });
  });

  it('finds Llama/Qwen names under /model/layers.N', () => {
    const found = findResidualStream(graph(stack('/model/layers', '/model/embed_tokens/Gather_output_0', 2)));
    expect(found.ok && found.value.names).toEqual([
      '/model/embed_tokens/Gather_output_0',
      '/model/layers.0/Add_1_output_0',
      '/model/layers.1/Add_1_output_0',
    ]);
  });

  it('skips a GELU Add at block scope: the block output is its last Add', () => {
    const found = findResidualStream(graph(stack('/model/blocks', 'hidden_states.0', 2, true)));
    expect(found.ok && found.value.names).toEqual([
      'hidden_states.0',
      '/model/blocks.0/Add_2_output_0',
      '/model/blocks.1/Add_2_output_0',
    ]);
  });

  it('says why when no exporter pattern matches (fused ops, other names)', () => {
    const fused = graph([node('/h.0/SkipLayerNorm', 'SkipLayerNormalization', ['a', 'b'], ['c'])]);
    const found = findResidualStream(fused);
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.reason).toContain('/transformer/h.N/Add');
  });

  it("refuses a chain where a block does not read the previous block's output", () => {
    const nodes = stack('/transformer/h', '/transformer/Add_output_0', 2);
    const broken = nodes.map((n) =>
      n.name === '/transformer/h.1/Add' ? node(n.name, 'Add', ['/elsewhere', n.inputs[1]], n.outputs) : n,
    );
    const found = findResidualStream(graph(broken));
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.reason).toContain('does not read the output');
  });

  it('says which block is missing when a block scope has no Add', () => {
    const nodes = stack('/model/layers', 'e', 3).filter((n) => !n.name.startsWith('/model/layers.1/'));
    const found = findResidualStream(graph(nodes));
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.reason).toContain('block 1');
  });
});
