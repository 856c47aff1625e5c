/**
 * The experiments file: `{ format: 'tokenscope-experiments', version, exportedAt, experiments }`.
 * Import validates each record on its own, so one corrupted record is reported and skipped
 * while the rest come in. Nothing here produces HTML.
 */
import { isoTimestamp } from './bounds';
import { parseExperiment } from './parse';
import type { Experiment } from './schema';

export const EXPORT_FORMAT = 'tokenscope-experiments';
/** Version of the file wrapper, independent of the record schema version. */
export const EXPORT_FORMAT_VERSION = 1;
/** Records per file; more is a sign the file is not ours. */
export const MAX_IMPORT_RECORDS = 10_000;
/** Characters of JSON accepted (about 256 MB of ASCII). */
export const MAX_IMPORT_TEXT_LENGTH = 256 * 1024 * 1024;

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_FORMAT_VERSION;
  /** ISO 8601. */
  exportedAt: string;
  experiments: Experiment[];
}

/** A record that was not imported, and why. */
export interface SkippedRecord {
  /** 0-based position in the file's `experiments` array. */
  index: number;
  /** The record's name when it had a readable one, cut to 200 characters. */
  name: string | null;
  reasons: string[];
}

export type ImportResult =
  | {
      ok: true;
      /** Valid records, migrated to the current schema version, in file order. */
      experiments: Experiment[];
      skipped: SkippedRecord[];
      /** How many of `experiments` came from an older schema version. */
      migrated: number;
    }
  | { ok: false; /** Why the file as a whole could not be read. */ error: string };

/**
 * Serialises experiments as an export file (compact JSON: metric arrays would make an
 * indented file several times larger).
 *
 * @example
 * const json = createExportFile([experiment], { exportedAt: new Date().toISOString() });
 */
export function createExportFile(experiments: readonly Experiment[], options: { exportedAt: string }): string {
  const file: ExportFile = {
    format: EXPORT_FORMAT,
    version: EXPORT_FORMAT_VERSION,
    exportedAt: options.exportedAt,
    experiments: [...experiments],
  };
  return JSON.stringify(file);
}

/**
 * Reads an export file (or a single bare experiment record) and validates every record.
 * A record whose id repeats an earlier one in the same file is skipped.
 */
export function parseImportFile(text: string): ImportResult {
  if (text.length > MAX_IMPORT_TEXT_LENGTH) {
    return {
      ok: false,
      error: `the file is too large to import (${text.length} characters; limit ${MAX_IMPORT_TEXT_LENGTH})`,
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the file is not valid JSON (${(error as Error).message})` };
  }
  const records = recordsOf(data);
  if (typeof records === 'string') return { ok: false, error: records };

  const experiments: Experiment[] = [];
  const skipped: SkippedRecord[] = [];
  const ids = new Set<string>();
  let migrated = 0;
  records.forEach((record, index) => {
    const result = parseExperiment(record);
    if (!result.ok) {
      skipped.push({ index, name: readableName(record), reasons: result.errors });
    } else if (ids.has(result.value.id)) {
      skipped.push({ index, name: result.value.name, reasons: [`id: ${result.value.id} appears earlier in the file`] });
    } else {
      ids.add(result.value.id);
      experiments.push(result.value);
      if (result.migratedFrom !== null) migrated++;
    }
  });
  return { ok: true, experiments, skipped, migrated };
}

/** The records array of a parsed file, or why the file is not an experiments file. */
function recordsOf(data: unknown): unknown[] | string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return 'the file is not a Tokenscope experiments file (expected a JSON object)';
  }
  const file = data as Record<string, unknown>;
  if (file.format === undefined && 'schemaVersion' in file) return [file];
  if (file.format !== EXPORT_FORMAT)
    return `the file is not a Tokenscope experiments file (format is ${JSON.stringify(file.format) ?? 'missing'})`;
  if (typeof file.version !== 'number' || !Number.isInteger(file.version)) return 'the file has no format version';
  if (file.version > EXPORT_FORMAT_VERSION) {
    return `the file was written by a newer Tokenscope (format version ${file.version}; this app reads up to ${EXPORT_FORMAT_VERSION})`;
  }
  if (!isoTimestamp.safeParse(file.exportedAt).success) return 'exportedAt: must be an ISO 8601 timestamp';
  if (!Array.isArray(file.experiments)) return 'experiments: must be an array';
  if (file.experiments.length > MAX_IMPORT_RECORDS) {
    return `the file holds ${file.experiments.length} experiments; at most ${MAX_IMPORT_RECORDS} can be imported at once`;
  }
  return file.experiments;
}

function readableName(record: unknown): string | null {
  if (typeof record !== 'object' || record === null) return null;
  const name = (record as { name?: unknown }).name;
  return typeof name === 'string' && name.trim() !== '' ? name.slice(0, 200) : null;
}
