/**
 * Saved experiments: search by name, tag, model or text; open (the lab comes back as it was
 * saved); rename, tag, duplicate, delete with undo; compare two, or re-run one on the model
 * loaded now and see what changed; export one or all as JSON, the per-token table as CSV;
 * import a file with a report of what was skipped; storage use and quota. The list is
 * virtualised: only the rows in view are in the DOM, so 10,000 experiments render as fast as ten.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExperimentSummary } from '../../storage';
import {
  askForPersistentStorage,
  prepareExperimentSearch,
  refreshExperiments,
  useExperiments,
} from '../../state/experimentsStore';
import { openExperiment, rerunExperiment } from '../../state/experimentOpenActions';
import { compareSaved, togglePicked } from '../../state/experimentComparisonActions';
import {
  deleteExperiment,
  duplicateExperiment,
  editExperiment,
  experimentNotes,
  undoDelete,
} from '../../state/experimentEditActions';
import { exportExperimentCsv, exportExperiments, importExperiments } from '../../state/experimentFileActions';
import { useSession } from '../../state/sessionStore';
import { showView } from '../../state/viewStore';
import { EmptyHint } from '../common/EmptyHint';
import { ComparisonView } from './ComparisonView';
import './experimentsList.css';

/** A row's height before it is measured (px): name, text preview and the wrapped buttons. */
const ESTIMATED_ROW_PX = 100;
/** Rows rendered beyond each edge of the visible part, so a scroll shows no blank rows. */
const OVERSCAN_ROWS = 5;
const COLUMNS = 6;
/** The list box's size before it is measured (max-height 70vh): the first render already has its rows. */
const initialListRect = () => ({ width: window.innerWidth, height: window.innerHeight * 0.7 });
/** One formatter for every row: toLocaleString() builds a new one per call. */
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'unknown';
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/** An edit in progress, with the revision it started from (a save refuses to overwrite another tab's change). */
interface Editing {
  id: string;
  revision: number;
  name: string;
  tags: string;
  notes: string;
}

