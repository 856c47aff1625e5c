/**
 * The sampling pipeline temperature → top-k → top-p → min-p, in the order and with the
 * semantics of Hugging Face transformers' logits warpers (min_tokens_to_keep = 1). Every
 * stage is returned so the UI can draw each one over the same bars; moving a slider reruns
 * only this code on kept logits, never the model.
 *
 * Each stage takes the previous stage's renormalised probabilities, zeroes the tokens it
 * removes, and renormalises the rest. Tokens already at probability 0 (masked logits,
 * earlier stages) are never counted as removed again.
 */

import { nthLargest, nucleusCut } from './select';
import { softmax, type Scores } from './softmax';
import { assertCount, assertUnitInterval, withDefaults } from './validate';

export interface SamplingSettings {
  /** Softmax temperature, finite and > 0; 1 leaves the distribution as the model gave it. */
  temperature: number;
  /** Keep the k most probable tokens (and all tied with the k-th); 0 or >= V disables. */
  topK: number;
  /** Nucleus mass in [0, 1]; 1 disables. */
  topP: number;
  /** Keep tokens with probability >= minP × the top probability; minP in [0, 1], 0 disables. */
  minP: number;
}

export const DEFAULT_SAMPLING_SETTINGS: Readonly<SamplingSettings> = { temperature: 1, topK: 0, topP: 1, minP: 0 };

export type SamplingStageName = 'temperature' | 'topK' | 'topP' | 'minP';

export interface StageResult {
  /** false when the setting disables the stage: `probabilities` is then the input array itself. */
  active: boolean;
  /** Renormalised probabilities after the stage, 0 for removed tokens. Treat as read-only. */
  probabilities: Float64Array;
  /** Ids (ascending) of tokens with probability > 0 before the stage and 0 after it. */
  removedTokenIds: Uint32Array;
  /** Probability mass removed, measured in the stage's input distribution, in [0, 1]. */
  removedProbability: number;
  /** Tokens with probability > 0 after the stage. */
  keptCount: number;
}

export interface SamplingStage extends StageResult {
  name: SamplingStageName;
}

export interface SamplingPipeline {
  /** The four stages in pipeline order: temperature, topK, topP, minP. */
  stages: readonly [SamplingStage, SamplingStage, SamplingStage, SamplingStage];
  /** The distribution to sample from: the last stage's probabilities. */
  probabilities: Float64Array;
}

const NO_TOKENS = new Uint32Array(0);

function countPositive(probabilities: Float64Array): number {
  let n = 0;
  for (let i = 0; i < probabilities.length; i++) if (probabilities[i] > 0) n++;
  return n;
}

function passThrough(probabilities: Float64Array, active: boolean): StageResult {
  return {
    active,
    probabilities,
    removedTokenIds: NO_TOKENS,
    removedProbability: 0,
    keptCount: countPositive(probabilities),
  };
}

/** Zeroes the tokens not in `keep` and renormalises the rest, in float64. */
function filterStage(input: Float64Array, keep: Uint8Array): StageResult {
  let keptSum = 0;
  let removedSum = 0;
  let removedCount = 0;
  for (let i = 0; i < input.length; i++) {
    const p = input[i];
    if (!(p > 0)) continue;
    if (keep[i]) keptSum += p;
    else {
      removedSum += p;
      removedCount++;
    }
  }
  const probabilities = new Float64Array(input.length);
  const removedTokenIds = new Uint32Array(removedCount);
  let keptCount = 0;
  let r = 0;
  for (let i = 0; i < input.length; i++) {
    const p = input[i];
    if (!(p > 0)) continue;
    if (keep[i]) {
      probabilities[i] = p / keptSum;
      keptCount++;
    } else removedTokenIds[r++] = i;
  }
  const total = keptSum + removedSum;
  return {
    active: true,
    probabilities,
    removedTokenIds,
    removedProbability: total > 0 ? removedSum / total : 0,
    keptCount,
  };
}

/**
 * Top-k, as HF's TopKLogitsWarper: keeps every token whose probability is >= the k-th
 * largest probability, so tokens tied with the k-th are all kept (more than k may
 * survive). k = 0 or k >= V passes through. O(V): a partial selection, no sort.
 *
 * @example
 * applyTopK(new Float64Array([0.4, 0.3, 0.3]), 2).probabilities; // [0.4, 0.3, 0.3] (tie kept)
 * applyTopK(new Float64Array([0.5, 0.3, 0.2]), 1).probabilities; // [1, 0, 0]
 */
