/**
 * Actions that drive the engine through the worker client and record what happens in the
 * session store. Module-level so React components, the worker client's callbacks and the
 * test API can all call them.
 */
import { sourceLabel } from '../protocol/modelSources';
import { EngineCallError, EngineClient, WorkerRestartedError } from '../worker/client';
import { createEngineWorker } from '../worker/createEngineWorker';
import { takeEarlyWorker } from '../worker/earlyWorker';
import { engineClient, hasEngineClient, setEngineClient } from './engineClient';
import { refreshAnalysis, resetLabForModel, restoreLab, scheduleAnalysis } from './nextTokenActions';
import { useSession, type ModelSelection } from './sessionStore';
import { storeSettings, storeText, type Settings } from './settings';
import { messageOf } from '../core/messageOf';

/** The strongest embedded model; public/models/models.json names the same `default` (a unit test checks). */
export const DEFAULT_MODEL_ID = 'sotu-gpt-long';
export const DEFAULT_SELECTION: ModelSelection = { source: { kind: 'embedded', id: DEFAULT_MODEL_ID }, dtype: 'auto' };

const TEXT_SETTLE_MS = 120;

let loadController: AbortController | null = null;
/** A restart we asked for (a backend switch) is not a failure to report. */
let requestedRestartReason: string | null = null;

const set = useSession.setState;
const get = useSession.getState;

/** Starts the worker, probes the backend and loads the default (or given) model. */
export async function startEngine(options: { testApi: boolean; selection?: ModelSelection }): Promise<void> {
  if (hasEngineClient()) return;
  setEngineClient(
    new EngineClient({
      // The worker the page's entry started, if it is still waiting; a restart makes a new one.
      createWorker: () => takeEarlyWorker() ?? createEngineWorker({ testApi: options.testApi }),
      onHealth: (health) => set({ workerHealth: health }),
      onRestart: (reason) => void recoverFromRestart(reason),
    }),
  );
  // The probe and the default model's load are asked for at once, not the load after the
  // probe's reply: that reply waits for the main thread, busy with the first render, while the
  // worker answers calls in order and the load uses that same probe. A model the user
  // picks meanwhile (a folder, a Hub id) cancels the default's load, as any newer load does.
  const probed = probeBackend();
  await loadModel(options.selection ?? DEFAULT_SELECTION);
  await probed;
}

async function probeBackend(): Promise<void> {
  try {
    set({ backendReport: await engineClient().call('probe', {}) });
  } catch (error) {
    set({ workerNotice: `Could not probe the backend: ${messageOf(error)}` });
  }
}

/**
 * After a crash or hang the new worker is empty: reload what the user had, keep text and
 * settings, and put the tree of continuations and the selected position back (reloading the
 * model alone would start an empty tree, which the draft autosave would then keep).
 */
async function recoverFromRestart(reason: string): Promise<void> {
  const requested = reason === requestedRestartReason;
  requestedRestartReason = null;
  const before = get();
  const kept = {
    modelKey: before.model?.key ?? null,
    text: before.text,
    tree: before.nextToken.tree,
    selected: before.nextToken.selected,
  };
  set({
    model: null,
    ...(requested
      ? {}
      : {
          workerNotice: `The inference worker stopped (${reason}) and was restarted; your text, settings and continuations are kept.`,
        }),
  });
  await probeBackend();
  const selection = get().selection ?? DEFAULT_SELECTION;
  const loaded = await loadModel(selection);
  const now = get();
  if (loaded && now.model?.key === kept.modelKey && now.text === kept.text)
    await restoreLab(kept.text, kept.tree, kept.selected);
}

/**
 * Loads a model. On failure the store keeps the previous model (the engine still has it)
 * and shows the error naming the file.
 */
export async function loadModel(selection: ModelSelection): Promise<boolean> {
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  const label = sourceLabel(selection.source);
  set({ load: { status: 'loading', target: label, progress: null, error: null } });
  try {
    const info = await engineClient().call(
      'load',
      {
        source: selection.source,
        backend: get().settings.backend,
        dtype: selection.dtype,
        modelFileName: selection.modelFileName,
      },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          if (loadController === controller) set((s) => ({ load: { ...s.load, progress } }));
        },
      },
    );
    if (loadController !== controller) return false;
    set({
      model: info,
      selection,
      load: { status: 'idle', target: null, progress: null, error: null },
      vocabulary: null,
    });
    resetLabForModel();
    // The analysis starts without waiting for the vocabulary's reply (a round trip saved): the
    // worker answers in order, so the vocabulary is in the store before the analysis's replies.
    // It starts now, not on a timer: its first call then goes out before React renders the new
    // model (a timer would fire after that render, tens of ms on a page's first load).
    const vocabulary = engineClient().call('vocabulary', {});
    void refreshAnalysis();
    set({ vocabulary: await vocabulary });
    void refreshCachedModels();
    return true;
  } catch (error) {
    if (loadController !== controller) return false;
    if (error instanceof WorkerRestartedError) return false;
    const cancelled = error instanceof EngineCallError && error.code === 'cancelled';
    if (error instanceof EngineCallError && error.code === 'needs-new-worker') {
      // The worker's ONNX Runtime build cannot switch backend: restart, and the restart reloads.
      set({ selection });
      restartWorker('switching backend');
      return false;
    }
    set({
      load: cancelled
        ? { status: 'idle', target: null, progress: null, error: null }
        : {
            status: 'error',
            target: label,
            progress: null,
            error: { message: messageOf(error), file: error instanceof EngineCallError ? error.file : null },
          },
    });
    return false;
  } finally {
    if (loadController === controller) loadController = null;
  }
}

export function cancelLoad(): void {
  loadController?.abort();
}

export function dismissLoadError(): void {
  set((s) => ({ load: { ...s.load, status: 'idle', error: null, target: null } }));
}

export function dismissWorkerNotice(): void {
  set({ workerNotice: null });
}

export function setText(text: string): void {
  set({ text });
  storeText(text);
  scheduleAnalysis(TEXT_SETTLE_MS);
}

export function updateSettings(patch: Partial<Settings>): void {
  const previous = get().settings;
  const settings = { ...previous, ...patch };
  set({ settings });
  storeSettings(settings);
  if (settings.backend !== previous.backend && hasEngineClient()) {
    // A backend change needs a fresh ONNX Runtime: restart the worker; it reloads the model.
    restartWorker(`backend set to ${settings.backend}`);
    return;
  }
}

function restartWorker(reason: string): void {
  requestedRestartReason = reason;
  engineClient().restart(reason);
}

export async function refreshCachedModels(): Promise<void> {
  try {
    set({ cachedModels: await engineClient().call('listCachedModels', {}) });
  } catch {
    // Cache Storage can be unavailable (private windows): no "cached" marks then.
  }
}

export async function clearCachedModels(modelId?: string): Promise<number> {
  const { deletedFiles } = await engineClient().call('clearCachedModels', modelId ? { modelId } : {});
  await refreshCachedModels();
  return deletedFiles;
}