export function ExperimentsView({ onOpened }: { onOpened: () => void }) {
  const state = useExperiments();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [rerunning, setRerunning] = useState<string | null>(null);
  const currentModel = useSession((s) => s.model);
  useEffect(() => {
    void refreshExperiments();
  }, []);
  const scrollRef = useRef<HTMLDivElement>(null);
  // Rows not read yet (the whole list follows the first screen) are counted, so the scroll bar is right from the start.
  const rowCount = state.search.trim() ? state.list.length : Math.max(state.total, state.list.length);
  // Stable while the list is: a new key function makes the virtualiser re-place all 10,000 rows.
  const list = state.list;
  const rowKey = useCallback((i: number) => list[i]?.id ?? `pending-${i}`, [list]);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    getItemKey: rowKey,
    overscan: OVERSCAN_ROWS,
    initialRect: initialListRect(),
  });
  const rows = virtualizer.getVirtualItems();
  const spaceAbovePx = rows[0]?.start ?? 0;
  const spaceBelowPx = virtualizer.getTotalSize() - (rows.at(-1)?.end ?? 0);
  const rowActions: RowActions = {
    onOpen: (id) =>
      void openExperiment(id).then((ok) => {
        if (ok) onOpened();
      }),
    onEdit: (e) =>
      void experimentNotes(e.id).then((notes) =>
        setEditing({ id: e.id, revision: e.revision, name: e.name, tags: e.tags.join(', '), notes }),
      ),
    onEditChange: setEditing,
    onEditDone: (changed) => {
      setEditing(null);
      void editExperiment(changed.id, changed.revision, {
        name: changed.name,
        tagsText: changed.tags,
        notes: changed.notes,
      });
    },
    onRerun: (id) => {
      setRerunning(id);
      void rerunExperiment(id).finally(() => setRerunning(null));
    },
  };
  return (
    <section className="experiments" aria-label="Saved experiments" data-testid="view.experiments">
      <div className="experiments__toolbar">
        <input
          type="search"
          placeholder="Search name, tag, model, text"
          value={state.search}
          data-testid="experiments.search"
          aria-label="Search experiments"
          onChange={(e) => void refreshExperiments(e.target.value)}
          onFocus={() => void prepareExperimentSearch()}
        />
        <button type="button" data-testid="experiments.export-all" onClick={() => void exportExperiments()}>
          Export all (JSON)
        </button>
        <button
          type="button"
          data-testid="experiments.compare"
          disabled={state.picked.length !== 2}
          title="Tick two experiments to compare them"
          onClick={() => void compareSaved(state.picked[0], state.picked[1])}
        >
          Compare {state.picked.length}/2
        </button>
        <label className="experiments__import">
          Import…{' '}
          <input
            type="file"
            accept="application/json,.json"
            data-testid="experiments.import"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void importExperiments(file);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {state.notice && (
        <p
          className={state.notice.kind === 'error' ? 'notice notice--error' : 'notice'}
          role="status"
          data-testid="experiments.notice"
        >
          {state.notice.text}
          {state.lastDeleted && (
            <>
              {' '}
              <button type="button" data-testid="experiments.undo" onClick={() => void undoDelete()}>
                Undo
              </button>
            </>
          )}
        </p>
      )}
      {state.memoryOnlyReason && (
        <p className="notice notice--error" role="alert">
          {state.memoryOnlyReason} Use “Export all” before closing the tab.
        </p>
      )}
      <p className="hint" data-testid="experiments.storage">
        Storage: {formatBytes(state.usage?.usedBytes ?? null)} used of {formatBytes(state.usage?.quotaBytes ?? null)}
        {state.usage?.persisted ? (
          ' · persistent'
        ) : (
          <>
            {' '}
            · may be cleared by the browser under pressure{' '}
            <button type="button" onClick={() => void askForPersistentStorage()}>
              Ask to keep it
            </button>
          </>
        )}
      </p>
      {rowCount === 0 ? (
        <EmptyHint
          name="experiments"
          action={
            state.search
              ? { label: 'Clear the search', onClick: () => void refreshExperiments('') }
              : { label: 'Open Next token', onClick: () => showView('lab') }
          }
        >
          {state.search
            ? 'No experiment matches the search.'
            : 'No experiments saved yet: save one from the Next token view with its Save button.'}
        </EmptyHint>
      ) : (
        <>
          <p className="hint" data-testid="experiments.count" data-count={rowCount}>
            {state.search.trim()
              ? `${rowCount.toLocaleString('en-US')} matching`
              : `${rowCount.toLocaleString('en-US')} experiment${rowCount === 1 ? '' : 's'}`}
          </p>
          <div
            ref={scrollRef}
            className="experiments__scroll"
            data-testid="experiments.scroll"
            data-complete={state.status === 'ready'}
          >
            <table className="experiments__table" aria-rowcount={rowCount + 1}>
              <colgroup>
                <col className="experiments__col-pick" />
                <col />
                <col className="experiments__col-model" />
                <col className="experiments__col-tags" />
                <col className="experiments__col-updated" />
                <col className="experiments__col-actions" />
              </colgroup>
              <thead>
                <tr aria-rowindex={1}>
                  <th aria-label="Compare" />
                  <th>Name</th>
                  <th>Model</th>
                  <th>Tags</th>
                  <th>Updated</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {spaceAbovePx > 0 && (
                  <tr aria-hidden="true">
                    <td colSpan={COLUMNS} style={{ height: spaceAbovePx, padding: 0, border: 0 }} />
                  </tr>
                )}
                {rows.map((row) => {
                  const experiment = state.list[row.index];
                  return experiment ? (
                    <ExperimentRow
                      key={row.key}
                      index={row.index}
                      measure={virtualizer.measureElement}
                      experiment={experiment}
                      picked={state.picked.includes(experiment.id)}
                      editing={editing?.id === experiment.id ? editing : null}
                      rerunning={rerunning}
                      canRerun={currentModel !== null}
                      modelLabel={currentModel?.label ?? null}
                      actions={rowActions}
                    />
                  ) : (
                    <tr
                      key={row.key}
                      ref={virtualizer.measureElement}
                      data-index={row.index}
                      aria-rowindex={row.index + 2}
                      className="experiments__pending"
                      data-testid="experiments.pending"
                    >
                      <td colSpan={COLUMNS}>Loading…</td>
                    </tr>
                  );
                })}
                {spaceBelowPx > 0 && (
                  <tr aria-hidden="true">
                    <td colSpan={COLUMNS} style={{ height: spaceBelowPx, padding: 0, border: 0 }} />
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
      {state.comparison && <ComparisonView shown={state.comparison} />}
      {state.problems.length > 0 && (
        <p className="notice notice--error">
          {state.problems.length} stored record(s) could not be read:{' '}
          {state.problems.map((p) => `${p.id}: ${p.errors.join('; ')}`).join(' · ')}
        </p>
      )}
    </section>
  );
}

interface RowActions {
  onOpen: (id: string) => void;
  onEdit: (experiment: ExperimentSummary) => void;
  onEditChange: (editing: Editing) => void;
  onEditDone: (editing: Editing) => void;
  onRerun: (id: string) => void;
}

interface ExperimentRowProps {
  index: number;
  measure: (element: HTMLElement | null) => void;
  experiment: ExperimentSummary;
  picked: boolean;
  /** The edit of this row, when it is being edited. */
  editing: Editing | null;
  /** The id being re-run, if any (one at a time). */
  rerunning: string | null;
  canRerun: boolean;
  modelLabel: string | null;
  actions: RowActions;
}

function ExperimentRow({
  index,
  measure,
  experiment: e,
  picked,
  editing,
  rerunning,
  canRerun,
  modelLabel,
  actions,
}: ExperimentRowProps) {
  return (
    <tr ref={measure} data-index={index} aria-rowindex={index + 2} data-testid="experiments.row" data-id={e.id}>
      <td>
        <input
          type="checkbox"
          data-testid="experiments.pick"
          aria-label={`Compare “${e.name}”`}
          checked={picked}
          onChange={() => togglePicked(e.id)}
        />
      </td>
      <td>
        {editing ? (
          <input
            value={editing.name}
            aria-label="New name"
            data-testid="experiments.rename.input"
            onChange={(ev) => actions.onEditChange({ ...editing, name: ev.target.value })}
          />
        ) : (
          <span data-testid="experiments.name">{e.name}</span>
        )}
        {editing && (
          <textarea
            value={editing.notes}
            rows={3}
            aria-label="Notes"
            placeholder="Notes"
            data-testid="experiments.notes.input"
            onChange={(ev) => actions.onEditChange({ ...editing, notes: ev.target.value })}
          />
        )}
        <div className="hint">
          {e.text.slice(0, 80)}
          {e.text.length > 80 ? '…' : ''}
        </div>
      </td>
      <td>{e.modelId}</td>
      <td>
        {editing ? (
          <input
            value={editing.tags}
            aria-label="Tags, comma-separated"
            data-testid="experiments.tags.input"
            onChange={(ev) => actions.onEditChange({ ...editing, tags: ev.target.value })}
          />
        ) : (
          e.tags.join(', ')
        )}
      </td>
      <td>{dateTimeFormat.format(new Date(e.updatedAt))}</td>
      <td className="experiments__actions">
        <button type="button" data-testid="experiments.open" onClick={() => actions.onOpen(e.id)}>
          Open
        </button>
        {editing ? (
          <button type="button" data-testid="experiments.edit.save" onClick={() => actions.onEditDone(editing)}>
            Done
          </button>
        ) : (
          <button type="button" data-testid="experiments.edit" onClick={() => actions.onEdit(e)}>
            Edit name, tags, notes
          </button>
        )}
        <button
          type="button"
          data-testid="experiments.rerun"
          disabled={!canRerun || rerunning !== null}
          title={modelLabel ? `Run it again on ${modelLabel} and show what changed` : 'Load a model first'}
          onClick={() => actions.onRerun(e.id)}
        >
          {rerunning === e.id ? 'Re-running…' : 'Re-run'}
        </button>
        <button type="button" data-testid="experiments.duplicate" onClick={() => void duplicateExperiment(e.id)}>
          Duplicate
        </button>
        <button type="button" data-testid="experiments.export" onClick={() => void exportExperiments(e.id)}>
          JSON
        </button>
        <button type="button" onClick={() => void exportExperimentCsv(e.id)}>
          CSV
        </button>
        <button type="button" data-testid="experiments.delete" onClick={() => void deleteExperiment(e.id, e.name)}>
          Delete
        </button>
      </td>
    </tr>
  );
}
