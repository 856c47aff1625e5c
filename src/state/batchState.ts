/**
 * The Batch view's store (issue 18): stored batches, the one this page runs with its progress,
 * the results on screen, a two-batch comparison and the scoring set. Data only; the actions
 * are in batchActions.ts.
 */
import { create } from 'zustand';
import type { BatchDefinition } from '../core/batch/definition';
import type { SampleResult, TableRow } from '../core/batch/results';
import type { BatchProgress } from '../protocol/batch';
import type { ScoreTextsResult } from '../protocol/batch';
import type { StoredBatch } from '../storage/batchStore';

/** A stored batch with how far it got. */
export interface BatchListEntry extends StoredBatch {
  /** Results stored. */
  stored: number;
  /** Tasks of the definition. */
  tasks: number;
}

/** The id the imported results file goes by (in the comparison's picks). */
export const IMPORTED_ID = 'imported-file';

export interface ShownResults {
  /** A stored batch's id, or IMPORTED_ID. */
  id: string;
  name: string;
  /** Null for an imported file (results files carry no definition). */
  definition: BatchDefinition | null;
  results: SampleResult[];
}

export interface RunningBatch {
  id: string;
  name: string;
  progress: BatchProgress | null;
  /** What the user asked while the worker winds down. */
  stopping: 'pause' | 'cancel' | null;
}

export interface BatchComparison {
  a: { name: string; rows: TableRow[] };
  b: { name: string; rows: TableRow[] };
}

export interface ScoringState {
  status: 'idle' | 'running' | 'ready' | 'error';
  model: string | null;
  progress: { done: number; total: number } | null;
  result: ScoreTextsResult | null;
  error: string | null;
}

export interface BatchViewState {
  listStatus: 'idle' | 'loading' | 'ready' | 'error';
  list: BatchListEntry[];
  /** Why batches are kept in memory only (no IndexedDB); null when they are stored. */
  memoryOnlyReason: string | null;
  running: RunningBatch | null;
  shown: ShownResults | null;
  /** The last results file imported (viewable and comparable until another is imported). */
  imported: ShownResults | null;
  /** Ids ticked for the comparison (at most two, oldest first). */
  picked: string[];
  comparison: BatchComparison | null;
  notice: { kind: 'info' | 'error'; text: string } | null;
  scoring: ScoringState;
}

export const useBatches = create<BatchViewState>(() => ({
  listStatus: 'idle',
  list: [],
  memoryOnlyReason: null,
  running: null,
  shown: null,
  imported: null,
  picked: [],
  comparison: null,
  notice: null,
  scoring: { status: 'idle', model: null, progress: null, result: null, error: null },
}));
