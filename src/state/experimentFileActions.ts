/**
 * Experiments as files: export one or all as JSON, the per-token table as CSV, and import a
 * JSON file in batches, with a marker that lets the next page load report an import that did
 * not finish. Also holds the start-up side effect of the experiments (see the end), here
 * because it starts with that report.
 */
import { parseImportFile, createExportFile } from '../core/experiments/importExport';
import { perTokenCsv } from '../core/experiments/csv';
import { isQuotaExceeded, StorageFullError } from '../storage/errors';
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
import { downloadBlob } from './downloadBlob';
import { experimentsStorage, refreshExperiments, report, repository, useExperiments } from './experimentsStore';

const set = useExperiments.setState;

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

// On load (ExperimentsView, which App imports, and SaveExperiment import this module, so it
// runs once at start-up): report an unfinished import, and open the database once the page is
// idle, so the first visit to the Experiments tab does not wait for the open (50–150 ms when
// the browser has not opened it yet).
if (typeof window !== 'undefined') {
  reportInterruptedImports();
  const whenIdle = window.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 1_000));
  whenIdle(() => void experimentsStorage());
}
