/** Messages about the engine itself: a restarted worker, a worker that keeps failing. */
import { dismissWorkerNotice } from '../state/engineActions';
import { useSession } from '../state/sessionStore';

export function Notices() {
  const notice = useSession((s) => s.workerNotice);
  const health = useSession((s) => s.workerHealth);
  return (
    <>
      {health === 'failed' && (
        <div className="notice notice--error" role="alert" data-testid="worker.failed">
          The inference worker keeps failing. Reload the page to start again; your text is kept.
        </div>
      )}
      {notice && (
        <div className="notice" role="status" data-testid="worker.notice">
          {notice}{' '}
          <button type="button" onClick={dismissWorkerNotice}>
            Dismiss
          </button>
        </div>
      )}
    </>
  );
}
