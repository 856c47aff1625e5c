/** The batch grid's contract: runs of a batch definition and the scoring set. */
import type { BackendPreference, FolderFile, ModelSource } from './model';
import type { BatchDefinitionInput } from '../core/batch/definition';
import type { OverallScore, ScoringText, TextScore } from '../core/batch/scoring';
import type { SampleResult } from '../core/batch/results';

export interface BatchRunParams {
  /** The stored batch's id (storage/batchStore.ts), under which the results are written. */
  batchId: string;
  definition: BatchDefinitionInput;
  backend: BackendPreference;
  /** Hub host for the definition's Hub models (the app's setting); default the engine's. */
  hubHost?: string;
  /** The files of the definition's folder models, by folder name (a picked folder is only in the page). */
  folders?: { name: string; files: FolderFile[] }[];
}

/** The runner's progress, with the sample that just finished (stored already); null for the others. */
export interface BatchRunProgress extends BatchProgress {
  result: SampleResult | null;
}

export interface BatchScoreParams {
  source: ModelSource;
  backend: BackendPreference;
  texts: ScoringText[];
}

export interface BatchProgress {
  /** The model being loaded or run (its key); null before the first and after the last. */
  modelKey: string | null;
  loading: boolean;
  /** Cells of this shard with every task done (earlier runs' included). */
  cellsDone: number;
  cellsTotal: number;
  /** Tasks of this shard done (earlier runs' included). */
  samplesDone: number;
  samplesTotal: number;
  /** Tokens generated per second in this run (model loads included in the time); null before the first sample. */
  tokensPerSecond: number | null;
  /** The samples left at this run's pace so far; null before the first sample. */
  secondsLeft: number | null;
}

export interface BatchRunSummary {
  batch: string;
  /** Tasks of this shard; of them, skipped (already done) and run now. */
  tasks: number;
  skipped: number;
  ran: number;
  tokens: number;
  elapsedMs: number;
  /** Models loaded by this run (those with work left), with their load time. */
  models: { key: string; label: string; loadMs: number }[];
}

export interface ScoreTextsResult {
  thresholds: number[];
  texts: TextScore[];
  overall: OverallScore;
}
