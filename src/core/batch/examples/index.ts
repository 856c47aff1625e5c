/**
 * The bundled example sets, committed as JSON beside this file and loaded by both the app and
 * the CLI (`batch run bundled:tom`, `batch score bundled:scoring`):
 *
 * - tom.json: 20 first-order false-belief stories written for Tokenscope in the style of the
 *   Theory-of-Mind next-token study (docs/PAPERS.md section 7): X puts an object in A and leaves,
 *   Y moves it to B, X comes back; the question ends so that the next word is the answer
 *   ("… Sally will look for the ball in the" → "basket", match `prefix`). sotu-gpt-long at
 *   the study's temperatures 0.01, 0.5, 1 and 2, 3 samples per cell, 3 new tokens, stop at ".".
 * - scoring.json: six short texts of different kinds (an address in the embedded models'
 *   domain, repetition, a recipe, a letter, technical prose, numbers) for GLTR statistics.
 */
import { parseBatchDefinition, type BatchDefinition } from '../definition';
import { parseScoringSet, type ScoringSet } from '../scoring';
import tom from './tom.json';
import scoring from './scoring.json';

export const BUNDLED_BATCHES: Readonly<Record<string, unknown>> = { tom };
export const BUNDLED_SCORING_SETS: Readonly<Record<string, unknown>> = { scoring };
export const BUNDLED_PREFIX = 'bundled:';

/** `bundled:<name>` → the name; anything else → null. */
export function bundledName(reference: string): string | null {
  return reference.startsWith(BUNDLED_PREFIX) ? reference.slice(BUNDLED_PREFIX.length) : null;
}

/** A bundled batch definition, validated (a fresh copy each call). */
export function bundledBatch(name: string): BatchDefinition {
  const json = BUNDLED_BATCHES[name];
  if (json === undefined)
    throw new Error(`There is no bundled batch "${name}" (there are: ${Object.keys(BUNDLED_BATCHES).join(', ')}).`);
  return parseBatchDefinition(structuredClone(json), `The bundled batch ${name}`);
}

/** A bundled scoring set, validated. */
export function bundledScoringSet(name: string): ScoringSet {
  const json = BUNDLED_SCORING_SETS[name];
  if (json === undefined)
    throw new Error(
      `There is no bundled scoring set "${name}" (there are: ${Object.keys(BUNDLED_SCORING_SETS).join(', ')}).`,
    );
  return parseScoringSet(structuredClone(json), `The bundled scoring set ${name}`);
}
