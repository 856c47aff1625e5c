/**
 * Experiment storage: the IndexedDB database, the repository (IndexedDB or in-memory
 * fallback), draft autosave and storage health. Records are validated by
 * `core/experiments` on every read and write.
 */
export {
  DATABASE_NAME,
  DATABASE_VERSION,
  openExperimentsDatabase,
  type CloseReason,
  type ExperimentsDatabase,
  type OpenDatabaseOptions,
} from './database';
export {
  createExperimentsRepository,
  toDraft,
  type ExperimentDraft,
  type ExperimentsRepository,
  type InsertManyResult,
  type ListQuery,
  type ListResult,
  type ListStart,
  type RepositoryOptions,
  type StoredExperiment,
  type StoredRecordProblem,
} from './experimentsRepository';
export type { ExperimentSummary } from './summary';
export {
  DatabaseBlockedError,
  DatabaseClosedError,
  DeletedError,
  DuplicateIdError,
  InvalidExperimentError,
  InvalidStoredRecordError,
  NotFoundError,
  StaleRevisionError,
  StorageError,
  StorageFullError,
  type StorageErrorCode,
} from './errors';
export {
  createDraftAutosave,
  flushOnPageHide,
  saveToExperiment,
  type DraftAutosave,
  type DraftAutosaveOptions,
} from './draftAutosave';
export {
  BLOCKED_REASON,
  createMemoryRepository,
  estimateStorage,
  moveToDisk,
  openExperimentsStorage,
  requestPersistentStorage,
  type ExperimentsStorage,
  type StorageEstimateReport,
} from './storageHealth';
export { benchmarkRepository, type BenchOptions, type BenchResult } from './bench';
