/**
 * What the bigram view (bigramAnalysis.ts) and the layer view (layerAnalysis.ts) share: the
 * options of a call and the top-k of a distribution. Its own file so neither imports the other.
 */
import { topNIndices } from '../core/distribution';
import type { BigramProgress, TokenProbability } from '../protocol/bigram';

export interface BigramCallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: BigramProgress) => void;
}

export function topProbabilities(probabilities: Float64Array, k: number): TokenProbability[] {
  return Array.from(topNIndices(probabilities, k), (id) => ({ id, probability: probabilities[id] }));
}
