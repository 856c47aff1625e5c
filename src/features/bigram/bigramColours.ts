/** The "how bigram" colour: bigramness 0 (the context changed the prediction) … 1 (the current token alone gives it). */
import { interpolateYlGnBu, scaleSequential } from 'd3';

const scale = scaleSequential(interpolateYlGnBu).domain([0, 1]).clamp(true);

export function bigramColour(bigramness: number): string {
  return scale(bigramness);
}

/** Dark backgrounds need light text. */
export function bigramTextColour(bigramness: number): string {
  return bigramness > 0.7 ? '#fff' : '#111';
}

export const BIGRAM_LEGEND = [0, 0.25, 0.5, 0.75, 1].map((v) => ({ value: v, colour: scale(v) }));
