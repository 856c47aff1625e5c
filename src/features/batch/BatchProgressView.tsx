/** The running batch: cells and samples done, tokens per second, time left; Pause and Cancel. */
import type { RunningBatch } from '../../state/batchState';

export interface BatchProgressViewProps {
  running: RunningBatch;
  onPause: () => void;
  onCancel: () => void;
}

/** Seconds as "42 s", "3 min 20 s" or "1 h 05 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
}

export function BatchProgressView({ running, onPause, onCancel }: BatchProgressViewProps) {
  const p = running.progress;
  const fraction = p && p.samplesTotal > 0 ? p.samplesDone / p.samplesTotal : 0;
  const stage =
    running.stopping === 'pause'
      ? 'Pausing…'
      : running.stopping === 'cancel'
        ? 'Cancelling…'
        : !p
          ? 'Starting…'
          : p.loading
            ? `Loading ${p.modelKey}…`
            : p.modelKey
              ? `Running ${p.modelKey}`
              : 'Finishing…';
  return (
    <section
      className="batch-progress"
      aria-label={`Progress of ${running.name}`}
      data-testid="batch.progress"
      data-samples-done={p?.samplesDone ?? 0}
      data-samples-total={p?.samplesTotal ?? 0}
    >
      <p>
        <strong>{running.name}</strong> · <span aria-live="polite">{stage}</span>
      </p>
      <progress max={1} value={fraction} aria-label="Samples done" />
      {p && (
        <p className="batch-progress__figures">
          <span data-testid="batch.progress.samples">
            {p.samplesDone.toLocaleString('en-US')} / {p.samplesTotal.toLocaleString('en-US')} samples
          </span>
          {' · '}
          {p.cellsDone} / {p.cellsTotal} cells
          {p.tokensPerSecond !== null && <> · {p.tokensPerSecond.toFixed(1)} tokens/s</>}
          {p.secondsLeft !== null && p.samplesDone < p.samplesTotal && (
            <> · about {formatDuration(p.secondsLeft)} left</>
          )}
        </p>
      )}
      <p>
        <button type="button" data-testid="batch.pause" disabled={running.stopping !== null} onClick={onPause}>
          Pause
        </button>{' '}
        <button type="button" data-testid="batch.cancel" disabled={running.stopping !== null} onClick={onCancel}>
          Cancel
        </button>
        <span className="hint">
          {' '}
          Finished samples are stored as they come: Resume goes on from them, after a reload too.
        </span>
      </p>
    </section>
  );
}
