/** The shell: header with the current model and the backend badge, the first view, and a side panel. */
import { memo, useEffect, useState } from 'react';
import { ExperimentsView } from '../features/experiments/ExperimentsView';
import { ModelPicker } from '../features/models/ModelPicker';
import { NextTokenPanel } from '../features/next-token/NextTokenPanel';
import { TokenizerLab } from '../features/tokenizers/TokenizerLab';
import { KeySpaceView } from '../features/keyspace/KeySpaceView';
import { BigramView } from '../features/bigram/BigramView';
import { CorpusView } from '../features/corpus/CorpusView';
import { BatchView } from '../features/batch/BatchView';
import { useKeySpace } from '../state/keySpaceStore';
import { useSession } from '../state/sessionStore';
import { showView, useView, VIEWS, type View } from '../state/viewStore';
import { BackendBadge } from './BackendBadge';
import { Notices } from './Notices';
import { SettingsPanel } from './SettingsPanel';

type Panel = 'models' | 'settings' | null;

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
  const toggle = (next: Panel) => setPanel((current) => (current === next ? null : next));
  const showPicker = panel === 'models' || loading.status !== 'idle';
  return (
    <div className="app">
      <header className="app__header">
        <h1>Tokenscope</h1>
        <span className="app__model" data-testid="model.current" data-model={model?.key ?? ''}>
          {model
            ? `${model.label} · vocab ${model.vocabSize.toLocaleString('en-US')} · context ${model.contextTokens}`
            : 'no model yet'}
        </span>
        <BackendBadge />
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
        <nav className="app__nav">
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
      <div className="app__body">
        <main className="app__main">
          <MainView view={view} />
        </main>
        {(showPicker || panel === 'settings') && (
          <aside className="app__side">
            {showPicker && <ModelPicker />}
            {panel === 'settings' && <SettingsPanel />}
          </aside>
        )}
      </div>
    </div>
  );
}
