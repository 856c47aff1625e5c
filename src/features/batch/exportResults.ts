/** Saves the results on screen: canonical JSONL (as the CLI writes it), the table or the samples as CSV. */
import { downloadBlob } from '../../state/downloadBlob';
import { batchTable } from '../../core/batch/results';
import { report } from '../../state/batchActions';
import { useBatches } from '../../state/batchState';
import { fileStem, resultsJsonl, samplesCsv, tableCsv } from './batchFormat';

export type ExportKind = 'jsonl' | 'table-csv' | 'samples-csv';

export function exportShown(kind: ExportKind): void {
  const shown = useBatches.getState().shown;
  if (!shown || shown.results.length === 0) return report(new Error('There are no results to export yet.'));
  const stem = fileStem(shown.name);
  if (kind === 'jsonl')
    downloadBlob(`${stem}.jsonl`, new Blob([resultsJsonl(shown.results)], { type: 'application/x-ndjson' }));
  else if (kind === 'table-csv')
    downloadBlob(`${stem}-table.csv`, new Blob([tableCsv(batchTable(shown.results))], { type: 'text/csv' }));
  else downloadBlob(`${stem}-samples.csv`, new Blob([samplesCsv(shown.results)], { type: 'text/csv' }));
}
