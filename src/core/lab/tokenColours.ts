/**
 * Colouring tokens by a metric the user picks: the value of each metric for a token, and the
 * colour scale with its legend. GLTR's colours for the rank buckets (green, yellow, red,
 * purple); perceptual d3 scales for the continuous metrics.
 */
import { interpolateBlues, interpolatePurples, interpolateYlOrRd, scaleSequential } from 'd3';
import { gltrBucket } from '../distribution';
import type { FieldCheck } from '../fields';
import type { PositionMetrics } from './positionMetrics';

export type ColourMetric = 'surprisal' | 'probability' | 'rank' | 'entropy' | 'relativeToTop';

export const COLOUR_METRICS: readonly { metric: ColourMetric; label: string; explanation: string }[] = [
  {
    metric: 'surprisal',
    label: 'Surprisal (bits)',
    explanation: '−log₂ p of the token: how surprised the model was. Red is surprising.',
  },
  {
    metric: 'probability',
    label: 'Probability',
    explanation: 'p of the token that came, at temperature 1. Dark blue is expected.',
  },
  {
    metric: 'rank',
    label: 'Rank bucket (GLTR)',
    explanation:
      'Where the token ranked among all predictions: top-10 green, top-100 yellow, top-1000 red, beyond purple.',
  },
  {
    metric: 'entropy',
    label: 'Entropy (bits)',
    explanation: 'How uncertain the model was before seeing the token (whole distribution). Dark is uncertain.',
  },
  {
    metric: 'relativeToTop',
    label: 'p / top p (GLTR Frac)',
    explanation: 'Probability of the token divided by the most probable one: 1 means the model’s first choice.',
  },
];

/** GLTR's bucket colours, in bucket order (top-10 first), then "the rest". */
export const GLTR_COLOURS: readonly string[] = ['#a6e0a0', '#ffe680', '#ff9a8a', '#d4b2ff'];

/** The value a token shows for a metric (bucket index for `rank`). */
export function metricValue(metrics: PositionMetrics, metric: ColourMetric, thresholds: readonly number[]): number {
  switch (metric) {
    case 'surprisal':
      return -metrics.logProb / Math.LN2;
    case 'probability':
      return Math.exp(metrics.logProb);
    case 'rank':
      return gltrBucket(metrics.rank, thresholds);
    case 'entropy':
      return metrics.entropyNats / Math.LN2;
    case 'relativeToTop':
      return metrics.probabilityRelativeToTop;
  }
}

export interface LegendStop {
  label: string;
  colour: string;
}

export interface MetricScale {
  metric: ColourMetric;
  colour: (value: number) => string;
  /** Swatches for buckets, or evenly spaced stops of a continuous scale. */
  legend: LegendStop[];
}

/** Top of the surprisal and entropy scales in bits; larger values take the darkest colour. */
const MAX_BITS = 16;

function continuous(
  metric: ColourMetric,
  interpolate: (t: number) => string,
  domain: [number, number],
  format: (v: number) => string,
): MetricScale {
  const scale = scaleSequential(interpolate).domain(domain).clamp(true);
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => domain[0] + t * (domain[1] - domain[0]));
  return { metric, colour: (v) => scale(v), legend: stops.map((v) => ({ label: format(v), colour: scale(v) })) };
}

/** The colour scale and legend of a metric. `thresholds` are GLTR's rank bucket limits (ascending). */
export function metricScale(metric: ColourMetric, thresholds: readonly number[]): MetricScale {
  switch (metric) {
    case 'surprisal':
      return continuous(metric, interpolateYlOrRd, [0, MAX_BITS], (v) => `${v} bits${v === MAX_BITS ? '+' : ''}`);
    case 'entropy':
      return continuous(
        metric,
        interpolatePurples,
        [0, MAX_BITS / 2],
        (v) => `${v} bits${v === MAX_BITS / 2 ? '+' : ''}`,
      );
    case 'probability':
      return continuous(metric, interpolateBlues, [0, 1], (v) => v.toFixed(2));
    case 'relativeToTop':
      return continuous(
        metric,
        (t) => interpolateYlOrRd(1 - t),
        [0, 1],
        (v) => v.toFixed(2),
      );
    case 'rank': {
      const labels = thresholds.map((t) => `top ${t.toLocaleString('en-US')}`);
      labels.push(`beyond ${thresholds.at(-1)?.toLocaleString('en-US')}`);
      // The last bucket ("beyond") is always GLTR's purple, however many thresholds there are.
      const colourOf = (bucket: number) => (bucket >= thresholds.length ? GLTR_COLOURS[3] : GLTR_COLOURS[bucket]);
      return { metric, colour: colourOf, legend: labels.map((label, i) => ({ label, colour: colourOf(i) })) };
    }
  }
}

const MAX_THRESHOLDS = GLTR_COLOURS.length - 1;

/**
 * Checks editable GLTR thresholds ("10, 100, 1000"): ascending whole numbers of 1 or more, 1
 * to 3 of them (the last colour is "beyond"). A refused text gets the sentence the field shows.
 */
export function checkThresholds(text: string): FieldCheck<number[]> {
  const example = 'like 10, 100, 1000';
  const words = text.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) return { ok: false, problem: `Type 1 to ${MAX_THRESHOLDS} rank limits, ${example}.` };
  if (words.length > MAX_THRESHOLDS)
    return {
      ok: false,
      problem: `At most ${MAX_THRESHOLDS} rank limits (${MAX_THRESHOLDS + 1} colours), ${example}; this has ${words.length}.`,
    };
  const notWhole = words.find((word) => !(/^\d+$/.test(word) && Number(word) >= 1));
  if (notWhole !== undefined)
    return { ok: false, problem: `Rank limits are whole numbers of 1 or more, ${example}; “${notWhole}” is not.` };
  const limits = words.map(Number);
  if (!limits.every((n, i) => i === 0 || n > limits[i - 1]))
    return { ok: false, problem: `The rank limits must go up, ${example}.` };
  return { ok: true, value: limits };
}

/** The thresholds, or null when checkThresholds refuses the text. */
export function parseThresholds(text: string): number[] | null {
  const checked = checkThresholds(text);
  return checked.ok ? checked.value : null;
}

/** Why the thresholds text is refused, as one sentence; null when it is fine. */
export function thresholdsProblem(text: string): string | null {
  const checked = checkThresholds(text);
  return checked.ok ? null : checked.problem;
}
