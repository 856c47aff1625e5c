/** The effective-n colour: 1 (nothing of the context occurs in the corpus) … 32+ (a long span is copied from it), on a log scale. */
import { interpolateYlOrRd, scaleSequential } from 'd3';

const scale = scaleSequential(interpolateYlOrRd).domain([0, 5]).clamp(true);

export function effectiveNColour(effectiveN: number): string {
  return scale(Math.log2(Math.max(1, effectiveN)));
}

/** Dark backgrounds need light text. */
export function effectiveNTextColour(effectiveN: number): string {
  return effectiveN >= 12 ? '#fff' : '#111';
}

export const EFFECTIVE_N_LEGEND = [1, 2, 4, 8, 16, 32].map((n) => ({ n, colour: effectiveNColour(n) }));
