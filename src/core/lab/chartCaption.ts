/**
 * The caption an exported chart carries under its title, so that a PNG on a slide still says
 * what it shows: the model, then whatever else the view knows (position, sampling settings).
 */
import type { SamplingSettings } from '../distribution/sampling';

/** "temperature 0.80, top-k 40, top-p off, min-p off": each stage as the lab's controls name it. */
export function samplingCaption({ temperature, topK, topP, minP }: SamplingSettings): string {
  return [
    `temperature ${temperature.toFixed(2)}`,
    `top-k ${topK > 0 ? topK : 'off'}`,
    `top-p ${topP < 1 ? topP.toFixed(2) : 'off'}`,
    `min-p ${minP > 0 ? minP.toFixed(2) : 'off'}`,
  ].join(', ');
}

/** The parts that are known, joined with " · " ("sotu-gpt-long · position 12 · temperature 1.00, …"). */
export function chartCaption(...parts: (string | null | undefined)[]): string {
  return parts.filter((part): part is string => Boolean(part)).join(' · ');
}
