/** Two batches side by side, cell by cell: accuracy and mean entropy of each, and the differences. */
import { useMemo } from 'react';
import type { BatchComparison } from '../../state/batchState';
import { formatAccuracy, formatBits, settingsLabel } from './batchFormat';
import { compareTables } from './batchSeries';

export interface BatchComparisonViewProps {
  comparison: BatchComparison;
  onClose: () => void;
}

const difference = (a: number | null | undefined, b: number | null | undefined, format: (v: number) => string) =>
  a === null || a === undefined || b === null || b === undefined
    ? '–'
    : `${b - a >= 0 ? '+' : '−'}${format(Math.abs(b - a))}`;

export function BatchComparisonView({ comparison, onClose }: BatchComparisonViewProps) {
  const cells = useMemo(() => compareTables(comparison.a.rows, comparison.b.rows), [comparison]);
  const { a, b } = comparison;
  return (
    <section className="batch-comparison" aria-labelledby="batch-comparison-heading" data-testid="batch.comparison">
      <h3 id="batch-comparison-heading">
        A: {a.name} · B: {b.name}
      </h3>
      <table className="batch-table">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Settings</th>
            <th scope="col">Accuracy A</th>
            <th scope="col">Accuracy B</th>
            <th scope="col">B − A</th>
            <th scope="col">Entropy A (bits)</th>
            <th scope="col">Entropy B (bits)</th>
            <th scope="col">B − A</th>
          </tr>
        </thead>
        <tbody>
          {cells.map(({ cellKey, a: ra, b: rb }) => {
            const row = ra ?? rb!;
            return (
              <tr key={cellKey} data-testid="batch.comparison.cell" data-cell={cellKey}>
                <td>{row.modelKey}</td>
                <td>{settingsLabel(row.settings)}</td>
                <td>{ra ? formatAccuracy(ra.accuracy) : 'not in A'}</td>
                <td>{rb ? formatAccuracy(rb.accuracy) : 'not in B'}</td>
                <td>{difference(ra?.accuracy, rb?.accuracy, (v) => `${(v * 100).toFixed(1)} pts`)}</td>
                <td>{ra ? formatBits(ra.meanEntropyBits) : 'not in A'}</td>
                <td>{rb ? formatBits(rb.meanEntropyBits) : 'not in B'}</td>
                <td>{difference(ra?.meanEntropyBits, rb?.meanEntropyBits, (v) => v.toFixed(3))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" onClick={onClose}>
        Close the comparison
      </button>
    </section>
  );
}
