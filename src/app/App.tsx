/**
 * The shell: header with the current model and the backend badge, the first view, and a side
 * panel. It also applies the colour theme and presenter mode to <html> (their palettes are
 * custom properties in app.css).
 */
import { memo, useEffect, useLayoutEffect, useState } from 'react';
import { ExperimentsView } from '../features/experiments/ExperimentsView';
import { ModelPicker } from '../features/models/ModelPicker';
import { loadedFraction } from '../features/models/LoadProgressView';
import { NextTokenPanel } from '../features/next-token/NextTokenPanel';
import { TokenizerLab } from '../features/tokenizers/TokenizerLab';
import { KeySpaceView } from '../features/keyspace/KeySpaceView';
import { BigramView } from '../features/bigram/BigramView';
import { CorpusView } from '../features/corpus/CorpusView';
import { BatchView } from '../features/batch/BatchView';
import { useKeySpace } from '../state/keySpaceStore';
import { useSession } from '../state/sessionStore';
import { useFirstView } from '../state/nextTokenFirstView';
import type { LoadProgress } from '../protocol/model';
import { showView, useView, VIEWS, VIEW_IDS, type View } from '../state/viewStore';
import { togglePresenting, usePresenter } from '../state/presenterStore';
import { usePresenterKeys } from '../features/presenter/usePresenterKeys';
import { BackendBadge } from './BackendBadge';
import { OfflineBadge } from './OfflineBadge';
import { FirstVisitTour } from '../features/tour/FirstVisitTour';
import { TourButton } from '../features/tour/TourButton';
import { Notices } from './Notices';
import { SettingsPanel } from './SettingsPanel';
import { DemoScriptPanel } from '../features/demo/DemoScriptPanel';
import { DemoStrip } from '../features/demo/DemoStrip';

type Panel = 'models' | 'settings' | 'demo' | null;

/** " · 45%" of the bytes a load has read, or nothing before the sizes are known. */
function percentLoaded(progress: LoadProgress | null): string {
  const loaded = progress && loadedFraction(progress.loadedBytes, progress.totalBytes);
  return loaded === null ? '…' : ` · ${Math.floor(100 * loaded)}%`;
}

/** Memoised: opening Models or Settings re-renders the header and the side panel, not the view (which may hold a long text). */
const MainView = memo(function MainView({ view }: { view: View }) {
  switch (view) {
    case 'lab':
      return <NextTokenPanel />;
    case 'tokenizers':
      return <TokenizerLab />;
    case 'keyspace':
      return <KeySpaceView />;
    case 'bigram':
      return <BigramView />;
    case 'corpus':
      return <CorpusView />;
    case 'batch':
      return <BatchView />;
    case 'experiments':
      return <ExperimentsView onOpened={() => showView('lab')} />;
  }
});

export function App() {
  const model = useSession((s) => s.model);
  const loading = useSession((s) => s.load);
  const [panel, setPanel] = useState<Panel>(null);
  const view = useView((s) => s.view);
  // A "key space" link anywhere in the app (openKeySpace) switches to that view.
  const keySpaceRequests = useKeySpace((s) => s.openRequests);
  useEffect(() => {
    if (keySpaceRequests > 0) showView('keyspace');
  }, [keySpaceRequests]);
  const theme = useSession((s) => s.settings.theme);
  const presenting = usePresenter((s) => s.presenting);
  usePresenterKeys(presenting);
  // Layout effects: set before the first paint, so a stored dark theme or ?present=1 does not flash the default.
  useLayoutEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
  useLayoutEffect(() => {
    const root = document.documentElement;
    if (presenting) root.dataset.presenter = '';
    else delete root.dataset.presenter;
    // The audience sees one view: a side panel open when presenting starts is closed.
    if (presenting) setPanel(null);
  }, [presenting]);
  const toggle = (next: Panel) => setPanel((current) => (current === next ? null : next));
  // A load opens the picker (its progress, Cancel, an error) unless the lab shows the
  // precomputed first view, which says the model is loading: on a page's first load the panel
  // would open and close around it, reflowing the view twice while the model starts.
  const firstViewShown = useFirstView((s) => s.shown !== null);
  const showPicker = panel === 'models' || (loading.status !== 'idle' && !firstViewShown);
  return (
    <div className="app">
      <header className="app__header">
        <h1>Tokenscope</h1>
        <span className="app__model" data-testid="model.current" data-model={model?.key ?? ''}>
          {model
            ? `${model.label} · vocab ${model.vocabSize.toLocaleString('en-US')} · context ${model.contextTokens}`
            : loading.status === 'loading' && loading.target
              ? `loading ${loading.target}${percentLoaded(loading.progress)}`
              : 'no model yet'}
        </span>
        <BackendBadge />
        <OfflineBadge />
        <nav className="app__views" aria-label="Views">
          {VIEWS.map((v) => (
            <button
              key={v.view}
              type="button"
              data-testid={`nav.view.${v.view}`}
              aria-pressed={view === v.view}
              onClick={() => showView(v.view)}
            >
              {v.label}
            </button>
          ))}
        </nav>
        <select
          className="app__view-select"
          aria-label="View"
          data-testid="nav.view.select"
          value={view}
          onChange={(event) => showView(VIEW_IDS.find((v) => v === event.target.value) ?? 'lab')}
        >
          {VIEWS.map((v) => (
            <option key={v.view} value={v.view}>
              {v.label}
            </option>
          ))}
        </select>
        <nav className="app__nav">
          <button
            type="button"
            data-testid="nav.presenter"
            aria-pressed={presenting}
            title="Presenter mode: large type, high contrast, PageDown / PageUp step the lab, ↓ ↑ change the view"
            onClick={togglePresenting}
          >
            Present
          </button>
          <TourButton />
          <button type="button" data-testid="nav.demo" aria-pressed={panel === 'demo'} onClick={() => toggle('demo')}>
            Demo
          </button>
          <button type="button" data-testid="nav.models" aria-pressed={showPicker} onClick={() => toggle('models')}>
            Models
          </button>
          <button
            type="button"
            data-testid="nav.settings"
            aria-pressed={panel === 'settings'}
            onClick={() => toggle('settings')}
          >
            Settings
          </button>
        </nav>
      </header>
      <Notices />
      {/* Not while presenting: the audience should not see a tour card over the demo. */}
      {!presenting && <FirstVisitTour />}
      <div className="app__body">
        <main className="app__main">
          <DemoStrip />
          <MainView view={view} />
        </main>
        {(showPicker || panel === 'settings' || panel === 'demo') && (
          <aside className="app__side">
            {showPicker && <ModelPicker />}
            {panel === 'settings' && <SettingsPanel />}
            {panel === 'demo' && <DemoScriptPanel />}
          </aside>
        )}
      </div>
    </div>
  );
}
