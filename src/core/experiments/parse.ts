/**
 * The one door for experiment records entering the app (database, import file, share
 * link): validate against the record's own schema version, migrate to the current one,
 * validate again, and explain every problem as `path: reason`.
 */
import type { z } from 'zod';
import { migrateToCurrent, VERSIONS } from './migrations';
import { CURRENT_SCHEMA_VERSION, experimentSchema, type Experiment } from './schema';

/** Problems listed before the rest are summarised, so a huge bad record gives a readable report. */
const MAX_LISTED_ERRORS = 12;

export type ParseResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      /** Each `path: reason`, e.g. `settings.topP: Too big: expected number to be <=1`. */ errors: string[];
    };

export type ExperimentParseResult =
  | {
      ok: true;
      value: Experiment;
      /** The version the record had before migration, when it was older. */ migratedFrom: number | null;
    }
  | { ok: false; errors: string[] };

/** `a.b[3].c` for a zod issue path; `(record)` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(record)' : out;
}

/** Readable `path: reason` lines for a zod error, capped at a dozen plus a count of the rest. */
export function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  const lines = error.issues
    .slice(0, MAX_LISTED_ERRORS)
    .map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message}`);
  const rest = error.issues.length - MAX_LISTED_ERRORS;
  if (rest > 0) lines.push(`… and ${rest} more problem${rest === 1 ? '' : 's'}`);
  return lines;
}

/**
 * Validates any value as an experiment record of any known version and returns it migrated
 * to the current version. Never throws on bad input.
 *
 * @example
 * const result = parseExperiment(JSON.parse(text));
 * if (result.ok) open(result.value); else showProblems(result.errors);
 */
export function parseExperiment(input: unknown): ExperimentParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [`(record): expected an object, received ${describe(input)}`] };
  }
  const version = (input as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, errors: ['schemaVersion: missing or not a positive integer'] };
  }
  if (version > CURRENT_SCHEMA_VERSION) {
    return {
      ok: false,
      errors: [
        `schemaVersion: ${version} is newer than this app understands (${CURRENT_SCHEMA_VERSION}); update Tokenscope to open it`,
      ],
    };
  }
  const entry = VERSIONS[version];
  if (!entry) return { ok: false, errors: [`schemaVersion: ${version} is not a known version`] };
  const own = entry.schema.safeParse(input);
  if (!own.success) return { ok: false, errors: formatIssues(own.error) };
  if (version === CURRENT_SCHEMA_VERSION) return { ok: true, value: own.data as Experiment, migratedFrom: null };
  let migrated: unknown;
  try {
    migrated = migrateToCurrent(own.data, version);
  } catch (error) {
    return { ok: false, errors: [`(record): migration from version ${version} failed: ${(error as Error).message}`] };
  }
  const current = experimentSchema.safeParse(migrated);
  if (!current.success) {
    return {
      ok: false,
      errors: formatIssues(current.error).map((line) => `after migration from version ${version}, ${line}`),
    };
  }
  return { ok: true, value: current.data, migratedFrom: version };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
