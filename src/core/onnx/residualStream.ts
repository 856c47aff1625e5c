/**
 * Finding the residual stream in an ONNX graph by its node names, so the values can be added
 * as graph outputs (graphOutputs.ts). Exporters that trace a PyTorch module name each node
 * by its module path: `/transformer/h.3/Add_1` (Optimum / transformers.js GPT-2),
 * `/model/layers.3/Add_1` (Llama, Qwen, Mistral), `/model/blocks.3/Add_2` (our own export).
 * A pre-norm block ends with its residual Add at the block's own scope (the norms' and the
 * MLP's Adds sit one scope deeper, except an inline GELU's `x + 1`), so block N's output is
 * the last Add of that scope whose inputs include the stream entering the block.
 */
import type { OnnxGraph } from './model';
import { fail, ok, type Result } from './model';

export interface ResidualStream {
  /** Value name of hidden state ℓ = 0..L: the embedding output, then each block's output. */
  names: string[];
  /** The block scope the names were found under, e.g. `/transformer/h.N`. */
  pattern: string;
}

/** Block scopes, tried in order: `<prefix>.<N>/<node>` with the node at the block's own scope. */
const BLOCK_SCOPES = ['/transformer/h', '/model/layers', '/model/blocks', '/model/decoder/layers', '/gpt_neox/layers'];

interface BlockAdd {
  name: string;
  inputs: string[];
  output: string;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Adds at each block's own scope, in graph order, keyed by block index. */
function blockAdds(graph: OnnxGraph, scope: string): Map<number, BlockAdd[]> {
  const pattern = new RegExp(`^${escape(scope)}\\.(\\d+)/[^/]+$`);
  const blocks = new Map<number, BlockAdd[]>();
  for (const node of graph.nodes) {
    if (node.opType !== 'Add' || node.domain !== '') continue;
    const match = pattern.exec(node.name);
    if (!match || !node.outputs[0]) continue;
    const index = Number(match[1]);
    const adds = blocks.get(index) ?? [];
    adds.push({ name: node.name, inputs: node.inputs, output: node.outputs[0] });
    blocks.set(index, adds);
  }
  return blocks;
}

/** The block's input stream: an input of its first Add produced outside the block (or a graph input). */
function streamInto(graph: OnnxGraph, scope: string, index: number, adds: readonly BlockAdd[]): string | null {
  const inside = `${scope}.${index}/`;
  for (const add of adds) {
    const outside = add.inputs.filter(
      (input) => !(graph.producers.get(input)?.name.startsWith(inside) ?? false) && !graph.initializers.has(input),
    );
    if (outside.length === 1) return outside[0];
  }
  return null;
}

/**
 * The value names of the residual stream, hidden state 0 (the embedding output) to L (the
 * last block's output, before the final norm), or the reason they cannot be found.
 *
 * @example
 * const found = findResidualStream(parseOnnxModel(bytes).value.graph);
 * if (found.ok) bytes = withGraphOutputs(bytes, found.value.names);
 */
export function findResidualStream(graph: OnnxGraph): Result<ResidualStream> {
  for (const scope of BLOCK_SCOPES) {
    const blocks = blockAdds(graph, scope);
    if (blocks.size === 0) continue;
    const count = Math.max(...blocks.keys()) + 1;
    const names: string[] = [];
    for (let index = 0; index < count; index++) {
      const adds = blocks.get(index);
      if (!adds)
        return fail(`the graph has nodes under ${scope}.N but no Add at block ${index}'s scope (fused or renamed ops)`);
      const entering = streamInto(graph, scope, index, adds);
      if (entering === null) return fail(`the residual stream entering ${scope}.${index} could not be told apart`);
      // The chain must hold: what enters block N is what block N − 1 put out.
      if (index > 0 && entering !== names[index])
        return fail(`${scope}.${index} does not read the output of ${scope}.${index - 1}'s last Add`);
      if (index === 0) names.push(entering);
      names.push(adds[adds.length - 1].output);
    }
    return ok({ names, pattern: `${scope}.N` });
  }
  return fail(
    `no Add nodes named like ${BLOCK_SCOPES.map((s) => `${s}.N/Add`).join(', ')} (the exporters whose node names Tokenscope recognises)`,
  );
}
