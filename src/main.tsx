// The page's entry, kept tiny on purpose: it starts the engine worker at once (earlyWorker.ts), so
// the worker's bundle downloads and compiles beside the app's, then loads the app (startApp.tsx).
import { testApi } from './app/testApiFlag';
import { startEarlyWorker } from './worker/earlyWorker';

startEarlyWorker({ testApi });
import('./app/startApp').catch((error: unknown) => {
  const root = document.getElementById('root');
  if (root)
    root.textContent = `Tokenscope could not be loaded (${error instanceof Error ? error.message : String(error)}). Reload the page to try again.`;
});
