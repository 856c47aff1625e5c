/**
 * The stored batches: open, resume (a paused batch, or one left running by a closed or crashed
 * page), re-run as a new batch, delete (asked twice), and tick two to compare.
 */
import { useState } from 'react';
import type { BatchListEntry, RunningBatch } from '../../state/batchState';

export interface BatchListProps {
  list: readonly BatchListEntry[];
  running: RunningBatch | null;
  shownId: string | null;
  picked: readonly string[];
  /** The imported results file, listed for the comparison. */
  imported: { id: string; name: string } | null;
  onOpen: (id: string) => void;
  onResume: (id: string) => void;
  onRerun: (id: string) => void;
  onDelete: (id: string) => void;
  onPick: (id: string) => void;
  onCompare: () => void;
  onShowImported: () => void;
}

const STATUS_TEXT = { running: 'interrupted', paused: 'paused', done: 'done', cancelled: 'cancelled' } as const;

export function BatchList({
  list,
  running,
  shownId,
  picked,
  imported,
  onOpen,
  onResume,
  onRerun,
  onDelete,
  onPick,
  onCompare,
  onShowImported,
}: BatchListProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  if (list.length === 0 && !imported)
    return (
      <section className="batch-list" data-testid="batch.list">
        <h3>Stored batches</h3>
        <p className="muted">None yet.</p>
      </section>
    );
  return (
    <section className="batch-list" aria-labelledby="batch-list-heading" data-testid="batch.list">
      <h3 id="batch-list-heading">Stored batches</h3>
      <ul>
        {list.map((b) => {
          const isRunning = running?.id === b.id;
          const status = isRunning ? 'running' : STATUS_TEXT[b.status];
          const stored = isRunning && running.progress ? running.progress.samplesDone : b.stored;
          const resumable = !isRunning && (b.status === 'paused' || b.status === 'running') && b.stored < b.tasks;
          return (
            <li
              key={b.id}
              data-testid="batch.item"
              data-id={b.id}
              data-status={status}
              data-stored={stored}
              className={shownId === b.id ? 'is-current' : undefined}
            >
              <label className="batch-list__pick">
                <input
                  type="checkbox"
                  data-testid="batch.item.pick"
                  checked={picked.includes(b.id)}
                  onChange={() => onPick(b.id)}
                  aria-label={`Compare ${b.name}`}
                />
              </label>
              <span className="batch-list__name">{b.name}</span>
              <span className="muted">
                {status} · {stored.toLocaleString('en-US')} / {b.tasks.toLocaleString('en-US')} samples ·{' '}
                {new Date(b.createdAt).toLocaleString()}
              </span>
              <span className="batch-list__actions">
                <button type="button" data-testid="batch.item.open" onClick={() => onOpen(b.id)}>
                  Open
                </button>
                {resumable && (
                  <button
                    type="button"
                    data-testid="batch.item.resume"
                    disabled={running !== null}
                    onClick={() => onResume(b.id)}
                  >
                    Resume
                  </button>
                )}
                <button
                  type="button"
                  data-testid="batch.item.rerun"
                  disabled={running !== null}
                  onClick={() => onRerun(b.id)}
                >
                  Re-run as new
                </button>
                {confirming === b.id ? (
                  <span role="group" aria-label={`Delete ${b.name}?`}>
                    Delete it and its results?{' '}
                    <button
                      type="button"
                      data-testid="batch.item.delete.confirm"
                      onClick={() => {
                        setConfirming(null);
                        onDelete(b.id);
                      }}
                    >
                      Delete
                    </button>{' '}
                    <button type="button" onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </span>
                ) : (
                  <button
                    type="button"
                    data-testid="batch.item.delete"
                    disabled={isRunning}
                    onClick={() => setConfirming(b.id)}
                  >
                    Delete…
                  </button>
                )}
              </span>
            </li>
          );
        })}
        {imported && (
          <li data-testid="batch.item.imported" className={shownId === imported.id ? 'is-current' : undefined}>
            <label className="batch-list__pick">
              <input
                type="checkbox"
                checked={picked.includes(imported.id)}
                onChange={() => onPick(imported.id)}
                aria-label={`Compare ${imported.name}`}
              />
            </label>
            <span className="batch-list__name">{imported.name}</span>
            <span className="muted">imported results file</span>
            <span className="batch-list__actions">
              <button type="button" onClick={onShowImported}>
                Open
              </button>
            </span>
          </li>
        )}
      </ul>
      <p>
        <button type="button" data-testid="batch.compare" disabled={picked.length !== 2} onClick={onCompare}>
          Compare the two ticked
        </button>
        <span className="hint"> per cell: accuracy and mean entropy side by side</span>
      </p>
    </section>
  );
}
