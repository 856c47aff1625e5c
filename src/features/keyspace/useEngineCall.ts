/**
 * One engine call per view part: rerun when `deps` change (null `call`: nothing to ask), the
 * older request cancelled in the worker, errors kept as sentences.
 */
import { useEffect, useState } from 'react';
import { EngineCallError } from '../../worker/client';

export interface CallState<R> {
  status: 'idle' | 'working' | 'ready' | 'error';
  result: R | null;
  error: string | null;
}

export function useEngineCall<R>(
  call: ((signal: AbortSignal) => Promise<R>) | null,
  deps: readonly unknown[],
): CallState<R> {
  const [state, setState] = useState<CallState<R>>({ status: 'idle', result: null, error: null });
  useEffect(() => {
    if (!call) {
      setState({ status: 'idle', result: null, error: null });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, status: 'working', error: null }));
    call(controller.signal).then(
      (result) => {
        if (!controller.signal.aborted) setState({ status: 'ready', result, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted || (error instanceof EngineCallError && error.code === 'cancelled')) return;
        setState({ status: 'error', result: null, error: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
    // NOTE: the caller lists in `deps` everything `call` reads.
  }, deps);
  return state;
}
