/**
 * A small API on `window.__tokenscope` for end-to-end tests (pages opened with `?testApi=1`),
 * so specs can break the worker on purpose and read state without scraping the DOM.
 */
import { engineClient } from '../state/engineClient';
import { simulateFullStorageOnNextSave } from '../state/experimentSaveActions';
import { useSession } from '../state/sessionStore';
import type { BenchResult } from '../storage/bench';

export interface TokenscopeTestApi {
  /** Terminates the worker without telling the client, as a browser kill would. */
  killWorker(): void;
  /** Asks the worker to throw an uncaught error (a crash) or block forever (a hang). */
  misbehave(how: 'throw-uncaught' | 'hang' | 'close'): Promise<void>;
  setHangTimeoutMs(ms: number): void;
  workerGeneration(): number;
  /** Sends a request straight to the engine (for benchmarks). */
  call: ReturnType<typeof engineClient>['call'];
  state: typeof useSession.getState;
  /** The next experiment save fails as a full disk would (QuotaExceededError). */
  simulateFullStorageOnNextSave(): void;
  /** The storage benchmark on real IndexedDB, in a database of its own that is deleted after. */
  benchmarkStorage(count: number, samples: number): Promise<BenchResult & { firstListMedianMs: number }>;
}

declare global {
  interface Window {
    __tokenscope?: TokenscopeTestApi;
  }
}

export function installTestApi(): void {
  window.__tokenscope = {
    killWorker: () => engineClient().rawWorker.terminate(),
    misbehave: async (how) => {
      await engineClient().call('debugMisbehave', { how });
    },
    setHangTimeoutMs: (ms) => {
      engineClient().hangTimeoutMs = ms;
    },
    workerGeneration: () => engineClient().generation,
    call: ((kind: never, params: never, options: never) =>
      engineClient().call(kind, params, options)) as TokenscopeTestApi['call'],
    state: useSession.getState,
    simulateFullStorageOnNextSave,
    benchmarkStorage: async (count, samples) => {
      // Loaded on demand: benchmark code stays out of the app's start-up bundle.
      const { benchmarkRepository, createExperimentsRepository, openExperimentsDatabase } = await import('../storage');
      const { median } = await import('../storage/bench');
      const name = `tokenscope-bench-${Date.now()}`;
      const database = await openExperimentsDatabase({ name });
      try {
        const result = await benchmarkRepository(
          createExperimentsRepository(database.entries, { appVersion: 'bench' }),
          { count, samples },
        );
        // The first list of a new connection (a new tab, or after another tab wrote) reads every summary.
        const firstLists: number[] = [];
        for (let i = 0; i < 5; i++) {
          const other = await openExperimentsDatabase({ name });
          const started = performance.now();
          await createExperimentsRepository(other.entries, { appVersion: 'bench' }).list();
          firstLists.push(performance.now() - started);
          other.close();
        }
        return { ...result, firstListMedianMs: median(firstLists) };
      } finally {
        database.close();
        indexedDB.deleteDatabase(name);
      }
    },
  };
}
