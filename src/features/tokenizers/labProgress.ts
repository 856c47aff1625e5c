/** The tokenizer lab's progress line, from the worker's progress events. */
import type { LabProgress } from '../../protocol/tokenizerLab';

/**
 * "Fetching Llama 3 (2 of 8)…" while a tokenizer is worked on. `done` counts finished rows, so
 * the tokenizer being worked on is number done + 1, except in the event that carries a finished
 * row: there `done` already counts it, and the last such event has done = total.
 */
export function labProgressText(progress: LabProgress): string {
  if (progress.row) return `${progress.done} of ${progress.total} tokenizers done…`;
  const doing = progress.phase === 'loading' ? 'Fetching' : 'Tokenizing with';
  return `${doing} ${progress.label} (${progress.done + 1} of ${progress.total})…`;
}
