/**
 * The app, loaded by the page's entry (main.tsx) once it has started the engine worker. First
 * the default model's load and the precomputed first view start (startEarly.ts), then React.
 */
import { engineStarted } from './startEarly';
import { testApi } from './testApiFlag';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installTestApi } from './testApi';
import './app.css';
import { startOfflineApp } from '../state/offlineApp';
import { applyShareLinkFromLocation } from '../state/shareLinkActions';
import { applyDemoLinkFromLocation } from '../state/demoScriptFileActions';
import { restoreLabDraft, startLabDraftAutosave } from '../state/nextTokenDraftActions';

/** A demo link (#demo=…) opens its script at its start; otherwise a share link (#share=…) is applied. */
const applyLinkFromLocation = async () => (await applyDemoLinkFromLocation()) || (await applyShareLinkFromLocation());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// A share link (#share=…) is applied once the default model is up; otherwise the tree of
// continuations explored last time comes back. Autosave starts after, so it cannot
// overwrite the kept tree with the empty one of a fresh start.
void engineStarted
  .then(applyLinkFromLocation)
  .then((shared) => (shared ? false : restoreLabDraft()))
  .finally(() => {
    startLabDraftAutosave();
    // A link pasted into this tab's address bar changes only the hash (no reload).
    window.addEventListener('hashchange', () => void applyLinkFromLocation());
    // The production build saves itself for offline use (a service worker; src/state/offlineApp.ts),
    // once the first model is up: installing it fetches the app's files, which a cold start should
    // not wait behind. A page the worker already controls is served by it from the first request.
    void startOfflineApp();
  });
if (testApi) installTestApi();
