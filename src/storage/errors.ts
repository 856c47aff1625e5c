/**
 * Errors the storage layer throws on purpose. Each has a `code` for the UI to switch on and a
 * message a user can act on.
 */
import type { ExperimentsDatabase } from './connection';

export type StorageErrorCode =
  | 'stale-revision'
  | 'not-found'
  | 'deleted'
  | 'duplicate-id'
  | 'invalid-experiment'
  | 'invalid-stored-record'
  | 'database-closed'
  | 'database-blocked'
  | 'storage-full';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** An update based on a revision that is no longer the stored one (another tab saved first). */
export class StaleRevisionError extends StorageError {
  constructor(
    readonly id: string,
    /** The revision the caller edited. */
    readonly expectedRevision: number,
    /** The revision that is stored now. */
    readonly storedRevision: number,
  ) {
    super(
      'stale-revision',
      `Not saved: experiment ${id} was changed elsewhere (another tab?) since it was opened ` +
        `(you edited revision ${expectedRevision}, revision ${storedRevision} is stored). Reopen it to see the changes, or save a copy.`,
    );
  }
}

export class NotFoundError extends StorageError {
  constructor(readonly id: string) {
    super('not-found', `Experiment ${id} does not exist (it may have been deleted permanently in another tab).`);
  }
}

export class DeletedError extends StorageError {
  constructor(readonly id: string) {
    super('deleted', `Experiment ${id} is deleted; restore it before changing it.`);
  }
}

export class DuplicateIdError extends StorageError {
  constructor(readonly id: string) {
    super('duplicate-id', `An experiment with id ${id} is already stored.`);
  }
}

/** Input to a write did not pass the experiment schema. */
export class InvalidExperimentError extends StorageError {
  constructor(readonly errors: string[]) {
    super('invalid-experiment', `The experiment is not valid: ${errors.join('; ')}`);
  }
}

/** A stored record that no longer passes the schema (written by a bug, edited by hand). */
export class InvalidStoredRecordError extends StorageError {
  constructor(
    readonly id: string,
    readonly errors: string[],
  ) {
    super('invalid-stored-record', `The stored experiment ${id} is damaged and cannot be opened: ${errors.join('; ')}`);
  }
}

export class DatabaseClosedError extends StorageError {
  constructor(reason: string) {
    super('database-closed', `The experiments database is closed: ${reason}`);
  }
}

export class DatabaseBlockedError extends StorageError {
  /** The database, opened once the blocking tabs let go (set by openExperimentsDatabase). */
  whenUnblocked?: Promise<ExperimentsDatabase>;

  constructor() {
    super(
      'database-blocked',
      'The experiments database cannot be upgraded while an older Tokenscope tab keeps it open. Close or reload the other tabs.',
    );
  }
}

export class StorageFullError extends StorageError {
  constructor() {
    super(
      'storage-full',
      "The browser's storage for this site is full: nothing more can be saved. Export your experiments now, then delete some.",
    );
  }
}

/** Whether an error from IndexedDB means the quota was hit. */
export function isQuotaExceeded(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError';
}
