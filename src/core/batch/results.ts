/**
 * A batch's results: one SampleResult per task, stored as one canonical JSON line each (JSONL).
 * The line is a pure function of the task, so a run split into shards, interrupted and resumed,
 * or run in another order gives the same lines; sorted by `task` they make the same file.
 *
 * Line format (keys always in this order, numbers as JSON.stringify writes them):
 *   {"batch","task","promptId","modelKey","cellKey","sample","seed",
 *    "settings":{"temperature","topK","topP","minP"},"completion","tokenIds","logProbs",
 *    "entropyBits","stoppedBy","matched"}
 *
 * matchAnswer (match.ts) and cellStatistics (statistics.ts) are re-exported from here.
 */
import { z } from 'zod';
import type { SampleResult } from './sampleResult';

export { DEFAULT_MATCH_MODE, MATCH_MODES, matchAnswer, normaliseAnswer, type MatchMode } from './match';
export { batchTable, cellStatistics, wilsonInterval, type CellStatistics, type TableRow } from './statistics';
export type { SampleResult, StoppedBy } from './sampleResult';

/** The canonical line (no newline): fixed key order, so equal results give equal bytes. */
export function resultLine(r: SampleResult): string {
  return JSON.stringify({
    batch: r.batch,
    task: r.task,
    promptId: r.promptId,
    modelKey: r.modelKey,
    cellKey: r.cellKey,
    sample: r.sample,
    seed: r.seed,
    settings: {
      temperature: r.settings.temperature,
      topK: r.settings.topK,
      topP: r.settings.topP,
      minP: r.settings.minP,
    },
    completion: r.completion,
    tokenIds: r.tokenIds,
    logProbs: r.logProbs,
    entropyBits: r.entropyBits,
    stoppedBy: r.stoppedBy,
    matched: r.matched,
  });
}

const count = z.int().min(0);
const lineSchema = z.object({
  batch: z.string().regex(/^[0-9a-f]{16}$/),
  task: count,
  promptId: z.string().min(1),
  modelKey: z.string().min(1),
  cellKey: z.string().min(1),
  sample: count,
  seed: z.int().min(0).max(0xffffffff),
  settings: z.object({
    temperature: z.number().positive(),
    topK: count,
    topP: z.number().min(0).max(1),
    minP: z.number().min(0).max(1),
  }),
  completion: z.string(),
  tokenIds: z.array(count),
  logProbs: z.array(z.number().max(0)),
  entropyBits: z.array(z.number().min(0)),
  stoppedBy: z.enum(['max-tokens', 'stop-string', 'end-of-text']),
  matched: z.boolean().nullable(),
});

export class ResultFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultFileError';
  }
}

/** One line back into a result; throws a ResultFileError that says where (`<where>: …`). */
export function parseResultLine(line: string, where = 'The line'): SampleResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new ResultFileError(`${where} is not valid JSON (${(error as Error).message}).`);
  }
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ResultFileError(`${where} is not a batch result: ${issue.path.join('.') || 'line'} ${issue.message}.`);
  }
  const r = parsed.data;
  if (r.logProbs.length !== r.tokenIds.length || r.entropyBits.length !== r.tokenIds.length) {
    throw new ResultFileError(`${where} is not a batch result: tokenIds, logProbs and entropyBits differ in length.`);
  }
  return r;
}

export interface ParsedResultFile {
  results: SampleResult[];
  /** Bytes (UTF-8) of the complete lines: what a resumed run keeps. */
  completeBytes: number;
  /** Text after the last newline: a line cut off by a killed run (null when none). */
  partialTail: string | null;
}

/**
 * Reads a results file. A last line without its newline is a line the run was writing when it
 * was stopped: with `allowPartialTail` it is reported in `partialTail` (a resumed run cuts it
 * off and computes that task again), otherwise it is an error. Blank lines are skipped.
 */
export function parseResultFile(text: string, name = 'The results file', allowPartialTail = false): ParsedResultFile {
  const end = text.lastIndexOf('\n') + 1;
  const tail = text.slice(end);
  if (tail !== '' && !allowPartialTail) {
    throw new ResultFileError(
      `${name}: the last line is cut off (the run was stopped while writing it): finish the run with batch run --resume.`,
    );
  }
  const results: SampleResult[] = [];
  text
    .slice(0, end)
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() !== '') results.push(parseResultLine(line, `${name} line ${i + 1}`));
    });
  return {
    results,
    completeBytes: new TextEncoder().encode(text.slice(0, end)).length,
    partialTail: tail === '' ? null : tail,
  };
}

function describe(r: SampleResult): string {
  return `task ${r.task} (prompt ${r.promptId}, ${r.cellKey}, sample ${r.sample})`;
}

/**
 * Results in the canonical order (by `task`), each once. The same task twice with identical
 * lines is kept once (a shard rerun, a file given twice); with different lines it is an error
 * naming the task; results of different batches are an error too.
 */
export function mergeResults(groups: readonly { name: string; results: readonly SampleResult[] }[]): SampleResult[] {
  const byTask = new Map<number, { result: SampleResult; line: string; name: string }>();
  let batch: { id: string; name: string } | null = null;
  for (const { name, results } of groups) {
    for (const result of results) {
      if (batch === null) batch = { id: result.batch, name };
      else if (result.batch !== batch.id) {
        throw new ResultFileError(
          `${name} holds results of batch ${result.batch} but ${batch.name} of batch ${batch.id}: they come from different batch definitions.`,
        );
      }
      const line = resultLine(result);
      const known = byTask.get(result.task);
      if (!known) byTask.set(result.task, { result, line, name });
      else if (known.line !== line) {
        throw new ResultFileError(
          `${describe(result)} differs between ${known.name} and ${name}: the same task must give the same line (was the model or the code changed between runs?).`,
        );
      }
    }
  }
  return [...byTask.values()].sort((a, b) => a.result.task - b.result.task).map((entry) => entry.result);
}

/**
 * Merged text of several results files: canonical lines sorted by task, duplicates as in
 * mergeResults, each line ending in a newline ('' when there are no results). Shards' files
 * merged this way equal the unsharded run's file byte for byte.
 */
export function mergeResultFiles(
  texts: readonly string[],
  names: readonly string[] = texts.map((_, i) => `file ${i + 1}`),
): string {
  const groups = texts.map((text, i) => ({ name: names[i], results: parseResultFile(text, names[i]).results }));
  return mergeResults(groups)
    .map((r) => `${resultLine(r)}\n`)
    .join('');
}
