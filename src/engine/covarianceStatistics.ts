/**
 * The layer view's covariance similarity, plain and standardised, from one generated ONNX graph
 * (core/bigram/covarianceGraph.ts) in the model's runtime; the float64 JavaScript of
 * core/bigram/layers.ts where the graph cannot be opened (and as the reference in the tests).
 */
import type { PreTrainedModel } from '@huggingface/transformers';
import { covarianceSimilarity, type Matrix } from '../core/bigram';
import { COVARIANCE_GRAPH, covarianceGraphSpec, similarityFromGram } from '../core/bigram/covarianceGraph';
import { generatedGraphOnce } from './generatedGraphCache';

export interface CovarianceSimilarities {
  covariance: Float64Array;
  covarianceStandardised: Float64Array;
}

export function covarianceGraphFor(model: PreTrainedModel, layerCount: number, hiddenSize: number) {
  return generatedGraphOnce(model, `covariance ${layerCount}x${hiddenSize}`, model, () =>
    covarianceGraphSpec(layerCount, hiddenSize),
  );
}

export function covarianceSimilaritiesInJs(layers: readonly Matrix[]): CovarianceSimilarities {
  return {
    covariance: covarianceSimilarity(layers),
    covarianceStandardised: covarianceSimilarity(layers, { standardised: true }),
  };
}

/** Both similarities over the layers' states (every layer [n × d], n ≥ 2). */
export async function covarianceSimilarities(
  model: PreTrainedModel,
  layers: readonly Matrix[],
): Promise<CovarianceSimilarities> {
  const K = layers.length;
  const { rows: n, cols: d } = layers[0];
  if (n < 2) throw new RangeError('covariance similarity needs at least two positions');
  const graph = await covarianceGraphFor(model, K, d);
  if (!graph) return covarianceSimilaritiesInJs(layers);
  const states = new Float32Array(K * n * d);
  layers.forEach((layer, l) => states.set(layer.values.subarray(0, n * d), l * n * d));
  const outputs = await graph.run({ [COVARIANCE_GRAPH.states]: { values: states, dims: [K, n, d] } });
  return {
    covariance: similarityFromGram(outputs[COVARIANCE_GRAPH.gram].data as Float32Array, K),
    covarianceStandardised: similarityFromGram(outputs[COVARIANCE_GRAPH.gramStandardised].data as Float32Array, K),
  };
}
