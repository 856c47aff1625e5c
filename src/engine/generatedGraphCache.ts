/**
 * Generated graphs opened once each (generatedGraph.ts opens them): the lens, covariance, bigram
 * comparison and scoring graphs all keep theirs here, keyed by what their weights live as long as.
 */
import type { PreTrainedModel } from '@huggingface/transformers';
import type { GraphSpec } from '../core/onnx/graphWriter';
import { graphFailed, openGeneratedGraph, type GeneratedGraph } from './generatedGraph';

const openedGraphs = new WeakMap<object, Map<string, Promise<GeneratedGraph | null>>>();

/**
 * A generated graph opened once per owner (the model, or its internals, whose lifetime the
 * graph's weights share) and key (the graph's kind and shape), in `model`'s runtime. Null when
 * `spec` gives none (weights too large for a graph) or it cannot open (said on the console): the
 * caller's JavaScript twin runs instead.
 */
export function generatedGraphOnce(
  owner: object,
  key: string,
  model: PreTrainedModel,
  spec: () => GraphSpec | null,
): Promise<GeneratedGraph | null> {
  let byKey = openedGraphs.get(owner);
  if (!byKey) openedGraphs.set(owner, (byKey = new Map()));
  let graph = byKey.get(key);
  if (!graph) {
    const written = spec();
    graph = written ? openGeneratedGraph(model, written).catch(graphFailed) : Promise.resolve(null);
    byKey.set(key, graph);
  }
  return graph;
}
