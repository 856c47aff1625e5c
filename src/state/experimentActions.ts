/**
 * Experiments: save the lab as a record, list, open (the exact view back), rename, tag,
 * duplicate, delete with undo, export and import files, share links, storage health. The
 * records live in IndexedDB (src/storage); when it cannot open, in memory with a warning.
 */
import { create } from 'zustand';
import packageJson from '../../package.json';
import { parseImportFile, createExportFile } from '../core/experiments/importExport';
import type { Experiment, ExperimentModel, ExperimentSettings } from '../core/experiments/schema';
import { perTokenCsv } from '../core/experiments/csv';
import {
  compareExperiments,
  modelFileDifferences,
  reproduces,
  type Comparison,
  type ComparedSide,
} from '../core/experiments/compare';
import { distributionView } from '../core/lab/distributionView';
import { labToDraft, treeFromRecord } from '../core/lab/experimentRecord';
import { COLOUR_METRICS } from '../core/lab/tokenColours';
import type { ExperimentSummary } from '../storage';
import {
  createMemoryRepository,
  estimateStorage,
  moveToDisk,
  openExperimentsStorage,
  requestPersistentStorage,
  type ExperimentsStorage,
} from '../storage/storageHealth';
import { isQuotaExceeded, StaleRevisionError, StorageFullError } from '../storage/errors';
import {
  holdingLock,
  interruptedImportMessage,
  newImportMarkerKey,
  readImportMarker,
  readImportMarkers,
  removeImportMarker,
  storageFullImportMessage,
  writeImportMarker,
} from '../storage/importProgress';
import { loadModel, updateSettings } from './engineActions';
import { restoreLab, samplingSettingsOf } from './nextTokenActions';
import { useSession } from './sessionStore';
import { downloadBlob } from './downloadBlob';
import { DEFAULT_HUB_URL, withTrailingSlash } from '../protocol/modelSources';

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

