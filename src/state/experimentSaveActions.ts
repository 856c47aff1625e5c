/**
 * Saving the lab on screen as an experiment record: the loaded model and the lab described as
 * a record draft, the save itself, and the fallback to this tab's memory when the browser's
 * storage is full. The draft is also what a re-run compares against (experimentOpenActions).
 */
import type { ExperimentModel } from '../core/experiments/schema';
import type { ModelFileHash, ModelInfo } from '../protocol/model';
import { engineClient } from './engineClient';
import { distributionView } from '../core/lab/distributionView';
import { labToDraft } from '../core/lab/experimentRecord';
import { createMemoryRepository } from '../storage/storageHealth';
import { isQuotaExceeded, StorageFullError } from '../storage/errors';
import { samplingSettingsOf } from './nextTokenActions';
import { useSession } from './sessionStore';
import {
  APP_VERSION,
  refreshExperiments,
  replaceExperimentsStorage,
  report,
  repository,
  useExperiments,
} from './experimentsStore';

const set = useExperiments.setState;

/**
 * The loaded model's file hashes. The worker computes them on the first ask (not during the load,
 * where hashing competed with session creation) and keeps them; they are those of `model`'s load
 * or the call fails (another model was loaded since).
 */
export function loadedFileHashes(model: ModelInfo): Promise<ModelFileHash[]> {
  return engineClient().call('fileHashes', { loadId: model.loadId });
}

/**
 * The loaded model as a record describes it, with the given file hashes (loadedFileHashes; [] only
 * where nothing keeps them: a share link, a comparison of model ids); null when nothing is loaded.
 */
export function currentModel(fileHashes: ModelFileHash[]): ExperimentModel | null {
  const model = useSession.getState().model;
  return model ? experimentModelOf(model, fileHashes) : null;
}

function experimentModelOf(model: ModelInfo, fileHashes: ModelFileHash[]): ExperimentModel {
  const source: ExperimentModel['source'] =
    model.source.kind === 'hub'
      ? { kind: 'hub', revision: model.source.revision ?? 'main', fileHashes }
      : model.source.kind === 'folder'
        ? { kind: 'folder', folderName: model.source.name, fileHashes }
        : { kind: 'embedded', fileHashes };
  const id = model.source.kind === 'embedded' || model.source.kind === 'hub' ? model.source.id : model.label;
  return { id, source, dtype: model.dtype, backend: model.backend === 'node-cpu' ? 'wasm' : model.backend };
}

/**
 * The lab on screen as a record draft (inputs, tree, selection, results snapshot, the model's file
 * hashes); null with no model. The lab is read at once; the hashes may take a moment on the first ask.
 */
export async function currentDraft(name: string): Promise<ReturnType<typeof labToDraft> | null> {
  const { text, settings, nextToken: lab, vocabulary, model: info } = useSession.getState();
  if (!info) return null;
  const model = experimentModelOf(info, await loadedFileHashes(info));
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
  let draft: Awaited<ReturnType<typeof currentDraft>>;
  try {
    draft = await currentDraft(name);
  } catch (error) {
    report(error);
    return null;
  }
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
async function keepInMemory(draft: NonNullable<Awaited<ReturnType<typeof currentDraft>>>): Promise<string | null> {
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
  replaceExperimentsStorage({ repository: memory, database: null, memoryOnlyReason: reason, onDiskLater: null });
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
