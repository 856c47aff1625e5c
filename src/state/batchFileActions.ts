/**
 * The Batch view's files and side tasks: import a results JSONL (the CLI's, shards merged) to view and
 * compare it, token texts for a sample's tokens, and the scoring set (GLTR statistics).
 */
import { bundledScoringSet } from '../core/batch/examples';
import { parseResultFile } from '../core/batch/results';
import { engineClient } from './engineClient';
import { messageOf } from '../core/messageOf';
import { report } from './batchActions';
import { IMPORTED_ID, useBatches } from './batchState';
import { useSession } from './sessionStore';
import { EngineCallError } from '../worker/client';

const set = useBatches.setState;

/** Reads a results JSONL (one run, or shards merged) and shows its table. */
export async function importResultsFile(file: File): Promise<void> {
  try {
    const parsed = parseResultFile(await file.text(), file.name, true);
    if (parsed.results.length === 0) throw new Error(`${file.name} holds no results.`);
    const imported = { id: IMPORTED_ID, name: file.name, definition: null, results: parsed.results };
    const cut = parsed.partialTail !== null ? ' Its last line was cut off (a run still writing?) and is left out.' : '';
    set((s) => ({
      imported,
      shown: imported,
      picked: s.picked.filter((p) => p !== IMPORTED_ID),
      comparison: null,
      notice: { kind: 'info', text: `Imported ${parsed.results.length} results from ${file.name}.${cut}` },
    }));
  } catch (error) {
    report(error);
  }
}

/** Each token id's text, when the lab's loaded model is the cell's model (else null: ids only). */
export async function tokenTexts(modelKey: string, ids: readonly number[]): Promise<Map<number, string> | null> {
  const loaded = useSession.getState().model?.key;
  if (!loaded || modelKey.replace(/#.*$/, '') !== loaded.replace(/#.*$/, '')) return null;
  const unique = [...new Set(ids)];
  const views = await engineClient().call('tokenViews', { ids: unique });
  return new Map(unique.map((id, i) => [id, views[i].text]));
}

let scoringController: AbortController | null = null;

/** GLTR statistics of the bundled scoring set on the loaded model, in the worker's batch engine. */
export async function runScoringSet(): Promise<void> {
  const { selection, model, settings } = useSession.getState();
  if (!selection || !model)
    return set({
      scoring: {
        status: 'error',
        model: null,
        progress: null,
        result: null,
        error: 'Load a model first: the texts are scored on the loaded model.',
      },
    });
  scoringController?.abort();
  const controller = new AbortController();
  scoringController = controller;
  set({ scoring: { status: 'running', model: model.label, progress: null, result: null, error: null } });
  try {
    const texts = bundledScoringSet('scoring').texts;
    const result = await engineClient().call(
      'batchScore',
      { source: selection.source, backend: settings.backend, texts },
      {
        signal: controller.signal,
        onProgress: (progress) => set((s) => ({ scoring: { ...s.scoring, progress } })),
      },
    );
    set((s) => ({ scoring: { ...s.scoring, status: 'ready', progress: null, result } }));
  } catch (error) {
    const cancelled = error instanceof EngineCallError && error.code === 'cancelled';
    set((s) => ({
      scoring: {
        ...s.scoring,
        status: cancelled ? 'idle' : 'error',
        progress: null,
        error: cancelled ? null : messageOf(error),
      },
    }));
  } finally {
    if (scoringController === controller) scoringController = null;
  }
}

export function cancelScoring(): void {
  scoringController?.abort();
}