function storage(): Promise<ExperimentsStorage> {
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

async function repository() {
  return (await storage()).repository;
}

function report(error: unknown): void {
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

/** The loaded model as a record describes it; null when nothing is loaded. */
export function currentModel(): ExperimentModel | null {
  const model = useSession.getState().model;
  if (!model) return null;
  const source: ExperimentModel['source'] =
    model.source.kind === 'hub'
      ? { kind: 'hub', revision: model.source.revision ?? 'main', fileHashes: model.fileHashes }
      : model.source.kind === 'folder'
        ? { kind: 'folder', folderName: model.source.name, fileHashes: model.fileHashes }
        : { kind: 'embedded', fileHashes: model.fileHashes };
  const id = model.source.kind === 'embedded' || model.source.kind === 'hub' ? model.source.id : model.label;
  return { id, source, dtype: model.dtype, backend: model.backend === 'node-cpu' ? 'wasm' : model.backend };
}

/** The lab on screen as a record draft (inputs, tree, selection, results snapshot); null with no model. */
function currentDraft(name: string): ReturnType<typeof labToDraft> | null {
  const { text, settings, lab, vocabulary, model: info } = useSession.getState();
  const model = currentModel();
  if (!model || !info) return null;
  const tokenText = (id: number) => vocabulary?.tokens[id] ?? `#${id}`;
  const analysed = lab.analysis && lab.analysis.positions.length === lab.analysedIds.length;
  const view = lab.row ? distributionView(lab.row.logits, samplingSettingsOf(settings), settings.topN, null) : null;
  return labToDraft({
    name: name.trim() || 'Untitled experiment',
    model,
    vocabularySize: info.vocabSize,
    text,
    settings: { ...samplingSettingsOf(settings), seed: settings.seed, colourMetric: settings.colourMetric },
    tree: lab.tree,
    selectedPosition: lab.selected,
    tokenText,
    analysis: analysed ? { ids: lab.analysedIds, positions: lab.analysis!.positions } : null,
    distribution:
      view && lab.row
        ? {
            position: lab.row.position,
            top: view.rows.map((r) => ({ tokenId: r.tokenId, probability: r.probability })),
            tailMass: view.tail.probability,
          }
        : null,
  });
}

let failNextSaveAsFull = false;

/**
 * Test API only: the next save fails as IndexedDB does when the quota is hit. (Chromium's
 * DevTools quota override did not make IndexedDB writes fail in our tests, so the end-to-end
 * test of the fallback goes through this.)
 */
export function simulateFullStorageOnNextSave(): void {
  failNextSaveAsFull = true;
}

/** Saves the lab as it is on screen: inputs, tree, selection and a results snapshot. */
export async function saveCurrentExperiment(name: string): Promise<string | null> {
  const draft = currentDraft(name);
  if (!draft) {
    set({ notice: { kind: 'error', text: 'Load a model before saving an experiment.' } });
    return null;
  }
  try {
    if (failNextSaveAsFull) {
      failNextSaveAsFull = false;
      throw new DOMException('The quota has been exceeded (simulated by the test API).', 'QuotaExceededError');
    }
    const saved = await (await repository()).create(draft);
    set({ notice: { kind: 'info', text: `Saved “${saved.experiment.name}”.` } });
    await refreshExperiments();
    return saved.experiment.id;
  } catch (error) {
    if (isQuotaExceeded(error) || error instanceof StorageFullError) return keepInMemory(draft);
    report(error);
    return null;
  }
}

/**
 * The browser's quota is hit: the experiment goes to a memory repository for this tab (never
 * lost silently) and the notice asks for an export; later saves go there too.
 */
async function keepInMemory(draft: NonNullable<ReturnType<typeof currentDraft>>): Promise<string | null> {
  const memory = createMemoryRepository({ appVersion: APP_VERSION });
  const previous = await repository();
  // Records already on disk stay readable: copy them into memory beside the new one.
  for (const summary of (await previous.list()).experiments) {
    const stored = await previous.get(summary.id);
    if (stored) await memory.insert(stored.experiment);
  }
  const saved = await memory.create(draft);
  const reason =
    'The browser’s storage for this site is full, so experiments are now kept in this tab’s memory only and are lost when it closes.';
  storagePromise = Promise.resolve({ repository: memory, database: null, memoryOnlyReason: reason, onDiskLater: null });
  set({
    memoryOnlyReason: reason,
    notice: {
      kind: 'error',
      text: `Saved “${saved.experiment.name}” in memory only: storage is full. Export it now (Experiments → Export all).`,
    },
  });
  await refreshExperiments();
  return saved.experiment.id;
}

/** Opens a saved experiment: the model (if another), the text, settings, seed, tree and selection come back. */
export async function openExperiment(id: string): Promise<boolean> {
  try {
    const stored = await (await repository()).get(id);
    if (!stored) throw new Error('This experiment no longer exists.');
    const { experiment } = stored;
    if (!(await ensureModel(experiment.model))) return false;
    applySavedSettings(experiment.settings);
    await restoreLab(experiment.text, treeFromRecord(experiment.branches), experiment.settings.selectedPosition);
    set({ notice: { kind: 'info', text: `Opened “${experiment.name}”.` } });
    return true;
  } catch (error) {
    report(error);
    return false;
  }
}

/** The sampling settings, seed and (when the lab has it) colour metric of a record or link. */
export function applySavedSettings(saved: ExperimentSettings): void {
  const { temperature, topK, topP, minP, seed, colourMetric } = saved;
  const labMetric = COLOUR_METRICS.find((m) => m.metric === colourMetric)?.metric;
  updateSettings({ temperature, topK, topP, minP, seed, ...(labMetric ? { colourMetric: labMetric } : {}) });
}

/** The Hub host a Hub model was loaded from, with a trailing slash. */
export function hostOf(source: { host?: string }): string {
  return withTrailingSlash(source.host ?? DEFAULT_HUB_URL);
}

/**
 * Loads the experiment's model when another one is loaded (embedded and Hub models; a folder
 * must be opened by hand). A Hub model comes from `hubHost`, by default the user's Hub host
 * (saved records do not keep the host).
 */
export async function ensureModel(
  model: ExperimentModel,
  hubHost = useSession.getState().settings.hubUrl,
): Promise<boolean> {
  const current = currentModel();
  const loadedSource = useSession.getState().model?.source;
  const sameHost = loadedSource?.kind !== 'hub' || hostOf(loadedSource) === withTrailingSlash(hubHost);
  if (current && current.id === model.id && current.source.kind === model.source.kind && sameHost) return true;
  if (model.source.kind === 'folder') {
    set({
      notice: {
        kind: 'error',
        text: `This experiment used the local folder “${model.source.folderName}”: open that folder in Models first.`,
      },
    });
    return false;
  }
  const source =
    model.source.kind === 'hub'
      ? { kind: 'hub' as const, id: model.id, revision: model.source.revision, host: withTrailingSlash(hubHost) }
      : { kind: 'embedded' as const, id: model.id };
  const loaded = await loadModel({ source, dtype: 'auto' });
  if (!loaded)
    set({ notice: { kind: 'error', text: `Could not load ${model.id} for this experiment (see the model picker).` } });
  return loaded;
}

function sideOf(experiment: Pick<Experiment, 'name' | 'model' | 'text' | 'results'>): ComparedSide {
  return { name: experiment.name, modelId: experiment.model.id, text: experiment.text, results: experiment.results };
}

/** Ticks or unticks an experiment for "Compare"; a third tick drops the oldest. */
export function togglePicked(id: string): void {
  const picked = useExperiments.getState().picked;
  set({ picked: picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id].slice(-2) });
}

/** The two ticked experiments side by side: per position when their tokens agree, summaries otherwise. */
export async function compareSaved(idA: string, idB: string): Promise<void> {
  try {
    const repo = await repository();
    const [a, b] = await Promise.all([repo.get(idA), repo.get(idB)]);
    if (!a || !b) throw new Error('One of the two experiments no longer exists.');
    set({
      comparison: {
        nameA: a.experiment.name,
        nameB: b.experiment.name,
        verdict: null,
        modelFiles: null,
        comparison: compareExperiments(sideOf(a.experiment), sideOf(b.experiment)),
      },
    });
  } catch (error) {
    report(error);
  }
}

export function closeComparison(): void {
  set({ comparison: null });
}

/**
 * Re-runs a saved experiment on the model loaded now (which may be another one): its text,
 * tree, settings and selection go to the lab, the analysis runs, and what changed against
 * the saved numbers is shown, with whether they reproduce.
 */
export async function rerunExperiment(id: string): Promise<boolean> {
  try {
    const stored = await (await repository()).get(id);
    if (!stored) throw new Error('This experiment no longer exists.');
    const saved = stored.experiment;
    applySavedSettings(saved.settings);
    const analysed = await restoreLab(saved.text, treeFromRecord(saved.branches), saved.settings.selectedPosition);
    const fresh = currentDraft(`${saved.name} (re-run)`);
    if (!analysed || !fresh) throw new Error('The re-run did not finish (see the lab for the reason).');
    const model = useSession.getState().model!;
    const comparison = compareExperiments(sideOf(saved), { ...sideOf(fresh), name: `re-run on ${model.label}` });
    const modelFiles = modelFileDifferences(saved.model.source.fileHashes, model.fileHashes);
    set({
      comparison: {
        nameA: saved.name,
        nameB: `re-run on ${model.label} (${model.backend})`,
        verdict: reproduces(comparison),
        modelFiles,
        comparison,
      },
    });
    return true;
  } catch (error) {
    report(error);
    return false;
  }
}

/** The notes of a saved experiment ('' when it has none or is gone), for the edit form. */
export async function experimentNotes(id: string): Promise<string> {
  return (await (await repository()).get(id))?.experiment.notes ?? '';
}

/** Name, tags (comma-separated) and notes in one write. */
/**
 * Name, tags (comma-separated) and notes in one write, based on `revision`, the one the edit
 * started from: if another tab changed the experiment since, nothing is overwritten and the
 * notice says so (the list then shows the other tab's version).
 */
export async function editExperiment(
  id: string,
  revision: number,
  changes: { name: string; tagsText: string; notes: string },
): Promise<void> {
  try {
    const repo = await repository();
    const tags = [
      ...new Set(
        changes.tagsText
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    const name = changes.name.trim();
    const saved = await repo.update(id, revision, { ...(name ? { name } : {}), tags, notes: changes.notes });
    set({ notice: { kind: 'info', text: `Saved the changes to “${saved.experiment.name}”.` } });
    await refreshExperiments();
  } catch (error) {
    report(error);
    if (error instanceof StaleRevisionError) await refreshExperiments();
  }
}

export async function duplicateExperiment(id: string): Promise<void> {
  try {
    await (await repository()).duplicate(id);
    await refreshExperiments();
  } catch (error) {
    report(error);
  }
}

export async function deleteExperiment(id: string, name: string): Promise<void> {
  try {
    await (await repository()).delete(id);
    set({ lastDeleted: { id, name }, notice: { kind: 'info', text: `Deleted “${name}”.` } });
    await refreshExperiments();
  } catch (error) {
    report(error);
  }
}

export async function undoDelete(): Promise<void> {
  const deleted = useExperiments.getState().lastDeleted;
  if (!deleted) return;
  try {
    await (await repository()).restore(deleted.id);
    set({ lastDeleted: null, notice: { kind: 'info', text: `Restored “${deleted.name}”.` } });
    await refreshExperiments();
  } catch (error) {
    report(error);
  }
}

function download(fileName: string, type: string, content: string): void {
  downloadBlob(fileName, new Blob([content], { type }));
}

/** Downloads one experiment, or all of them, as a JSON file. */
export async function exportExperiments(id?: string): Promise<void> {
  try {
    const repo = await repository();
    const ids = id ? [id] : (await repo.list()).experiments.map((e) => e.id);
    const records = (await Promise.all(ids.map((i) => repo.get(i)))).filter((r) => r !== null).map((r) => r.experiment);
    download(
      id ? `tokenscope-${id}.json` : 'tokenscope-experiments.json',
      'application/json',
      createExportFile(records, { exportedAt: new Date().toISOString() }),
    );
  } catch (error) {
    report(error);
  }
}

/** The per-token table of a saved experiment as CSV. */
export async function exportExperimentCsv(id: string): Promise<void> {
  try {
    const stored = await (await repository()).get(id);
    if (!stored?.experiment.results) throw new Error('This experiment has no per-token results to export.');
    download(`tokenscope-${id}.csv`, 'text/csv', perTokenCsv(stored.experiment.results));
  } catch (error) {
    report(error);
  }
}

/** Records written per transaction: a quick import, and at most one batch's progress lost to a reload or a full disk. */
const IMPORT_BATCH = 100;

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function browserStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled: the import runs, without a marker
  }
}

/**
 * Imports a JSON file in batches: valid records are added, ids already stored are left alone
 * (so importing a file again never duplicates), the report says what was skipped and why.
 * While it runs a marker in localStorage names the file and its records, so the next load
 * can say what an interrupted import brought in (reportInterruptedImports).
 */
export async function importExperiments(file: File): Promise<void> {
  const total = { records: 0, added: 0, alreadyStored: 0 };
  try {
    const parsed = parseImportFile(await file.text());
    if (!parsed.ok) throw new Error(`${file.name} cannot be imported: ${parsed.error}`);
    const repo = await repository();
    total.records = parsed.experiments.length;
    const markerKey = newImportMarkerKey();
    // The lock is held before the marker exists: another tab never sees a running import's marker unlocked.
    await holdingLock(markerKey, async () => {
      writeImportMarker(browserStorage(), markerKey, {
        fileName: file.name,
        ids: parsed.experiments.map((e) => e.id),
        startedAt: new Date().toISOString(),
      });
      try {
        for (let start = 0; start < total.records; start += IMPORT_BATCH) {
          const result = await repo.insertMany(parsed.experiments.slice(start, start + IMPORT_BATCH));
          total.added += result.added.length;
          total.alreadyStored += result.alreadyStored.length;
          const done = total.added + total.alreadyStored;
          if (done < total.records)
            set({
              notice: {
                kind: 'info',
                text: `Importing ${file.name}: ${done.toLocaleString('en-US')} of ${plural(total.records, 'record')}…`,
              },
            });
        }
      } finally {
        removeImportMarker(browserStorage(), markerKey);
      }
    });
    const skipped = parsed.skipped.map(
      (s) => `record ${s.index + 1}${s.name ? ` (“${s.name}”)` : ''}: ${s.reasons.join('; ')}`,
    );
    const already =
      total.alreadyStored > 0
        ? ` ${plural(total.alreadyStored, 'experiment')} of the file ${total.alreadyStored === 1 ? 'was' : 'were'} already stored (not duplicated).`
        : '';
    set({
      notice: {
        kind: skipped.length ? 'error' : 'info',
        text: `Imported ${plural(total.added, 'experiment')} from ${file.name}.${already}${skipped.length ? ` Skipped ${skipped.length}: ${skipped.join(' · ')}` : ''}`,
      },
    });
  } catch (error) {
    if (error instanceof StorageFullError || isQuotaExceeded(error)) {
      set({
        notice: {
          kind: 'error',
          text: storageFullImportMessage(file.name, total.added + total.alreadyStored, total.records),
        },
      });
    } else {
      report(error);
    }
  }
  await refreshExperiments();
}

/**
 * Says what an import that did not finish (the page was closed or reloaded during it)
 * brought in: how many of the file's records are stored now. An import still running in
 * another tab holds its marker's lock: this waits for it, and finds the marker gone if that
 * import ends normally. Runs once, on load.
 */
export function reportInterruptedImports(): void {
  const storageArea = browserStorage();
  for (const { key } of readImportMarkers(storageArea)) {
    void holdingLock(key, async () => {
      const marker = readImportMarker(storageArea, key);
      if (!marker) return;
      try {
        const { experiments } = await (await repository()).list({ deleted: 'include' });
        const stored = new Set(experiments.map((e) => e.id));
        const imported = marker.ids.filter((id) => stored.has(id)).length;
        set({
          notice: { kind: 'error', text: interruptedImportMessage(marker.fileName, imported, marker.ids.length) },
        });
        removeImportMarker(storageArea, key);
      } catch (error) {
        report(error);
      }
    });
  }
}

// On load (the views import this module at start-up): report an unfinished import, and open
// the database once the page is idle, so the first visit to the Experiments tab does not wait
// for the open (50–150 ms when the browser has not opened it yet).
if (typeof window !== 'undefined') {
  reportInterruptedImports();
  const whenIdle = window.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 1_000));
  whenIdle(() => void storage());
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
