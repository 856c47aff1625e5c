/**
 * Errors the engine raises on purpose, with a code the UI can act on and a message a
 * person understands (naming the model and the file where there is one).
 */
import type { EngineErrorCode, ErrorReport } from '../protocol/errors';
import { yieldToEventLoop } from '../core/yieldToEventLoop';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** The model file the error is about, relative to the model folder. */
  readonly file: string | null;

  constructor(code: EngineErrorCode, message: string, file: string | null = null) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.file = file;
  }
}

export function cancelledError(what: string): EngineError {
  return new EngineError('cancelled', `${what} was cancelled.`);
}

/** Throws the cancellation error when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw cancelledError(what);
}

/**
 * A timer task, as yieldToEventLoop, started from a message task. Chromium clamps a setTimeout(0)
 * nested five deep in timer tasks to 4 ms, and a loop that resumes only from its own timers
 * (each ONNX Runtime WASM run settles at once) is nested that deep from its fifth turn: in a
 * Chromium worker 40 such yields with 8 ms of work between took ~150 ms, ~10 ms with this one. The hop through a
 * MessageChannel resets the nesting; the timer stays, so a message already queued (a cancel
 * request) is still handled before it fires (a MessageChannel alone let the loop go on before a
 * timer queued ahead of it: errors.test.ts).
 */
function yieldWithoutTimerClamp(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return yieldToEventLoop();
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close(); // an open port would keep Node's event loop (the CLI) alive
      setTimeout(resolve, 0);
    };
    port2.postMessage(null);
  });
}

/** Between two pieces of long work: lets a cancel request in, then throws if it came. */
export async function cancellationPoint(signal: AbortSignal | undefined, what: string): Promise<void> {
  await yieldWithoutTimerClamp();
  throwIfCancelled(signal, what);
}

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || (error instanceof EngineError && error.code === 'cancelled'))
  );
}

export function toErrorReport(error: unknown): ErrorReport {
  if (error instanceof EngineError) return { code: error.code, message: error.message, file: error.file };
  if (isAbortError(error)) return { code: 'cancelled', message: 'The request was cancelled.', file: null };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'runtime', message, file: null };
}
