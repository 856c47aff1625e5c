/**
 * Batch runs (issue 18): prompt sets × models × sampling grids × samples, run in the worker,
 * each finished sample stored in IndexedDB (resumable after a pause, a reload or a crash);
 * results as a per-cell table with charts against temperature, exports the CLI reads, stored
 * batches to open, re-run, delete and compare, and results files from the CLI to view.
 */
import { useCallback, useEffect, useId } from 'react';
import {
  cancelBatch,
  closeComparison,
  comparePicked,
  deleteBatch,
  dismissBatchNotice,
  openBatch,
  pauseBatch,
  refreshBatches,
  rerunBatch,
  runStoredBatch,
  startNewBatch,
  togglePicked,
  showImported,
} from '../../state/batchActions';
import { cancelScoring, importResultsFile, runScoringSet, tokenTexts } from '../../state/batchFileActions';
import { useBatches } from '../../state/batchState';
import { BatchComparisonView } from './BatchComparisonView';
import { BatchForm } from './BatchForm';
import { BatchList } from './BatchList';
import { BatchProgressView } from './BatchProgressView';
import { BatchResults } from './BatchResults';
import { exportShown } from './exportResults';
import { ScoringPanel } from './ScoringPanel';
import { useModelOptions } from './useModelOptions';
import { EmptyHint } from '../common/EmptyHint';
import './batch.css';

export function BatchView() {
  const id = useId();
  const state = useBatches();
  const { options, error } = useModelOptions();
  useEffect(() => {
    void refreshBatches();
  }, []);
  const loadTokenTexts = useCallback((modelKey: string, ids: readonly number[]) => tokenTexts(modelKey, ids), []);
  return (
    <section className="batch" aria-label="Batch runs" data-testid="view.batch">
      <p className="batch__note">
        Run every prompt of a set on one or more models over a grid of sampling settings, several samples each, as the
        Theory-of-Mind next-token study does; each sample’s seed derives from the batch seed, the prompt, the cell and
        the sample, so the app and <code>npm run cli -- batch run</code> give the same samples.
      </p>
      {state.memoryOnlyReason && (
        <p className="notice notice--error" role="status">
          {state.memoryOnlyReason}
        </p>
      )}
      {state.notice && (
        <p
          className={`notice${state.notice.kind === 'error' ? ' notice--error' : ''}`}
          role={state.notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="batch.notice"
        >
          {state.notice.text}{' '}
          <button type="button" onClick={dismissBatchNotice}>
            Dismiss
          </button>
        </p>
      )}
      {state.running && (
        <BatchProgressView
          running={state.running}
          onPause={() => void pauseBatch()}
          onCancel={() => void cancelBatch()}
        />
      )}
      <BatchForm
        options={options}
        optionsError={error}
        busy={state.running !== null}
        onStart={(def) => void startNewBatch(def)}
        onScore={() => void runScoringSet()}
        scoringBusy={state.scoring.status === 'running'}
      />
      {state.listStatus === 'ready' && state.list.length === 0 && !state.running && !state.imported && (
        <EmptyHint name="batch">
          No batch run yet: run the false-belief set above, or open “Define a batch”, add prompts and press Run.
        </EmptyHint>
      )}
      <ScoringPanel scoring={state.scoring} onCancel={cancelScoring} />
      <BatchList
        list={state.list}
        running={state.running}
        shownId={state.shown?.id ?? null}
        picked={state.picked}
        imported={state.imported && { id: state.imported.id, name: state.imported.name }}
        onOpen={(b) => void openBatch(b)}
        onResume={(b) => void runStoredBatch(b)}
        onRerun={(b) => void rerunBatch(b)}
        onDelete={(b) => void deleteBatch(b)}
        onPick={togglePicked}
        onCompare={() => void comparePicked()}
        onShowImported={showImported}
      />
      <p className="batch__import">
        <label htmlFor={`${id}-import`}>
          View a results file{' '}
          <span className="hint">
            (JSONL from <code>batch run</code> or <code>batch merge</code>)
          </span>
        </label>{' '}
        <input
          id={`${id}-import`}
          type="file"
          accept=".jsonl,.ndjson,application/x-ndjson"
          data-testid="batch.import"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void importResultsFile(file);
            e.target.value = '';
          }}
        />
      </p>
      {state.comparison && <BatchComparisonView comparison={state.comparison} onClose={closeComparison} />}
      {state.shown && <BatchResults shown={state.shown} onExport={exportShown} loadTokenTexts={loadTokenTexts} />}
    </section>
  );
}
