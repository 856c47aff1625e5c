import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { installTestApi } from './app/testApi';
import './app/app.css';
import { startEngine } from './state/engineActions';
import { applyShareLinkFromLocation } from './state/shareLinkActions';
import { restoreLabDraft, startLabDraftAutosave } from './state/nextTokenDraftActions';

const testApi = new URLSearchParams(location.search).get('testApi') === '1';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Start the worker at once: runtime initialisation overlaps with the first render.
// A share link (#share=…) is applied once the default model is up; otherwise the tree of
// continuations explored last time comes back. Autosave starts after, so it cannot
// overwrite the kept tree with the empty one of a fresh start.
void startEngine({ testApi })
  .then(() => applyShareLinkFromLocation())
  .then((shared) => (shared ? false : restoreLabDraft()))
  .finally(() => {
    startLabDraftAutosave();
    // A share link pasted into this tab's address bar changes only the hash (no reload).
    window.addEventListener('hashchange', () => void applyShareLinkFromLocation());
  });
if (testApi) installTestApi();
