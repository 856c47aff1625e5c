/**
 * The one way a view calls the worker: a worker task (src/state/workerTask.ts) per view part,
 * mirrored into React state. `useWorkerTask` runs when asked (a button; a cancelled long text
 * stays cancelled); `useWorkerCall` runs whenever its key changes. Both have the same state
 * and `cancel`.
 */
import { startTransition, useEffect, useState } from 'react';
import {
  createWorkerTask,
  type WorkerCall,
  type WorkerTask,
  type WorkerTaskOptions,
  type WorkerTaskState,
} from '../../state/workerTask';

export interface WorkerTaskHookOptions<E, P> extends WorkerTaskOptions<E, P> {
  /**
   * Apply progress and results inside startTransition: a row of a 1 MB text is thousands of chips,
   * rendered in interruptible slices. Starts, cancels and errors stay urgent so buttons answer at once.
   */
  transition?: boolean;
}

export interface WorkerTaskView<R, P> extends WorkerTaskState<R, P> {
  /** Stops the call in the worker; the result (and folded progress) stay. */
  cancel: () => void;
}

/** Options are read on the first render. */
function useMirroredTask<R, E, P>(options: WorkerTaskHookOptions<E, P>): [WorkerTaskState<R, P>, WorkerTask<R, E, P>] {
  const [task] = useState(() => createWorkerTask<R, E, P>(options));
  const [state, setState] = useState(task.getState);
  const transition = options.transition ?? false;
  useEffect(() => {
    task.subscribe((next, change) => {
      if (transition && change !== 'status') startTransition(() => setState(next));
      else setState(next);
    });
    // A change before this effect ran (StrictMode's second mount, a parent's effect) is not missed.
    setState(task.getState());
    return task.dispose;
  }, [task]);
  return [state, task];
}

/** A call run when asked: `run` starts one (aborting the older), `reset` goes back to idle. */
export function useWorkerTask<R, E = never, P = E>(
  options: WorkerTaskHookOptions<E, P> = {},
): WorkerTaskView<R, P> & { run: (call: WorkerCall<R, E>) => void; reset: () => void } {
  const [state, task] = useMirroredTask<R, E, P>(options);
  return { ...state, run: task.run, cancel: task.cancel, reset: task.reset };
}

export interface WorkerCallOptions<E, P> extends WorkerTaskHookOptions<E, P> {
  /** Wait this long after the last key change before calling (typing asks once). Working meanwhile. */
  settleMs?: number;
}

/**
 * A call run whenever `key` changes (null: nothing to ask, idle), compared as effect
 * dependencies are: a string, or an object the caller memoises.
 * NOTE: `call` is read when the key changes; everything it depends on must be in the key.
 */
export function useWorkerCall<R, E = never, P = E>(
  key: string | object | null,
  call: WorkerCall<R, E>,
  options: WorkerCallOptions<E, P> = {},
): WorkerTaskView<R, P> {
  const [state, task] = useMirroredTask<R, E, P>(options);
  useEffect(() => {
    if (key === null) task.reset();
    else task.schedule(call, options.settleMs ?? 0);
  }, [key]);
  return { ...state, cancel: task.cancel };
}
