/**
 * One tokenizer-lab request at a time per view part: a new request (after a short settle for
 * typing) cancels the older one in the worker, and so does `cancel()`; rows that arrive as
 * progress are shown before the whole result (and kept after a cancel).
 */
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import type { LabProgress, LabRow } from '../../protocol/tokenizerLab';
import { engineClient } from '../../state/engineActions';
import { EngineCallError } from '../../worker/client';
import { messageOf } from '../../core/messageOf';

export interface LabCallState<R> {
  status: 'idle' | 'working' | 'ready' | 'error' | 'cancelled';
  result: R | null;
  /** Rows finished so far (from progress), while working. */
  partialRows: readonly LabRow[];
  progress: LabProgress | null;
  error: string | null;
}

const IDLE = { status: 'idle', result: null, partialRows: [], progress: null, error: null } as const;

export interface LabCall<R> extends LabCallState<R> {
  /** Stops the request in the worker (between tokenizers); the rows finished so far stay. */
  cancel: () => void;
}

/**
 * Runs `call` whenever `key` changes (null: nothing to ask), `settleMs` after the last change.
 * NOTE: `call` is read when the key changes; everything it depends on must be in the key.
 */
export function useLabCall<R>(
  key: string | null,
  call: (signal: AbortSignal, onProgress: (progress: LabProgress) => void) => Promise<R>,
  settleMs = 0,
): LabCall<R> {
  const [state, setState] = useState<LabCallState<R>>(IDLE);
  const running = useRef<AbortController | null>(null);
  useEffect(() => {
    if (key === null) {
      setState(IDLE);
      return;
    }
    const controller = new AbortController();
    running.current = controller;
    setState((s) => ({ ...s, status: 'working', partialRows: [], progress: null, error: null }));
    const timer = setTimeout(() => {
      const onProgress = (progress: LabProgress) => {
        if (controller.signal.aborted) return;
        // A transition: a row of a long text is thousands of chips, rendered in short slices.
        startTransition(() =>
          setState((s) => ({
            ...s,
            progress,
            partialRows: progress.row ? [...s.partialRows, progress.row] : s.partialRows,
          })),
        );
      };
      Promise.resolve()
        .then(() => call(controller.signal, onProgress))
        .then(
          (result) => {
            if (!controller.signal.aborted)
              startTransition(() =>
                setState({ status: 'ready', result, partialRows: [], progress: null, error: null }),
              );
          },
          (error: unknown) => {
            if (controller.signal.aborted) return;
            if (error instanceof EngineCallError && error.code === 'cancelled') {
              // Cancelled in the worker, not here (a model switch, say): no error, and no longer working.
              setState((s) => ({ ...s, status: 'cancelled', progress: null }));
              return;
            }
            setState((s) => ({ ...s, status: 'error', progress: null, error: messageOf(error) }));
          },
        );
    }, settleMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]);
  const cancel = useCallback(() => {
    const controller = running.current;
    if (!controller || controller.signal.aborted) return;
    controller.abort();
    setState((s) => (s.status === 'working' ? { ...s, status: 'cancelled', progress: null } : s));
  }, []);
  return { ...state, cancel };
}

/** Client call shorthand for the lab's kinds. */
export const lab = {
  tokenizers: () => engineClient().call('tokenizerLabTokenizers', {}),
  tokenize: (tokenizerIds: string[], text: string, signal: AbortSignal, onProgress: (p: LabProgress) => void) =>
    engineClient().call('tokenizerLabTokenize', { tokenizerIds, text }, { signal, onProgress }),
  parity: (tokenizerIds: string[], signal: AbortSignal, onProgress: (p: LabProgress) => void) =>
    engineClient().call('tokenizerLabParity', { tokenizerIds }, { signal, onProgress }),
  charPositions: (tokenizerIds: string[], word: string, signal: AbortSignal, onProgress: (p: LabProgress) => void) =>
    engineClient().call('tokenizerLabCharPositions', { tokenizerIds, word }, { signal, onProgress }),
};
