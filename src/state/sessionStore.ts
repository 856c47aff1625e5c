/**
 * The session store: what the user chose and typed, what the engine reports, and the
 * next-token lab. Data only; the actions that talk to the worker are in engineActions.ts and nextTokenActions.ts.
 */
import { create } from 'zustand';
import { emptyTree, type BranchTree } from '../core/lab/branchTree';
import type { CautiousStepResult } from '../core/lab/cautiousDecoding';
import type { AnalyzeResult, TokenView, VocabularyResult, WindowProgress } from '../protocol/nextToken';
import type { BackendReport, CachedModelEntry, Dtype, LoadProgress, ModelInfo, ModelSource } from '../protocol/model';
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

/** The next-token lab: the text scored position by position, the explored continuations, the selected position. */
export interface NextTokenLabState {
  /** The text's tokens as last tokenized. */
  textIds: number[];
  textTokens: TokenView[];
  /** Every continuation explored after the text; the current node is the one shown. */
  tree: BranchTree;
  /** Views of the current continuation's tokens (pathTokens(tree)). */
  continuationTokens: TokenView[];
  status: 'idle' | 'running' | 'ready' | 'error';
  error: string | null;
  /** Windows done while a long text is scored. */
  progress: WindowProgress | null;
  analysis: AnalyzeResult | null;
  /** The ids (text, then continuation) the analysis is of. */
  analysedIds: number[];
  /** The position whose distribution is shown (0..ids.length); null follows the end. */
  selected: number | null;
  /** Logits at the shown position: the sliders recompute from these without the model. */
  row: { position: number; logits: Float32Array; contextTokens: number } | null;
  /** A running "generate N" (null when none). */
  generation: { done: number; total: number } | null;
  /** Cautious steps of the last cautious generation: where each began (tokens after the text) and its trials. */
  /** appendedCount: how many of the chosen trial's tokens went in (fewer when "Generate N" cut it to end at N). */
  cautiousSteps: { depth: number; result: CautiousStepResult; appendedCount: number }[];
}

export const EMPTY_LAB: NextTokenLabState = {
  textIds: [],
  textTokens: [],
  tree: emptyTree(),
  continuationTokens: [],
  status: 'idle',
  error: null,
  progress: null,
  analysis: null,
  analysedIds: [],
  selected: null,
  row: null,
  generation: null,
  cautiousSteps: [],
};

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
  nextToken: NextTokenLabState;
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
  nextToken: EMPTY_LAB,
  cachedModels: [],
}));