export function applyTopK(probabilities: Float64Array, k: number): StageResult {
  assertCount(k, 'topK');
  if (k === 0 || k >= probabilities.length) return passThrough(probabilities, false);
  const kth = nthLargest(probabilities, k);
  const keep = new Uint8Array(probabilities.length);
  for (let i = 0; i < probabilities.length; i++) keep[i] = probabilities[i] >= kth ? 1 : 0;
  return filterStage(probabilities, keep);
}

/**
 * Top-p (nucleus), as HF's TopPLogitsWarper: in order of probability descending (ties by
 * lower id first), a token is kept while the mass of the tokens before it is < p, i.e. the
 * smallest prefix whose cumulative probability reaches >= p. The first token is always
 * kept (so p = 0 keeps only the top-1). A token whose preceding mass is exactly p is
 * removed: with [0.5, 0.3, 0.2] and p = 0.5 only the first survives. p = 1 passes through.
 * HF sums float32 from the least probable up; this sums float64 by partition
 * (`nucleusCut`), so a token within rounding of the boundary may differ. No sort: O(V).
 *
 * @example
 * applyTopP(new Float64Array([0.5, 0.3, 0.2]), 0.6).probabilities; // [0.625, 0.375, 0]
 */
export function applyTopP(probabilities: Float64Array, p: number): StageResult {
  assertUnitInterval(p, 'topP');
  if (p === 1) return passThrough(probabilities, false);
  const { threshold, tiesKept } = nucleusCut(probabilities, p);
  const keep = new Uint8Array(probabilities.length);
  let ties = tiesKept;
  for (let i = 0; i < probabilities.length; i++) {
    const q = probabilities[i];
    keep[i] = q > threshold || (q === threshold && ties-- > 0) ? 1 : 0;
  }
  return filterStage(probabilities, keep);
}

/**
 * Min-p, as HF's MinPLogitsWarper: keeps tokens with probability >= minP × the largest
 * probability (the top token always survives). minP = 0 passes through.
 *
 * @example
 * applyMinP(new Float64Array([0.5, 0.3, 0.2]), 0.5).probabilities; // [0.625, 0.375, 0]
 */
export function applyMinP(probabilities: Float64Array, minP: number): StageResult {
  assertUnitInterval(minP, 'minP');
  if (minP === 0) return passThrough(probabilities, false);
  let max = 0;
  for (let i = 0; i < probabilities.length; i++) if (probabilities[i] > max) max = probabilities[i];
  const threshold = minP * max;
  const keep = new Uint8Array(probabilities.length);
  for (let i = 0; i < probabilities.length; i++) keep[i] = probabilities[i] >= threshold ? 1 : 0;
  return filterStage(probabilities, keep);
}

/**
 * Runs temperature → top-k → top-p → min-p over logits and returns every stage. Settings
 * left out (or undefined) take `DEFAULT_SAMPLING_SETTINGS` (filters off, temperature 1).
 * Throws a RangeError on an out-of-range setting (temperature <= 0 included).
 *
 * @example
 * const { stages, probabilities } = samplingPipeline(logits, { temperature: 0.8, topP: 0.9 });
 * stages[2].removedTokenIds; // the tokens the nucleus cut
 */
export function samplingPipeline(logits: Scores, settings: Partial<SamplingSettings> = {}): SamplingPipeline {
  const s = withDefaults(DEFAULT_SAMPLING_SETTINGS, settings);
  const scaled = softmax(logits, s.temperature);
  const temperature: SamplingStage = { name: 'temperature', ...passThrough(scaled, s.temperature !== 1) };
  const topK: SamplingStage = { name: 'topK', ...applyTopK(temperature.probabilities, s.topK) };
  const topP: SamplingStage = { name: 'topP', ...applyTopP(topK.probabilities, s.topP) };
  const minP: SamplingStage = { name: 'minP', ...applyMinP(topP.probabilities, s.minP) };
  return { stages: [temperature, topK, topP, minP], probabilities: minP.probabilities };
}
