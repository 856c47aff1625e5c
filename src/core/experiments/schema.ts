/**
 * The experiment record, versioned. Version 1 described the model source as a bare kind
 * with an optional revision and file hashes beside it; version 2 makes the source a
 * discriminated union so each kind carries exactly what identifies it (a Hub revision, a
 * folder name) and file hashes are always present. Old versions stay here, frozen, so
 * stored and exported records of every version can still be validated before migration.
 *
 * Objects strip unknown keys: whatever a record carries beyond the schema is dropped, never
 * stored. Nothing here produces HTML; names, notes, text and token texts are plain strings
 * that the UI renders as text.
 */
import { z } from 'zod';
import { LIMITS, backend, dtype, fileHash, isoTimestamp, label, recordId } from './bounds';
import { commonShape } from './parts';

/** The version this app writes. */
export const CURRENT_SCHEMA_VERSION = 2;

const fileHashes = z
  .array(fileHash)
  .max(LIMITS.fileHashes)
  .refine((hashes) => new Set(hashes.map((h) => h.path)).size === hashes.length, 'must not list a path twice');

const metaShape = {
  id: recordId,
  /** ISO 8601. */
  createdAt: isoTimestamp,
  /** ISO 8601, never before `createdAt`. */
  updatedAt: isoTimestamp,
  /** The Tokenscope version that last wrote the record. */
  appVersion: label,
};

function updatedNotBeforeCreated(record: { createdAt: string; updatedAt: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(record.updatedAt) < Date.parse(record.createdAt)) {
    ctx.addIssue({ code: 'custom', path: ['updatedAt'], message: 'is before createdAt' });
  }
}

/** Version 1 model description (frozen). */
export const modelV1Schema = z.object({
  id: label,
  source: z.enum(['embedded', 'hub', 'folder']),
  /** Hub revision (branch, tag or commit), when known. */
  revision: label.optional(),
  fileHashes: fileHashes.optional(),
  dtype,
  backend,
});

/** Version 1 record (frozen: never edit, add a version instead). */
export const experimentV1Schema = z
  .object({ schemaVersion: z.literal(1), ...metaShape, model: modelV1Schema, ...commonShape })
  .superRefine(updatedNotBeforeCreated);

/** Where the model came from; each kind carries what identifies its weights. */
export const modelSourceSchema = z.discriminatedUnion('kind', [
  /** Shipped with the app in `public/models/<id>/`. */
  z.object({ kind: z.literal('embedded'), fileHashes }),
  /** A Hugging Face Hub repository at a revision (branch, tag or commit). */
  z.object({ kind: z.literal('hub'), revision: label, fileHashes }),
  /** A folder opened from disk: only its name and file hashes can identify it. */
  z.object({ kind: z.literal('folder'), folderName: label, fileHashes }),
]);

export const modelSchema = z.object({
  /** Model id as the UI shows it: the embedded id, the Hub id, or the folder's name. */
  id: label,
  source: modelSourceSchema,
  dtype,
  backend,
});

/** Version 2 record: the current one. */
export const experimentV2Schema = z
  .object({ schemaVersion: z.literal(2), ...metaShape, model: modelSchema, ...commonShape })
  .superRefine(updatedNotBeforeCreated);

export const experimentSchema = experimentV2Schema;

export type ExperimentV1 = z.output<typeof experimentV1Schema>;
/** A validated experiment record of the current version. */
export type Experiment = z.output<typeof experimentV2Schema>;
export type ExperimentModel = z.output<typeof modelSchema>;
export type ModelSourceRecord = z.output<typeof modelSourceSchema>;
export type ExperimentSettings = Experiment['settings'];
export type BranchTree = Experiment['branches'];
export type BranchNode = BranchTree['nodes'][number];
export type ResultsSnapshot = NonNullable<Experiment['results']>;
export type DistributionSnapshot = ResultsSnapshot['distributions'][number];
