/** Starts the inference worker (a module worker bundled by Vite). */
const WORKER_NAME = 'tokenscope-engine';
/** Must match TEST_WORKER_NAME_SUFFIX in engine.worker.ts (not imported: that would bundle the worker into the page). */
const TEST_API_SUFFIX = '+test-api';

export function createEngineWorker(options: { testApi: boolean }): Worker {
  return new Worker(new URL('./engine.worker.ts', import.meta.url), {
    type: 'module',
    name: options.testApi ? `${WORKER_NAME}${TEST_API_SUFFIX}` : WORKER_NAME,
  });
}
