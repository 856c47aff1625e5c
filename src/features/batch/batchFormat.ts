/**
 * How the batch table writes its numbers (the e2e test compares the CLI's `batch table` through
 * the same functions), and the exports: canonical JSONL (the CLI's lines, byte for byte for the
 * same results), the per-cell table and the per-sample rows as CSV.
 */
import type { SamplingSettingsRecord } from '../../core/batch/tasks';
import { mergeResults, resultLine, type SampleResult, type TableRow } from '../../core/batch/results';
import { csvField } from '../../core/experiments/csv';

/** Accuracy as a percentage with one decimal; '–' when no sample of the cell was judged. */
export function formatAccuracy(accuracy: number | null): string {
  return accuracy === null ? '–' : `${(accuracy * 100).toFixed(1)}%`;
}

export function formatInterval(ci: { low: number; high: number } | null): string {
  return ci === null ? '–' : `${(ci.low * 100).toFixed(1)}–${(ci.high * 100).toFixed(1)}%`;
}

/** Bits with three decimals; '–' for none. */
export function formatBits(bits: number | null): string {
  return bits === null ? '–' : bits.toFixed(3);
}

/** The settings of a cell, the defaults (top-k 0, top-p 1, min-p 0) left out. */
export function settingsLabel(s: SamplingSettingsRecord): string {
  return [
    `T ${s.temperature}`,
    s.topK > 0 ? `top-k ${s.topK}` : '',
    s.topP < 1 ? `top-p ${s.topP}` : '',
    s.minP > 0 ? `min-p ${s.minP}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A completion with its whitespace visible (a leading space matters to a match). */
export function visibleCompletion(text: string): string {
  return JSON.stringify(text);
}

/** The results as the CLI writes them: canonical lines sorted by task, each ending in a newline. */
export function resultsJsonl(results: readonly SampleResult[]): string {
  return mergeResults([{ name: 'the batch', results }])
    .map((r) => `${resultLine(r)}\n`)
    .join('');
}

const csv = (rows: (string | number | null)[][]) =>
  rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';

/** One row per cell, the numbers unrounded. */
export function tableCsv(rows: readonly TableRow[]): string {
  return csv([
    [
      'model',
      'temperature',
      'top_k',
      'top_p',
      'min_p',
      'samples',
      'judged',
      'matched',
      'accuracy',
      'ci95_low',
      'ci95_high',
      'mean_entropy_bits',
      'mean_first_entropy_bits',
      'distinct_completions',
      'mean_tokens',
    ],
    ...rows.map((r) => [
      r.modelKey,
      r.settings.temperature,
      r.settings.topK,
      r.settings.topP,
      r.settings.minP,
      r.samples,
      r.judged,
      r.matched,
      r.accuracy,
      r.ci95?.low ?? null,
      r.ci95?.high ?? null,
      r.meanEntropyBits,
      r.meanFirstEntropyBits,
      r.distinctCompletions,
      r.meanTokens,
    ]),
  ]);
}

/** One row per sample; token ids, log-probabilities and entropies as JSON arrays (a bare '-0.1 …' would read as a formula). */
export function samplesCsv(results: readonly SampleResult[]): string {
  return csv([
    [
      'task',
      'prompt_id',
      'model',
      'temperature',
      'top_k',
      'top_p',
      'min_p',
      'sample',
      'seed',
      'completion',
      'matched',
      'stopped_by',
      'token_ids',
      'log_probs',
      'entropy_bits',
    ],
    ...[...results]
      .sort((a, b) => a.task - b.task)
      .map((r) => [
        r.task,
        r.promptId,
        r.modelKey,
        r.settings.temperature,
        r.settings.topK,
        r.settings.topP,
        r.settings.minP,
        r.sample,
        r.seed,
        r.completion,
        r.matched === null ? null : String(r.matched),
        r.stoppedBy,
        JSON.stringify(r.tokenIds),
        JSON.stringify(r.logProbs),
        JSON.stringify(r.entropyBits),
      ]),
  ]);
}

/** A file name from a batch name: letters, digits, '-' and '_' kept. */
export function fileStem(name: string): string {
  return (
    name
      .trim()
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'batch'
  );
}
