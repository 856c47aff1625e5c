/** Progress of a bigram task with a Cancel button, or its error. */
import type { BigramProgress } from '../../protocol/bigram';
import type { WorkerTaskStatus } from '../../state/workerTask';

const PHASES: Record<BigramProgress['phase'], string> = {
  'full-context': 'Full-context pass',
  'context-1': 'Current-token-only predictions',
  'hidden-states': 'Reading the hidden states',
  lens: 'Logit lens per layer',
  table: 'Bigram table',
  corpus: 'Comparing with the corpus',
};

export interface ProgressLineProps {
  status: WorkerTaskStatus;
  progress: BigramProgress | null;
  error: string | null;
  onCancel: () => void;
  testId: string;
}

export function ProgressLine({ status, progress, error, onCancel, testId }: ProgressLineProps) {
  if (status === 'error')
    return (
      <p className="notice notice--error" role="alert" data-testid={`${testId}.error`}>
        {error}
      </p>
    );
  if (status === 'cancelled')
    return (
      <p className="bigram__note" data-testid={testId} data-status="cancelled">
        Cancelled.
      </p>
    );
  if (status !== 'working') return null;
  return (
    <p className="bigram__progress" data-testid={testId} data-status="working" role="status">
      {progress ? `${PHASES[progress.phase]}: ${progress.done} of ${progress.total}` : 'Working…'}
      {progress && <progress max={progress.total} value={progress.done} />}
      <button type="button" onClick={onCancel} data-testid={`${testId}.cancel`}>
        Cancel
      </button>
    </p>
  );
}
