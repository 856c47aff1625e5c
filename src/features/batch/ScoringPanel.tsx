/** The scoring set's GLTR statistics: per text the rank buckets (≤10, ≤100, ≤1000, more) and mean surprisal, and overall. */
import type { ScoringState } from '../../state/batchState';

export interface ScoringPanelProps {
  scoring: ScoringState;
  onCancel: () => void;
}

const percent = (f: number) => `${(f * 100).toFixed(1)}%`;
const bits = (b: number | null) => (b === null ? '–' : b.toFixed(2));

export function ScoringPanel({ scoring, onCancel }: ScoringPanelProps) {
  if (scoring.status === 'idle') return null;
  const result = scoring.result;
  const labels = result ? [...result.thresholds.map((t) => `≤ ${t}`), `> ${result.thresholds.at(-1)}`] : [];
  return (
    <section className="batch-scoring" aria-labelledby="batch-scoring-heading" data-testid="batch.scoring">
      <h3 id="batch-scoring-heading">GLTR example texts on {scoring.model}</h3>
      {scoring.status === 'running' && (
        <p aria-live="polite">
          Scoring{scoring.progress ? ` (${scoring.progress.done} of ${scoring.progress.total} texts)` : '…'}{' '}
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </p>
      )}
      {scoring.error && (
        <p className="error" role="alert">
          {scoring.error}
        </p>
      )}
      {result && (
        <table className="batch-table">
          <thead>
            <tr>
              <th scope="col">Text</th>
              <th scope="col">Tokens</th>
              {labels.map((l) => (
                <th key={l} scope="col">
                  rank {l}
                </th>
              ))}
              <th scope="col">Mean surprisal (bits)</th>
            </tr>
          </thead>
          <tbody>
            {result.texts.map((t) => (
              <tr key={t.id} data-testid="batch.scoring.text">
                <td>{t.id}</td>
                <td>{t.tokens}</td>
                {t.bucketFractions.map((f, i) => (
                  <td key={i}>{percent(f)}</td>
                ))}
                <td>{bits(t.meanSurprisalBits)}</td>
              </tr>
            ))}
            <tr className="batch-scoring__overall">
              <th scope="row">All ({result.overall.texts} texts)</th>
              <td>{result.overall.tokens}</td>
              {result.overall.bucketFractions.map((f, i) => (
                <td key={i}>{percent(f)}</td>
              ))}
              <td>{bits(result.overall.meanSurprisalBits)}</td>
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
