/**
 * The table's rows as chart series: accuracy and mean entropy against temperature, one line per
 * model (per model and top-k/top-p/min-p when the grid has more than one of those), as the ToM
 * study plots them; and two batches side by side, cell by cell.
 */
import type { TableRow } from '../../core/batch/results';
import { settingsLabel } from './batchFormat';

export interface SeriesPoint {
  x: number;
  y: number;
  /** The 95% interval, for accuracy. */
  low?: number;
  high?: number;
}

export interface Series {
  label: string;
  points: SeriesPoint[];
}

/** The series key of a row: its model, and its settings other than temperature when they vary. */
function seriesLabel(row: TableRow, varies: boolean): string {
  if (!varies) return row.modelKey;
  const rest = settingsLabel({ ...row.settings, temperature: 0 }).replace(/^T 0( · )?/, '');
  return rest ? `${row.modelKey} · ${rest}` : row.modelKey;
}

export function temperatureSeries(rows: readonly TableRow[], metric: 'accuracy' | 'entropy'): Series[] {
  const others = new Set(rows.map((r) => `${r.settings.topK}|${r.settings.topP}|${r.settings.minP}`));
  const series = new Map<string, SeriesPoint[]>();
  for (const row of rows) {
    const y = metric === 'accuracy' ? row.accuracy : row.meanEntropyBits;
    if (y === null) continue;
    const label = seriesLabel(row, others.size > 1);
    const point: SeriesPoint =
      metric === 'accuracy' && row.ci95
        ? { x: row.settings.temperature, y, low: row.ci95.low, high: row.ci95.high }
        : { x: row.settings.temperature, y };
    series.set(label, [...(series.get(label) ?? []), point]);
  }
  return [...series.entries()].map(([label, points]) => ({ label, points: points.sort((a, b) => a.x - b.x) }));
}

export interface ComparedCell {
  cellKey: string;
  a: TableRow | null;
  b: TableRow | null;
}

/** Every cell of either batch, A's order first, then cells only B has. */
export function compareTables(a: readonly TableRow[], b: readonly TableRow[]): ComparedCell[] {
  const inB = new Map(b.map((row) => [row.cellKey, row]));
  const cells: ComparedCell[] = a.map((row) => ({ cellKey: row.cellKey, a: row, b: inB.get(row.cellKey) ?? null }));
  const inA = new Set(a.map((row) => row.cellKey));
  for (const row of b) if (!inA.has(row.cellKey)) cells.push({ cellKey: row.cellKey, a: null, b: row });
  return cells;
}
