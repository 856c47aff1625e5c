/** Per-file and total progress of a model load, with a cancel button. */
import type { FileProgress, LoadProgress } from '../../protocol/model';
import { cancelLoad } from '../../state/engineActions';
import { formatBytes } from '../../core/formatBytes';

const STATE_TEXT: Record<FileProgress['state'], string> = {
  waiting: 'waiting',
  downloading: 'downloading',
  cached: 'from cache',
  done: 'done',
  absent: 'not present (optional)',
};

/** The part of `total` read, at most 1; null while the size is unknown. */
export function loadedFraction(loaded: number, total: number | null): number | null {
  return total && total > 0 ? Math.min(1, loaded / total) : null;
}

function Bar({ value, testId }: { value: number | null; testId: string }) {
  return <progress data-testid={testId} max={1} value={value ?? undefined} />;
}

export function LoadProgressView({ target, progress }: { target: string; progress: LoadProgress | null }) {
  const phaseText = !progress
    ? 'starting'
    : progress.phase === 'initialising'
      ? 'creating the ONNX Runtime session'
      : progress.phase === 'config'
        ? 'reading config.json'
        : 'downloading';
  return (
    <div className="load-progress" data-testid="load.progress" data-phase={progress?.phase ?? 'starting'}>
      <div className="load-progress__head">
        <span>
          Loading <strong>{target}</strong>: {phaseText}
        </span>
        <button type="button" data-testid="load.cancel" onClick={cancelLoad}>
          Cancel
        </button>
      </div>
      {progress && (
        <>
          <div className="load-progress__total">
            <Bar testId="load.total" value={loadedFraction(progress.loadedBytes, progress.totalBytes)} />
            <span data-testid="load.total.text">
              {formatBytes(progress.loadedBytes)} of {formatBytes(progress.totalBytes)}
            </span>
          </div>
          <ul className="load-progress__files">
            {progress.files.map((file) => (
              <li
                key={file.path}
                data-testid="load.file"
                data-path={file.path}
                data-state={file.state}
                data-loaded={file.loadedBytes}
              >
                <code>{file.path}</code>
                <Bar
                  testId="load.file.bar"
                  value={file.state === 'waiting' ? 0 : loadedFraction(file.loadedBytes, file.totalBytes)}
                />
                <span>
                  {STATE_TEXT[file.state]}
                  {file.totalBytes ? ` · ${formatBytes(file.loadedBytes)} / ${formatBytes(file.totalBytes)}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
