/**
 * The experiments store (the list, notices, comparison shown, picks) and the storage under it:
 * opening IndexedDB (or memory with a warning when it cannot open), reading the list, asking
 * for persistent storage. Every other experiment*Actions file imports its shared pieces from
 * here, and this file imports none of them, so the experiment modules form no import cycle.
 */
import { create } from 'zustand';
import packageJson from '../../package.json';
import type { Comparison } from '../core/experiments/compare';
import type { ExperimentSummary } from '../storage';
import {
  estimateStorage,
  moveToDisk,
  openExperimentsStorage,
  requestPersistentStorage,
  type ExperimentsStorage,
} from '../storage/storageHealth';

export const APP_VERSION: string = packageJson.version;

export interface ExperimentsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  list: ExperimentSummary[];
  /** Rows the list has: known from the list index before every summary is read (then list.length). */
  total: number;
  problems: { id: string; errors: string[] }[];
  search: string;
  /** Why experiments are kept in memory only; null when IndexedDB works. */
  memoryOnlyReason: string | null;
  usage: { usedBytes: number | null; quotaBytes: number | null; persisted: boolean | null } | null;
  /** The last deletion, for Undo. */
  lastDeleted: { id: string; name: string } | null;
  /** The last thing that happened (saved, imported …), or an error. */
  notice: { kind: 'info' | 'error'; text: string } | null;
  /** Two experiments side by side, or a saved one against its re-run; null when none is shown. */
  comparison: ShownComparison | null;
  /** Ids ticked for "Compare" (at most two, oldest first). */
  picked: string[];
}

export interface ShownComparison {
  nameA: string;
  nameB: string;
  /** Set for a re-run: whether the numbers reproduce, within REPRODUCTION_TOLERANCE. */
  verdict: { ok: boolean; problems: string[] } | null;
  /** Set for a re-run: how the model files differ from the saved ones ([] the same; null unknown). */
  modelFiles: string[] | null;
  comparison: Comparison;
}

export const useExperiments = create<ExperimentsState>(() => ({
  status: 'idle',
  list: [],
  total: 0,
  problems: [],
  search: '',
  memoryOnlyReason: null,
  usage: null,
  lastDeleted: null,
  notice: null,
  comparison: null,
  picked: [],
}));

const set = useExperiments.setState;
let storagePromise: Promise<ExperimentsStorage> | null = null;

/** The experiments storage, opened on the first call (IndexedDB, or memory when it cannot open). */
export function experimentsStorage(): Promise<ExperimentsStorage> {
  storagePromise ??= openExperimentsStorage({
    appVersion: APP_VERSION,
    database: {
      // Said at once: the open waits (10 s) for the other tab before keeping work in memory.
      onBlocked: () =>
        set({
          notice: {
            kind: 'error',
            text: 'Waiting for another Tokenscope tab: an older version keeps the experiments database open, so it cannot be upgraded. Close or reload that tab; your saved experiments are safe.',
          },
        }),
      onClose: () =>
        set({
          notice: {
            kind: 'error',
            text: 'A newer version of Tokenscope opened the experiments database in another tab: reload this tab to keep saving.',
          },
        }),
    },
  }).then((opened) => {
    set({ memoryOnlyReason: opened.memoryOnlyReason });
    if (opened.onDiskLater) void opened.onDiskLater.then(useDiskAgain, report);
    return opened;
  });
  return storagePromise;
}

/** From now on every read and write goes to `replacement` (a full disk moves the records to memory). */
export function replaceExperimentsStorage(replacement: ExperimentsStorage): void {
  storagePromise = Promise.resolve(replacement);
}

/** The older tab let go of the database: save there from now on, with what was kept in memory meanwhile. */
async function useDiskAgain(disk: ExperimentsStorage): Promise<void> {
  const memory = await repository();
  storagePromise = Promise.resolve(disk);
  const moved = await moveToDisk(memory, disk.repository);
  const movedText = moved > 0 ? ` (${moved} kept in memory meanwhile moved there)` : '';
  set({
    memoryOnlyReason: null,
    notice: {
      kind: 'info',
      text: `The other tab let go of the experiments database: experiments are saved there again${movedText}.`,
    },
  });
  await refreshExperiments();
}

/** The repository of the experiments storage in use now. */
export async function repository() {
  return (await experimentsStorage()).repository;
}

/** Shows an error as the notice. */
export function report(error: unknown): void {
  set({ notice: { kind: 'error', text: error instanceof Error ? error.message : String(error) } });
}

/** Resolves once the next frame has been painted, or after 100 ms where frames are paused (a hidden tab). */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
}

/** Rows shown from the list index before the whole list is read: a screenful and some. */
const FIRST_SCREEN_ROWS = 100;
/** Counts refreshes, so that only the latest one (the search typed last) sets the list. */
let refreshes = 0;
/** The search the list in the store is complete for; null before the first complete list. */
let completeListSearch: string | null = null;

/**
 * Reads the list for `search`. With no search and no whole list on screen yet, the newest
 * rows and the count come first from the list index (a few ms at 10,000 records, where
 * reading every summary the first time takes about a second), then the whole list.
 */
export async function refreshExperiments(search = useExperiments.getState().search): Promise<void> {
  const refresh = ++refreshes;
  set({ status: 'loading', search });
  try {
    const repo = await repository();
    if (search.trim() === '' && completeListSearch?.trim() !== '') {
      const start = await repo.listStart(FIRST_SCREEN_ROWS);
      if (refresh !== refreshes) return;
      set({ list: start.experiments, total: start.total });
      await afterNextPaint(); // the first screen paints before the whole list's reading takes the main thread
    }
    const result = await repo.list({ search });
    if (refresh !== refreshes) return;
    completeListSearch = search;
    set({ status: 'ready', list: result.experiments, total: result.experiments.length, problems: result.problems });
    const estimate = await estimateStorage();
    set({ usage: { usedBytes: estimate.usageBytes, quotaBytes: estimate.quotaBytes, persisted: estimate.persisted } });
  } catch (error) {
    set({ status: 'error' });
    report(error);
  }
}

/**
 * The plain list reads only short list rows; a search reads every summary's text. The search box
 * asks for that read when it gets the focus, so the first keystroke need not wait for it, and a
 * save, rename or import (each refreshes the list) reads nothing more than the rows.
 */
export async function prepareExperimentSearch(): Promise<void> {
  try {
    await (await repository()).prepareSearch();
  } catch {
    // The search itself reads what it needs and reports a failure.
  }
}

export async function askForPersistentStorage(): Promise<void> {
  const answer = await requestPersistentStorage();
  const text =
    answer === 'granted'
      ? 'The browser will keep experiments unless you clear them.'
      : answer === 'denied'
        ? 'The browser did not grant persistent storage; export important experiments.'
        : 'This browser cannot promise to keep storage; export important experiments.';
  set({ notice: { kind: answer === 'granted' ? 'info' : 'error', text } });
  await refreshExperiments();
}
