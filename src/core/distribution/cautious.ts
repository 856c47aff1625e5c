/**
 * The pure decision maths of Cautious Next Token Prediction (CNTP; Wang et al., Findings
 * ACL 2025, arXiv 2507.03038; code wyzjack/CNTP; docs/PAPERS.md section 5). At each step
 * the entropy of the processed distribution sets a trial count N; with N > 1 the engine
 * samples N trials, each until a punctuation token (or a stop criterion), and appends the
 * trial with the lowest perplexity. The model calls live in the engine; this module decides.
 */

import type { Scores } from './softmax';
import { withDefaults } from './validate';

/** N_max: the most trials at one step (default of every released script). */
export const CNTP_MAX_TRIALS = 10;
/** N_min in the code (`min_trials`): one trial means a normal decoding step. */
export const CNTP_MIN_TRIALS = 1;
/** H_min in nats: at or below it the step is never branched. */
export const CNTP_ENTROPY_LOW_NATS = 0.01;
/** H_max in nats: at or above it the trial count saturates at N_max. */
export const CNTP_ENTROPY_HIGH_NATS = 1.5;
/** The epsilon inside the code's entropy, −Σ p ln(p + ε). */
export const CNTP_ENTROPY_EPSILON = 1e-10;
/** The texts whose first token id stops a trial in the code: . , \n ? ! : ; ) ] } */
export const CNTP_STOP_TEXTS: readonly string[] = ['.', ',', '\n', '?', '!', ':', ';', ')', ']', '}'];

/**
 * Which trial-count formula to use; the released code and the paper differ:
 * - 'code':  N = ⌊1 + (N_max − 1)·clip((H − H_min)/(H_max − H_min), 0, 1)⌋, so N ≥ 2 from H ≈ 0.1756 nats;
 * - 'paper': N = max(1, min(N_max, ⌊(H − H_min)/(H_max − H_min)·N_max⌋)), so N ≥ 2 from H = 0.308 nats.
 */
export type CautiousTrialRule = 'code' | 'paper';

export interface CautiousSettings {
  maxTrials: number;
  entropyLowNats: number;
  entropyHighNats: number;
  rule: CautiousTrialRule;
}

/** The released defaults; 'code' because every released script ran the code's formula. */
export const CNTP_DEFAULT_SETTINGS: Readonly<CautiousSettings> = {
  maxTrials: CNTP_MAX_TRIALS,
  entropyLowNats: CNTP_ENTROPY_LOW_NATS,
  entropyHighNats: CNTP_ENTROPY_HIGH_NATS,
  rule: 'code',
};

/**
 * Entropy exactly as CNTP's code measures it, H = −Σ p ln(p + 1e−10) in nats, on the
 * *processed* probabilities (after temperature and top-p: pass the sampling pipeline's
 * final `probabilities`, not the raw softmax). Slightly above −Σ p ln p for tiny p.
 */
export function cautiousEntropyNats(probabilities: Scores): number {
  let h = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (p > 0) h -= p * Math.log(p + CNTP_ENTROPY_EPSILON);
  }
  return h;
}

/**
 * The number of trials N(H) at a step with entropy H (nats), by the chosen rule.
 * NOTE: the code evaluates this in float32 torch tensors and this in float64, so an H
 * within ~1e-7 of a step of the staircase may land on the other step.
 *
 * @example
 * cautiousTrialCount(0.2); // 2 (code rule: 1 + 9 × 0.1275 = 2.15)
 * cautiousTrialCount(0.2, { rule: 'paper' }); // 1 (⌊10 × 0.1275⌋ = 1)
 */
