/**
 * Debounced saving of the current draft (as excalidraw saves its scene): each change
 * restarts a short timer, a save happens at least every `maxWaitMs` during continuous
 * editing, saves never overlap, `pause()` holds saving while the app loads or restores a
 * state, and `flush()` saves at once (wire it to `pagehide`, which unlike `unload` also fires
 * when a mobile browser discards the tab).
 */
import type { ExperimentDraft, ExperimentsRepository, StoredExperiment } from './experimentsRepository';

export interface DraftAutosaveOptions<T> {
  save: (draft: T) => Promise<void>;
  /** Quiet time after the last change before saving (ms). */
  delayMs?: number;
  /** Longest a changed draft waits during continuous changes (ms). */
  maxWaitMs?: number;
  /** A save failed; the draft stays pending and is retried on the next change or flush. */
  onError?: (error: unknown) => void;
}

export interface DraftAutosave<T> {
  /** Remembers `draft` as the latest and (re)starts the timer. */
  schedule(draft: T): void;
  /** Saves the pending draft now, even when paused, after any save in flight. */
  flush(): Promise<void>;
  /** Timer-driven saves wait until `resume()`; changes are still remembered. */
  pause(): void;
  resume(): void;
  /** Whether a draft is waiting to be saved. */
  readonly pending: boolean;
  /** Flushes, then stops the timers; later `schedule` calls are ignored. */
  dispose(): Promise<void>;
}

const NOTHING = Symbol('nothing pending');

/**
 * @example
 * const autosave = createDraftAutosave({ save: (draft) => repository.update(id, revision, draft) });
 * store.subscribe((state) => autosave.schedule(state.draft));
 * addEventListener('pagehide', () => void autosave.flush());
 */
export function createDraftAutosave<T>(options: DraftAutosaveOptions<T>): DraftAutosave<T> {
  const delayMs = options.delayMs ?? 1_000;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  let latest: T | typeof NOTHING = NOTHING;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the oldest unsaved change was scheduled (ms), for maxWait. */
  let firstPendingAt: number | null = null;
  let paused = false;
  let disposed = false;
  let inFlight: Promise<void> = Promise.resolve();

  const clearTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };

  const saveLatest = (): Promise<void> => {
    clearTimer();
    // Chained on the previous save so two saves never run at once, and the later one wins.
    inFlight = inFlight.then(async () => {
      if (latest === NOTHING) return;
      const draft = latest;
      latest = NOTHING;
      firstPendingAt = null;
      try {
        await options.save(draft);
      } catch (error) {
        // Keep the failed draft unless a newer one arrived while saving.
        if (latest === NOTHING) latest = draft;
        options.onError?.(error);
      }
    });
    return inFlight;
  };

  const arm = () => {
    clearTimer();
    if (paused || latest === NOTHING) return;
    const waited = Date.now() - (firstPendingAt ?? Date.now());
    timer = setTimeout(() => void saveLatest(), Math.max(0, Math.min(delayMs, maxWaitMs - waited)));
  };

  return {
    schedule(draft) {
      if (disposed) return;
      latest = draft;
      firstPendingAt ??= Date.now();
      arm();
    },
    flush: saveLatest,
    pause() {
      paused = true;
      clearTimer();
    },
    resume() {
      paused = false;
      arm();
    },
    get pending() {
      return latest !== NOTHING;
    },
    async dispose() {
      disposed = true;
      await saveLatest();
      clearTimer();
    },
  };
}

/** The window as far as `flushOnPageHide` needs it. */
export interface PageLifecycleTarget {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
  document?: { visibilityState?: string };
}

/**
 * Flushes on `pagehide` and when the page becomes hidden; returns a function that stops it.
 * NOTE: the browser does not wait for promises here; a transaction started before the page
 * freezes usually still commits. With no save in flight, the flush starts its save in a
 * microtask of the same task; behind a save in flight it may come too late.
 * `visibilitychange` is fired at the document and bubbles to the window.
 */
export function flushOnPageHide(
  autosave: Pick<DraftAutosave<unknown>, 'flush'>,
  target: PageLifecycleTarget = window,
): () => void {
  const onPageHide = () => void autosave.flush();
  const onVisibility = () => {
    if (target.document?.visibilityState === 'hidden') void autosave.flush();
  };
  target.addEventListener('pagehide', onPageHide);
  target.addEventListener('visibilitychange', onVisibility);
  return () => {
    target.removeEventListener('pagehide', onPageHide);
    target.removeEventListener('visibilitychange', onVisibility);
  };
}

/**
 * A `save` for an already stored experiment that follows its revision from save to save.
 * When another tab saved first, the draft is not forced over it: the save fails with
 * StaleRevisionError (the autosave's `onError` sees it) and keeps failing until the app
 * reopens the experiment or saves a copy.
 */
export function saveToExperiment(
  repository: ExperimentsRepository,
  stored: StoredExperiment,
  onSaved?: (saved: StoredExperiment) => void,
): (draft: Partial<ExperimentDraft>) => Promise<void> {
  let revision = stored.revision;
  const id = stored.experiment.id;
  return async (draft) => {
    const saved = await repository.update(id, revision, draft);
    revision = saved.revision;
    onSaved?.(saved);
  };
}
