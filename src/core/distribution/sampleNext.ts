/**
 * The next token under the sampling settings: the one composition of the pipeline and the
 * seeded draw that the CLI and the UI share, so the same logits, settings and seed give the
 * same token everywhere.
 */

import { createRng } from './rng';
import { greedyToken, sampleToken } from './sample';
import { samplingPipeline, type SamplingPipeline, type SamplingSettings } from './sampling';
import type { Scores } from './softmax';

/** `sample`: a seeded draw from the pipeline's final distribution; `greedy`: the argmax. */
export type NextTokenMode = 'sample' | 'greedy';

export interface NextTokenChoice {
  tokenId: number;
  /** Every stage of temperature → top-k → top-p → min-p over the logits. */
  pipeline: SamplingPipeline;
}

/**
 * Runs `samplingPipeline(logits, settings)` and picks the next token. `sample` draws once
 * with `sampleToken(pipeline.probabilities, createRng(seed))`: the fresh generator is the
 * only uniform source, so the choice depends on nothing but logits, settings and seed.
 * `greedy` takes the argmax of the logits (lowest id on ties), which every stage keeps;
 * the seed is still checked but not used. Throws a RangeError on an out-of-range setting
 * or a seed outside [0, 2^32).
 *
 * @example
 * sampleNext(logits, { temperature: 0.8, topK: 40 }, 42).tokenId; // the same id on every run
 * sampleNext(logits, {}, 0, 'greedy').tokenId; // greedyToken(logits)
 */
export function sampleNext(
  logits: Scores,
  settings: Partial<SamplingSettings>,
  seed: number,
  mode: NextTokenMode = 'sample',
): NextTokenChoice {
  const rng = createRng(seed);
  const pipeline = samplingPipeline(logits, settings);
  const tokenId = mode === 'greedy' ? greedyToken(logits) : sampleToken(pipeline.probabilities, rng);
  return { tokenId, pipeline };
}

/**
 * The seed of the draw for the token at `index` of a continuation (0 = the first token after
 * the text). Each position has its own stream, so generating N tokens and stepping one at a
 * time give the same tokens for the same seed; index 0 uses the seed itself (as the CLI's `next`).
 *
 * @example
 * positionSeed(42, 0); // 42
 */
export function positionSeed(seed: number, index: number): number {
  if (!(Number.isInteger(index) && index >= 0)) throw new RangeError(`index must be an integer >= 0 (got ${index})`);
  return (seed + Math.imul(index, 0x9e3779b9)) >>> 0;
}
