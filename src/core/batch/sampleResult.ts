/**
 * The type of one batch result (one task's sample), its own file so statistics.ts can use it
 * without importing results.ts, which re-exports statistics.ts. Import it from results.ts.
 */
import type { SamplingSettingsRecord } from './tasks';

export type StoppedBy = 'max-tokens' | 'stop-string' | 'end-of-text';

export interface SampleResult {
  /** batchId(def): files of different definitions never mix. */
  batch: string;
  /** The task's index in the canonical order (batchTasks). */
  task: number;
  promptId: string;
  modelKey: string;
  cellKey: string;
  sample: number;
  /** taskSeed(…); token i was drawn with positionSeed(seed, i). */
  seed: number;
  settings: SamplingSettingsRecord;
  /** The generated text: without an end-of-text token, cut before a stop string. */
  completion: string;
  /** Every drawn token, the end-of-text token or the one that completed a stop string included. */
  tokenIds: number[];
  /** ln p of each drawn token under the model's own distribution (temperature 1). */
  logProbs: number[];
  /** Entropy in bits of the model's temperature-1 distribution at each step. */
  entropyBits: number[];
  stoppedBy: StoppedBy;
  /** Whether the completion matches an expected answer; null when the prompt has none. */
  matched: boolean | null;
}
