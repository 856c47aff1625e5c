/**
 * The session store: what the user chose and typed, what the engine reports, and the
 * current prediction. Data only; the actions that talk to the worker are in engineActions.ts.
 */
import { create } from 'zustand';
import type { NextTokenDistribution } from '../core/scoring/positionStats';
import type { BackendReport, CachedModelEntry, Dtype, LoadProgress, ModelInfo, ModelSource, VocabularyResult } from '../engine/types';
import type { WorkerHealth } from '../worker/client';
import { readStoredSettings, readStoredText, settingsFromQuery, type Settings } from './settings';

/** What the user asked to load (the folder's files stay referenced so a restarted worker can reload them). */
export interface ModelSelection {
  source: ModelSource;
  dtype: Dtype;
  modelFileName?: string;
}

export interface LoadState {
  status: 'idle' | 'loading' | 'error';
  /** Label of the model being loaded (or that failed). */
  target: string | null;
  progress: LoadProgress | null;
  error: { message: string; file: string | null } | null;
}

export interface PredictionState {
  status: 'idle' | 'running' | 'ready' | 'error';
  /** Tokens of context the distribution was computed from. */
  contextTokens: number;
  textTokens: number;
  distribution: NextTokenDistribution | null;
  elapsedMs: number | null;
  error: string | null;
}

export interface SessionState {
  text: string;
  settings: Settings;
  backendReport: BackendReport | null;
  workerHealth: WorkerHealth;
  /** The last restart, shown until dismissed. */
  workerNotice: string | null;
  selection: ModelSelection | null;
  model: ModelInfo | null;
  load: LoadState;
  vocabulary: VocabularyResult | null;
  prediction: PredictionState;
  cachedModels: CachedModelEntry[];
}

function initialSettings(): Settings {
  const search = typeof location === 'undefined' ? '' : location.search;
  return { ...readStoredSettings(), ...settingsFromQuery(search) };
}

export const useSession = create<SessionState>(() => ({
  text: readStoredText(),
  settings: initialSettings(),
  backendReport: null,
  workerHealth: 'starting',
  workerNotice: null,
  selection: null,
  model: null,
  load: { status: 'idle', target: null, progress: null, error: null },
  vocabulary: null,
  prediction: { status: 'idle', contextTokens: 0, textTokens: 0, distribution: null, elapsedMs: null, error: null },
  cachedModels: [],
}));