export function cautiousTrialCount(entropyNats: number, settings: Partial<CautiousSettings> = {}): number {
  const { maxTrials, entropyLowNats: low, entropyHighNats: high, rule } = withDefaults(CNTP_DEFAULT_SETTINGS, settings);
  if (Number.isNaN(entropyNats)) throw new RangeError('entropy is NaN');
  if (!(Number.isInteger(maxTrials) && maxTrials >= 1))
    throw new RangeError(`maxTrials must be an integer >= 1 (got ${maxTrials})`);
  if (!(high > low)) throw new RangeError(`entropyHighNats (${high}) must be greater than entropyLowNats (${low})`);
  const ratio = (entropyNats - low) / (high - low);
  if (rule === 'code') {
    const clipped = Math.min(1, Math.max(0, ratio));
    return Math.floor(CNTP_MIN_TRIALS + (maxTrials - CNTP_MIN_TRIALS) * clipped);
  }
  return Math.max(1, Math.min(maxTrials, Math.floor(ratio * maxTrials)));
}

/**
 * The entropy threshold test: true when the step branches into trials (N(H) > 1).
 * With N = 1 the step is a normal one (sample, or argmax under greedy settings); with
 * N > 1 every trial samples, even under greedy settings.
 */
export function cautiousShouldBranch(entropyNats: number, settings: Partial<CautiousSettings> = {}): boolean {
  return cautiousTrialCount(entropyNats, settings) > 1;
}

/**
 * A trial's perplexity exp(−(1/|s|) Σ ln p(w_t)) from the natural-log probabilities of its
 * tokens under the processed distribution (the one they were sampled from), punctuation
 * token included. A zero-probability token gives Infinity. Throws on an empty trial.
 *
 * @example
 * trialPerplexity([Math.log(0.5), Math.log(0.125)]); // 4
 */
export function trialPerplexity(tokenLogProbs: Scores): number {
  if (tokenLogProbs.length === 0) throw new RangeError('a trial has at least one token');
  let sum = 0;
  for (let i = 0; i < tokenLogProbs.length; i++) sum += tokenLogProbs[i];
  return Math.exp(-sum / tokenLogProbs.length);
}

export interface TrialChoice {
  /** The index of the chosen trial: the lowest perplexity, the first one on ties. */
  index: number;
  /** Each trial's perplexity, in trial order. */
  perplexities: number[];
}

/**
 * Chooses among trial continuations the one with the lowest perplexity (the earliest on
 * ties, as Python's `min` over indices in the code). The whole chosen trial is appended.
 *
 * @example
 * chooseTrial([[Math.log(0.5)], [Math.log(0.9), Math.log(0.8)]]).index; // 1
 */
export function chooseTrial(trials: readonly Scores[]): TrialChoice {
  if (trials.length === 0) throw new RangeError('chooseTrial needs at least one trial');
  const perplexities = trials.map(trialPerplexity);
  let index = 0;
  for (let i = 1; i < perplexities.length; i++) if (perplexities[i] < perplexities[index]) index = i;
  return { index, perplexities };
}

/**
 * The punctuation stopping rule as a predicate on a token's decoded text: true when the
 * text is exactly one of `. , \n ? ! : ; ) ] }`. Merged tokens such as " .", ".\n" or "),"
 * do not stop a trial, as in the code (which compares token ids; see `cautiousStopTokenIds`).
 *
 * @example
 * isCautiousStopText('.'); // true
 * isCautiousStopText(' .'); // false
 */
export function isCautiousStopText(tokenText: string): boolean {
  return CNTP_STOP_TEXTS.includes(tokenText);
}

/**
 * The code's exact stop set: the first id of encode(x) for each stop text x, where
 * `encode` tokenizes without special tokens. Tokenizers that prepend a space marker
 * (SentencePiece) can make that first id something other than the bare character; the
 * set then differs from `isCautiousStopText`, exactly as it did in the released code.
 */
export function cautiousStopTokenIds(encode: (text: string) => ArrayLike<number>): Set<number> {
  const ids = new Set<number>();
  for (const text of CNTP_STOP_TEXTS) {
    const encoded = encode(text);
    if (encoded.length > 0) ids.add(encoded[0]);
  }
  return ids;
}
