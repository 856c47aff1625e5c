/**
 * A small API on `window.__tokenscope` for end-to-end tests (pages opened with `?testApi=1`),
 * so specs can break the worker on purpose and read state without scraping the DOM.
 */
import { engineClient } from '../state/engineActions';
import { useSession } from '../state/sessionStore';

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
}

declare global {
  interface Window {
    __tokenscope?: TokenscopeTestApi;
  }
}

export function installTestApi(): void {
  window.__tokenscope = {
    killWorker: () => engineClient().rawWorker.terminate(),
    misbehave: async (how) => { await engineClient().call('debugMisbehave', { how }); },
    setHangTimeoutMs: (ms) => { engineClient().hangTimeoutMs = ms; },
    workerGeneration: () => engineClient().generation,
    call: ((kind: never, params: never, options: never) => engineClient().call(kind, params, options)) as TokenscopeTestApi['call'],
    state: useSession.getState,
  };
}
