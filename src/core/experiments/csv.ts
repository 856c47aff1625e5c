/**
 * The per-token table as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when
 * they hold a comma, quote, CR or LF, quotes doubled). Token texts are data from models and
 * users, so a text that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR
 * first) is prefixed with `'` (OWASP's advice against CSV injection). Numbers are written as
 * numbers and never prefixed. Add a UTF-8 BOM when saving if Excel must detect the encoding.
 */
import type { ResultsSnapshot } from './schema';

type MetricKey = keyof ResultsSnapshot['metrics'];

/** Metric columns in table order, with their CSV headers. */
const METRIC_COLUMNS: readonly [MetricKey, string][] = [
  ['surprisalBits', 'surprisal_bits'],
  ['probability', 'probability'],
  ['rank', 'rank'],
  ['entropyNats', 'entropy_nats'],
  ['bigramDivergenceBits', 'bigram_divergence_bits'],
  ['effectiveN', 'effective_n'],
];

/** Neutralises spreadsheet formulas in a text cell. */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One RFC 4180 field: numbers as they are, null as empty, text neutralised and quoted when needed. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = neutraliseFormula(value);
  // Leading or trailing spaces are quoted too: tokens such as " the" must keep their space
  // in readers that trim unquoted fields.
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The per-token table: position, token id, token text, then every metric the snapshot has.
 *
 * @example
 * download(new Blob([perTokenCsv(experiment.results!)], { type: 'text/csv' }));
 */
export function perTokenCsv(results: ResultsSnapshot): string {
  const metrics = METRIC_COLUMNS.filter(([key]) => results.metrics[key] !== undefined);
  const header = ['position', 'token_id', 'token', ...metrics.map(([, name]) => name)];
  const rows = [header.map(csvField).join(',')];
  for (let i = 0; i < results.tokenIds.length; i++) {
    const fields: (string | number | null)[] = [i, results.tokenIds[i], results.tokenTexts[i]];
    for (const [key] of metrics) fields.push(results.metrics[key]![i]);
    rows.push(fields.map(csvField).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}
