/**
 * The results of one batch (stored or imported): accuracy and mean entropy against temperature
 * per model, the per-cell table with each sample behind its row, and the exports.
 */
import { useMemo } from 'react';
import { TemperatureChart } from '../../charts/TemperatureChart';
import { batchTable } from '../../core/batch/results';
import { taskCount } from '../../core/batch/tasks';
import type { ShownResults } from '../../state/batchState';
import { useWidth } from '../next-token/useWidth';
import { formatAccuracy } from './batchFormat';
import { temperatureSeries } from './batchSeries';
import { BatchTable } from './BatchTable';
import type { ExportKind } from './exportResults';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

export interface BatchResultsProps {
  shown: ShownResults;
  onExport: (kind: ExportKind) => void;
  loadTokenTexts: (modelKey: string, ids: readonly number[]) => Promise<Map<number, string> | null>;
}

export function BatchResults({ shown, onExport, loadTokenTexts }: BatchResultsProps) {
  const [ref, width] = useWidth<HTMLDivElement>(720);
  const rows = useMemo(() => batchTable(shown.results), [shown.results]);
  const colour = (label: string, labels: string[]) => COLOURS[labels.indexOf(label) % COLOURS.length];
  const charts = useMemo(() => {
    const accuracy = temperatureSeries(rows, 'accuracy');
    const entropy = temperatureSeries(rows, 'entropy');
    const labels = [...new Set([...accuracy, ...entropy].map((s) => s.label))];
    return {
      accuracy: accuracy.map((s) => ({ ...s, colour: colour(s.label, labels) })),
      entropy: entropy.map((s) => ({ ...s, colour: colour(s.label, labels) })),
    };
  }, [rows]);
  const total = shown.definition ? taskCount(shown.definition) : null;
  const chartWidth = Math.max(260, Math.min(480, Math.floor((width - 16) / 2)));
  return (
    <section
      className="batch-results"
      aria-labelledby="batch-results-heading"
      data-testid="batch.results"
      data-batch={shown.id}
      data-samples={shown.results.length}
      ref={ref}
    >
      <h3 id="batch-results-heading">{shown.name}</h3>
      <p className="muted">
        {shown.results.length.toLocaleString('en-US')}
        {total !== null ? ` of ${total.toLocaleString('en-US')}` : ''} samples · {rows.length} cells
        {shown.results[0] && <> · batch id {shown.results[0].batch}</>}
      </p>
      <p className="batch-results__exports">
        Export:{' '}
        <button type="button" data-testid="batch.export.jsonl" onClick={() => onExport('jsonl')}>
          Results JSONL
        </button>{' '}
        <button type="button" data-testid="batch.export.table" onClick={() => onExport('table-csv')}>
          Table CSV
        </button>{' '}
        <button type="button" data-testid="batch.export.samples" onClick={() => onExport('samples-csv')}>
          Samples CSV
        </button>
        <span className="hint">
          {' '}
          The JSONL has the same lines as <code>npm run cli -- batch run</code> (merge or compare them with{' '}
          <code>batch merge</code> / <code>batch table</code>).
        </span>
      </p>
      {rows.length > 0 && (
        <div className="batch-results__charts">
          {charts.accuracy.length > 0 && (
            <TemperatureChart
              title="Accuracy against temperature (95% Wilson interval)"
              yLabel="accuracy"
              series={charts.accuracy}
              yDomain={[0, 1]}
              width={chartWidth}
              format={(v) => formatAccuracy(v)}
              testId="batch.chart.accuracy"
            />
          )}
          <TemperatureChart
            title="Mean entropy against temperature"
            yLabel="bits"
            series={charts.entropy}
            width={chartWidth}
            format={(v) => v.toFixed(2)}
            testId="batch.chart.entropy"
          />
        </div>
      )}
      {rows.length > 0 ? (
        <BatchTable rows={rows} results={shown.results} loadTokenTexts={loadTokenTexts} />
      ) : (
        <p className="muted">No samples finished yet.</p>
      )}
    </section>
  );
}
