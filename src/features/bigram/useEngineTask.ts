/**
 * One cancellable engine task per view part: `run` starts it (cancelling the previous one),
 * `cancel` stops it in the worker, progress is shown while it works. Unlike an automatic
 * call, nothing re-runs until asked, so a cancelled long text stays cancelled.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { EngineCallError } from '../../worker/client';

export type TaskStatus = 'idle' | 'working' | 'ready' | 'error' | 'cancelled';

export interface TaskState<R, P> {
  status: TaskStatus;
  result: R | null;
  progress: P | null;
  error: string | null;
}

export function useEngineTask<R, P>(): TaskState<R, P> & {
  run: (task: (signal: AbortSignal, onProgress: (p: P) => void) => Promise<R>) => void;
  cancel: () => void;
  reset: () => void;
} {
  const [state, setState] = useState<TaskState<R, P>>({ status: 'idle', result: null, progress: null, error: null });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const run = useCallback((task: (signal: AbortSignal, onProgress: (p: P) => void) => Promise<R>) => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setState((s) => ({ ...s, status: 'working', progress: null, error: null }));
    Promise.resolve()
      .then(() =>
        task(current.signal, (progress) => {
          if (!current.signal.aborted) setState((s) => ({ ...s, progress }));
        }),
      )
      .then(
        (result) => {
          if (!current.signal.aborted) setState({ status: 'ready', result, progress: null, error: null });
        },
        (error: unknown) => {
          if (current.signal.aborted || (error instanceof EngineCallError && error.code === 'cancelled')) return;
          setState((s) => ({
            ...s,
            status: 'error',
            progress: null,
            error: error instanceof Error ? error.message : String(error),
          }));
        },
      );
  }, []);

  const cancel = useCallback(() => {
    if (!controller.current) return;
    controller.current.abort();
    controller.current = null;
    setState((s) => (s.status === 'working' ? { ...s, status: 'cancelled', progress: null } : s));
  }, []);

  const reset = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
    setState({ status: 'idle', result: null, progress: null, error: null });
  }, []);

  return { ...state, run, cancel, reset };
}
