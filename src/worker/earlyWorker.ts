/**
 * The engine worker, started by the page's entry (main.tsx) before the rest of the app is even
 * downloaded: the worker's own bundle (ONNX Runtime, transformers.js) then downloads and compiles
 * on the other core while the app's bundle does, instead of after it. The engine client takes
 * the worker over once the app runs; what the worker said in between (its `ready`, an error while
 * starting) is kept and handed to the client's handlers.
 */
import { createEngineWorker } from './createEngineWorker';

interface EarlyWorker {
  worker: Worker;
  said: Event[];
}

let early: EarlyWorker | null = null;

export function startEarlyWorker(options: { testApi: boolean }): void {
  const worker = createEngineWorker(options);
  const said: Event[] = [];
  const keep = (event: Event) => void said.push(event);
  worker.onmessage = worker.onerror = worker.onmessageerror = keep;
  early = { worker, said };
}

/**
 * The early worker, or null when none is waiting (not started, or taken already: a restarted
 * worker is a new one). The taker sets its handlers right after this returns; a microtask then
 * replays what the worker said before, in order, before any later message arrives.
 */
export function takeEarlyWorker(): Worker | null {
  if (!early) return null;
  const { worker, said } = early;
  early = null;
  worker.onmessage = worker.onerror = worker.onmessageerror = null;
  queueMicrotask(() => {
    for (const event of said) {
      if (event.type === 'message') worker.onmessage?.(event as MessageEvent);
      else if (event.type === 'error') worker.onerror?.(event as ErrorEvent);
      else worker.onmessageerror?.(event as MessageEvent);
    }
  });
  return worker;
}
