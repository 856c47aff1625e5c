/**
 * The header's offline badge: whether the app is saved for offline use and how much it holds
 * (a list per part: the app, ONNX Runtime, each model, tokenizers), or that a new version is
 * ready. Nothing where the app cannot work offline (the dev server, no service workers).
 */
import { formatBytes } from '../core/formatBytes';
import { applyUpdate, refreshSummary, useOfflineApp } from '../state/offlineApp';
import './offlineBadge.css';

export function OfflineBadge() {
  const status = useOfflineApp((s) => s.status);
  const error = useOfflineApp((s) => s.error);
  const version = useOfflineApp((s) => s.version);
  const summary = useOfflineApp((s) => s.summary);
  if (status === 'unsupported') return null;
  if (status === 'installing') {
    return (
      <span className="badge badge--pending" data-testid="offline.badge" data-status={status}>
        Saving for offline use…
      </span>
    );
  }
  if (status === 'error') {
    return (
      <span
        className="badge badge--pending"
        data-testid="offline.badge"
        data-status={status}
        title={error ?? undefined}
      >
        Not available offline
      </span>
    );
  }
  if (status === 'update-ready') {
    return (
      <button
        type="button"
        className="badge offline-badge__update"
        data-testid="offline.badge"
        data-status={status}
        title="A new version of Tokenscope is saved; reloading switches every open tab to it"
        onClick={applyUpdate}
      >
        Update ready — reload
      </button>
    );
  }
  return (
    <details
      className="offline-badge"
      data-testid="offline.badge"
      data-status={status}
      data-bytes={summary?.bytes ?? 0}
      data-version={version ?? ''}
      onToggle={(event) => {
        if (event.currentTarget.open) void refreshSummary();
      }}
    >
      <summary className="badge" title="What is saved in this browser for offline use">
        Offline ready{summary ? ` · ${formatBytes(summary.bytes)}` : ''}
      </summary>
      <div className="offline-badge__panel" data-testid="offline.contents">
        <p>Saved in this browser; models, tokenizers and tables are added as you use them.</p>
        {summary && (
          <table>
            <tbody>
              {summary.groups.map((group) => (
                <tr key={group.label} data-testid="offline.group" data-label={group.label} data-bytes={group.bytes}>
                  <th scope="row">{group.label}</th>
                  <td>
                    {group.files} {group.files === 1 ? 'file' : 'files'}
                  </td>
                  <td>{formatBytes(group.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {version && <p className="offline-badge__version">Version {version}</p>}
      </div>
    </details>
  );
}
