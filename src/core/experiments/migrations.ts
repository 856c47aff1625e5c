/**
 * The migration chain: one pure step per schema version, each taking a validated record of
 * version n and returning a record of version n + 1. Steps never touch `updatedAt`: a
 * migration is not an edit by the user. To add version 3: freeze version 2's schema in
 * schema.ts, add `2: migrateV2ToV3` here, bump CURRENT_SCHEMA_VERSION.
 */
import type { z } from 'zod';
import {
  CURRENT_SCHEMA_VERSION,
  experimentV1Schema,
  experimentV2Schema,
  type Experiment,
  type ExperimentV1,
  type ModelSourceRecord,
} from './schema';

/**
 * Version 1 → 2: the bare `source` kind becomes a discriminated union.
 * - hub: `revision` moves into the source; a record without one loaded `main`, so it says so.
 * - folder: the folder's name was the model id; it becomes `folderName`.
 * - embedded and folder: a `revision` is dropped, because the engine only ever read it for
 *   Hub models, so it never identified the weights of these kinds.
 * - `fileHashes` moves into the source and becomes a list that is always there.
 */
export function migrateV1ToV2(record: ExperimentV1): Experiment {
  const { model, schemaVersion: _version, ...rest } = record;
  const fileHashes = model.fileHashes ?? [];
  let source: ModelSourceRecord;
  switch (model.source) {
    case 'embedded':
      source = { kind: 'embedded', fileHashes };
      break;
    case 'hub':
      source = { kind: 'hub', revision: model.revision ?? 'main', fileHashes };
      break;
    case 'folder':
      source = { kind: 'folder', folderName: model.id, fileHashes };
      break;
  }
  return {
    schemaVersion: 2,
    ...rest,
    model: { id: model.id, source, dtype: model.dtype, backend: model.backend },
  };
}

interface VersionEntry {
  schema: z.ZodType;
  /** From this version to the next; absent for the current version. */
  upgrade?: (record: never) => unknown;
}

/** Every version this app can read, with its schema and its step to the next version. */
export const VERSIONS: Readonly<Record<number, VersionEntry>> = {
  1: { schema: experimentV1Schema, upgrade: migrateV1ToV2 },
  2: { schema: experimentV2Schema },
};

/**
 * Runs the chain from `fromVersion` up to the current version. `record` must already have
 * passed `VERSIONS[fromVersion].schema`; the result still needs validating as current.
 */
export function migrateToCurrent(record: unknown, fromVersion: number): unknown {
  let value = record;
  for (let version = fromVersion; version < CURRENT_SCHEMA_VERSION; version++) {
    const upgrade = VERSIONS[version]?.upgrade;
    if (!upgrade) throw new Error(`no migration from schema version ${version}`);
    // NOTE: the cast is safe because each step's input was validated by its version's schema.
    value = (upgrade as (record: unknown) => unknown)(value);
  }
  return value;
}
