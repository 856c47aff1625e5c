/**
 * The tokenizer lab's requests to the worker, and how the view keeps a request's progress.
 * Each request that takes a signal is cancelled in the worker (between tokenizers) when it aborts.
 */
import type { LabProgress, LabRow } from '../protocol/tokenizerLab';
import { engineClient } from './engineClient';

type OnLabProgress = (progress: LabProgress) => void;

export function labTokenizers() {
  return engineClient().call('tokenizerLabTokenizers', {});
}

export function labTokenize(tokenizerIds: string[], text: string, signal: AbortSignal, onProgress: OnLabProgress) {
  return engineClient().call('tokenizerLabTokenize', { tokenizerIds, text }, { signal, onProgress });
}

export function labParity(tokenizerIds: string[], signal: AbortSignal, onProgress?: OnLabProgress) {
  return engineClient().call('tokenizerLabParity', { tokenizerIds }, { signal, onProgress });
}

export function labCharPositions(
  tokenizerIds: string[],
  word: string,
  signal: AbortSignal,
  onProgress?: OnLabProgress,
) {
  return engineClient().call('tokenizerLabCharPositions', { tokenizerIds, word }, { signal, onProgress });
}

/** A lab request's progress as the view keeps it: the latest event, and the rows finished so far. */
export interface LabRunProgress {
  latest: LabProgress;
  rows: readonly LabRow[];
}

/** Folds one progress event in (a worker task's foldProgress): rows are drawn as they finish, and stay after a cancel. */
export function foldLabProgress(previous: LabRunProgress | null, event: LabProgress): LabRunProgress {
  const rows = previous?.rows ?? [];
  return { latest: event, rows: event.row ? [...rows, event.row] : rows };
}
