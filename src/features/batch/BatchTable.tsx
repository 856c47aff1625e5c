/** One row per cell (model × settings): accuracy with its 95% interval, entropy, distinct completions; a row expands to its samples. */
import { Fragment, useMemo, useState } from 'react';
import type { SampleResult, TableRow } from '../../core/batch/results';
import { formatAccuracy, formatBits, formatInterval, settingsLabel } from './batchFormat';
import { CellSamples } from './CellSamples';

export interface BatchTableProps {
  rows: readonly TableRow[];
  results: readonly SampleResult[];
  loadTokenTexts: (modelKey: string, ids: readonly number[]) => Promise<Map<number, string> | null>;
}

export function BatchTable({ rows, results, loadTokenTexts }: BatchTableProps) {
  const [open, setOpen] = useState<string | null>(null);
  const samples = useMemo(
    () => (open === null ? [] : results.filter((r) => r.cellKey === open).sort((a, b) => a.task - b.task)),
    [open, results],
  );
  const openRow = rows.find((r) => r.cellKey === open);
  const loadTexts = useMemo(
    () => (ids: readonly number[]) => loadTokenTexts(openRow?.modelKey ?? '', ids),
    [openRow?.modelKey, loadTokenTexts],
  );
  return (
    <table className="batch-table" data-testid="batch.table">
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Settings</th>
          <th scope="col">Samples</th>
          <th scope="col">Accuracy</th>
          <th scope="col">95% CI</th>
          <th scope="col">Mean entropy (bits)</th>
          <th scope="col">First-token entropy</th>
          <th scope="col">Distinct completions</th>
          <th scope="col">
            <span className="visually-hidden">Samples</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <Fragment key={r.cellKey}>
            <tr
              data-testid="batch.cell"
              data-cell={r.cellKey}
              data-samples={r.samples}
              data-judged={r.judged}
              data-matched={r.matched}
              data-distinct={r.distinctCompletions}
            >
              <td>{r.modelKey}</td>
              <td>{settingsLabel(r.settings)}</td>
              <td>{r.samples}</td>
              <td data-testid="batch.cell.accuracy" title={`${r.matched} of ${r.judged} judged samples matched`}>
                {formatAccuracy(r.accuracy)}
              </td>
              <td>{formatInterval(r.ci95)}</td>
              <td data-testid="batch.cell.entropy">{formatBits(r.meanEntropyBits)}</td>
              <td>{formatBits(r.meanFirstEntropyBits)}</td>
              <td>{r.distinctCompletions}</td>
              <td>
                <button
                  type="button"
                  aria-expanded={open === r.cellKey}
                  data-testid="batch.cell.expand"
                  onClick={() => setOpen(open === r.cellKey ? null : r.cellKey)}
                >
                  {open === r.cellKey ? 'Hide' : 'Samples'}
                </button>
              </td>
            </tr>
            {open === r.cellKey && (
              <tr className="batch-table__samples">
                <td colSpan={9}>
                  <CellSamples samples={samples} loadTokenTexts={loadTexts} />
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
