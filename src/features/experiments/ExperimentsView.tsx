/**
 * Saved experiments: search by name, tag, model or text; open (the lab comes back as it was
 * saved); rename, tag, duplicate, delete with undo; compare two, or re-run one on the model
 * loaded now and see what changed; export one or all as JSON, the per-token table as CSV;
 * import a file with a report of what was skipped; storage use and quota.
 */
import { useEffect, useState } from 'react';
import {
  askForPersistentStorage, compareSaved, deleteExperiment, duplicateExperiment, editExperiment, experimentNotes, exportExperimentCsv, exportExperiments,
  importExperiments, openExperiment, refreshExperiments, rerunExperiment, togglePicked, undoDelete, useExperiments,
} from '../../state/experimentActions';
import { useSession } from '../../state/sessionStore';
import { ComparisonView } from './ComparisonView';

function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'unknown';
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

export function ExperimentsView({ onOpened }: { onOpened: () => void }) {
  const state = useExperiments();
  const [editing, setEditing] = useState<{ id: string; name: string; tags: string; notes: string } | null>(null);
  const [rerunning, setRerunning] = useState<string | null>(null);
  const currentModel = useSession((s) => s.model);
  useEffect(() => { void refreshExperiments(); }, []);
  return (
    <section className="experiments" aria-label="Saved experiments" data-testid="view.experiments">
      <div className="experiments__toolbar">
        <input type="search" placeholder="Search name, tag, model, text" value={state.search} data-testid="experiments.search" aria-label="Search experiments"
          onChange={(e) => void refreshExperiments(e.target.value)} />
        <button type="button" data-testid="experiments.export-all" onClick={() => void exportExperiments()}>Export all (JSON)</button>
        <button type="button" data-testid="experiments.compare" disabled={state.picked.length !== 2}
          title="Tick two experiments to compare them" onClick={() => void compareSaved(state.picked[0], state.picked[1])}>
          Compare {state.picked.length}/2
        </button>
        <label className="experiments__import">
          Import… <input type="file" accept="application/json,.json" data-testid="experiments.import" onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void importExperiments(file);
            e.target.value = '';
          }} />
        </label>
      </div>
      {state.notice && (
        <p className={state.notice.kind === 'error' ? 'notice notice--error' : 'notice'} role="status" data-testid="experiments.notice">
          {state.notice.text}
          {state.lastDeleted && <> <button type="button" data-testid="experiments.undo" onClick={() => void undoDelete()}>Undo</button></>}
        </p>
      )}
      {state.memoryOnlyReason && <p className="notice notice--error" role="alert">{state.memoryOnlyReason} Use “Export all” before closing the tab.</p>}
      <p className="hint" data-testid="experiments.storage">
        Storage: {formatBytes(state.usage?.usedBytes ?? null)} used of {formatBytes(state.usage?.quotaBytes ?? null)}
        {state.usage?.persisted ? ' · persistent' : <> · may be cleared by the browser under pressure <button type="button" onClick={() => void askForPersistentStorage()}>Ask to keep it</button></>}
      </p>
      {state.list.length === 0 ? (
        <p className="hint" data-testid="experiments.empty">{state.search ? 'No experiment matches.' : 'No experiments yet: use Save in the next-token lab.'}</p>
      ) : (
        <table className="experiments__table">
          <thead><tr><th aria-label="Compare" /><th>Name</th><th>Model</th><th>Tags</th><th>Updated</th><th /></tr></thead>
          <tbody>
            {state.list.map((e) => (
              <tr key={e.id} data-testid="experiments.row" data-id={e.id}>
                <td><input type="checkbox" data-testid="experiments.pick" aria-label={`Compare “${e.name}”`} checked={state.picked.includes(e.id)} onChange={() => togglePicked(e.id)} /></td>
                <td>
                  {editing?.id === e.id ? (
                    <input value={editing.name} aria-label="New name" data-testid="experiments.rename.input" onChange={(ev) => setEditing({ ...editing, name: ev.target.value })} />
                  ) : <span data-testid="experiments.name">{e.name}</span>}
                  {editing?.id === e.id && (
                    <textarea value={editing.notes} rows={3} aria-label="Notes" placeholder="Notes" data-testid="experiments.notes.input"
                      onChange={(ev) => setEditing({ ...editing, notes: ev.target.value })} />
                  )}
                  <div className="hint">{e.text.slice(0, 80)}{e.text.length > 80 ? '…' : ''}</div>
                </td>
                <td>{e.modelId}</td>
                <td>
                  {editing?.id === e.id ? (
                    <input value={editing.tags} aria-label="Tags, comma-separated" data-testid="experiments.tags.input" onChange={(ev) => setEditing({ ...editing, tags: ev.target.value })} />
                  ) : e.tags.join(', ')}
                </td>
                <td>{new Date(e.updatedAt).toLocaleString()}</td>
                <td className="experiments__actions">
                  <button type="button" data-testid="experiments.open" onClick={() => void openExperiment(e.id).then((ok) => { if (ok) onOpened(); })}>Open</button>
                  {editing?.id === e.id ? (
                    <button type="button" data-testid="experiments.edit.save" onClick={() => {
                      const changed = editing;
                      setEditing(null);
                      void editExperiment(changed.id, { name: changed.name, tagsText: changed.tags, notes: changed.notes });
                    }}>Done</button>
                  ) : (
                    <button type="button" data-testid="experiments.edit" onClick={() => {
                      void experimentNotes(e.id).then((notes) => setEditing({ id: e.id, name: e.name, tags: e.tags.join(', '), notes }));
                    }}>Edit name, tags, notes</button>
                  )}
                  <button type="button" data-testid="experiments.rerun" disabled={!currentModel || rerunning !== null}
                    title={currentModel ? `Run it again on ${currentModel.label} and show what changed` : 'Load a model first'}
                    onClick={() => {
                      setRerunning(e.id);
                      void rerunExperiment(e.id).finally(() => setRerunning(null));
                    }}>{rerunning === e.id ? 'Re-running…' : 'Re-run'}</button>
                  <button type="button" data-testid="experiments.duplicate" onClick={() => void duplicateExperiment(e.id)}>Duplicate</button>
                  <button type="button" data-testid="experiments.export" onClick={() => void exportExperiments(e.id)}>JSON</button>
                  <button type="button" onClick={() => void exportExperimentCsv(e.id)}>CSV</button>
                  <button type="button" data-testid="experiments.delete" onClick={() => void deleteExperiment(e.id, e.name)}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {state.comparison && <ComparisonView shown={state.comparison} />}
      {state.problems.length > 0 && (
        <p className="notice notice--error">{state.problems.length} stored record(s) could not be read: {state.problems.map((p) => `${p.id}: ${p.errors.join('; ')}`).join(' · ')}</p>
      )}
    </section>
  );
}
