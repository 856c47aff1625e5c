/**
 * One cancellable worker call at a time, without React, so every view calls the worker the same
 * way (src/features/common/useWorkerTask.ts mirrors it into a component). A new call aborts the
 * older one in the worker; once a call is aborted its result, progress and errors are ignored, so
 * a slow old answer can never overwrite a newer one.
 */
import { messageOf } from '../core/messageOf';
import { EngineCallError } from '../worker/client';

export type WorkerTaskStatus = 'idle' | 'working' | 'ready' | 'error' | 'cancelled';

export interface WorkerTaskState<R, P> {
  status: WorkerTaskStatus;
  /** The last result; kept while a newer call works, after a cancel and after an error. */
  result: R | null;
  /** While working: the latest progress event, or what foldProgress has made of them so far. */
  progress: P | null;
  /** The error as a sentence. */
  error: string | null;
}

/** A worker call: `signal` cancels it in the worker, `onProgress` receives its progress events. */
export type WorkerCall<R, E> = (signal: AbortSignal, onProgress: (event: E) => void) => Promise<R>;

/**
 * What a change came from: the worker's progress or result (the heavy renders: a row of a 1 MB
 * text is thousands of chips) or a status change (a start, cancel, reset or error).
 */
export type WorkerTaskChange = 'progress' | 'result' | 'status';

export type WorkerTaskListener<R, P> = (state: WorkerTaskState<R, P>, change: WorkerTaskChange) => void;

export interface WorkerTaskOptions<E, P> {
  /**
   * Folds each progress event into what the view keeps (the tokenizer lab: the rows finished so
   * far). Folded progress is work done, so it stays after a cancel or an error; plain progress
   * (the latest event) says where a call is and is cleared when the call stops.
   */
  foldProgress?: (previous: P | null, event: E) => P;
}

export interface WorkerTask<R, E, P> {
  getState(): WorkerTaskState<R, P>;
  /** Calls `listener` on every change; returns the unsubscribe. */
  subscribe(listener: WorkerTaskListener<R, P>): () => void;
  /** Starts `call` now, aborting the older one. */
  run(call: WorkerCall<R, E>): void;
  /** Starts `call` after `settleMs` without a newer schedule or run (typing asks once, not per key). Working meanwhile. */
  schedule(call: WorkerCall<R, E>, settleMs: number): void;
  /** Aborts the call; 'cancelled' if it was working. The result (and folded progress) stay. */
  cancel(): void;
  /** Aborts the call and goes back to idle. */
  reset(): void;
  /** Aborts the call and drops the listeners. It stays usable: React's StrictMode mounts a component twice. */
  dispose(): void;
}

const IDLE: WorkerTaskState<never, never> = { status: 'idle', result: null, progress: null, error: null };

export function createWorkerTask<R, E = never, P = E>(options: WorkerTaskOptions<E, P> = {}): WorkerTask<R, E, P> {
  // Without a fold, the progress shown is the latest event itself (P is E).
  const fold = options.foldProgress ?? ((_previous: P | null, event: E) => event as unknown as P);
  const keptProgress = () => (options.foldProgress ? state.progress : null);
  const listeners = new Set<WorkerTaskListener<R, P>>();
  let state: WorkerTaskState<R, P> = IDLE;
  /** The call whose outcome counts (scheduled or running); null when none. */
  let current: AbortController | null = null;
  let settleTimer: ReturnType<typeof setTimeout> | null = null;

  const publish = (next: WorkerTaskState<R, P>, change: WorkerTaskChange) => {
    state = next;
    for (const listener of listeners) listener(state, change);
  };

  const stop = () => {
    if (settleTimer !== null) clearTimeout(settleTimer);
    settleTimer = null;
    current?.abort();
    current = null;
  };

  const execute = async (call: WorkerCall<R, E>, controller: AbortController) => {
    const onProgress = (event: E) => {
      if (!controller.signal.aborted) publish({ ...state, progress: fold(state.progress, event) }, 'progress');
    };
    try {
      const result = await call(controller.signal, onProgress);
      if (controller.signal.aborted) return;
      current = null;
      publish({ status: 'ready', result, progress: null, error: null }, 'result');
    } catch (error) {
      if (controller.signal.aborted) return;
      current = null;
      // Cancelled in the worker, not here (a model switch, say): not an error, and no longer working.
      if (error instanceof EngineCallError && error.code === 'cancelled')
        publish({ ...state, status: 'cancelled', progress: keptProgress() }, 'status');
      else publish({ ...state, status: 'error', progress: keptProgress(), error: messageOf(error) }, 'status');
    }
  };

  const schedule = (call: WorkerCall<R, E>, settleMs: number) => {
    stop();
    const controller = new AbortController();
    current = controller;
    publish({ ...state, status: 'working', progress: null, error: null }, 'status');
    if (settleMs <= 0) void execute(call, controller);
    else
      settleTimer = setTimeout(() => {
        settleTimer = null;
        void execute(call, controller);
      }, settleMs);
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    run: (call) => schedule(call, 0),
    schedule,
    cancel() {
      stop();
      if (state.status === 'working') publish({ ...state, status: 'cancelled', progress: keptProgress() }, 'status');
    },
    reset() {
      stop();
      if (state !== IDLE) publish(IDLE, 'status');
    },
    dispose() {
      stop();
      listeners.clear();
    },
  };
}
