/**
 * How much room the browser gives us and whether it may evict our data, plus the choice of
 * repository: IndexedDB when it opens, otherwise memory, with the reason, so the app keeps
 * working and can ask the user to export before closing the tab. Every browser call here can
 * be missing or throw (private windows, old browsers, policies); each degrades to "unknown".
 */
import { openExperimentsDatabase, type ExperimentsDatabase, type OpenDatabaseOptions } from './database';
import { createMemoryEntryStore } from './entryStore';
import { DatabaseBlockedError } from './errors';
import {
  createExperimentsRepository,
  type ExperimentsRepository,
  type RepositoryOptions,
} from './experimentsRepository';

/** The part of `navigator.storage` we use; every member may be missing. */
export interface StorageManagerLike {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persisted?: () => Promise<boolean>;
  persist?: () => Promise<boolean>;
}

export interface StorageEstimateReport {
  /** Bytes this origin uses (all storage, not only experiments); null when unknown. */
  usageBytes: number | null;
  /** Bytes this origin may use; null when unknown. */
  quotaBytes: number | null;
  /** Whether the browser promised not to evict our data; null when unknown. */
  persisted: boolean | null;
}

function defaultStorageManager(): StorageManagerLike | undefined {
  return (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage;
}

async function attempt<T>(call: (() => Promise<T>) | undefined): Promise<T | null> {
  if (!call) return null;
  try {
    return await call();
  } catch {
    return null;
  }
}

const finiteOrNull = (value: number | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** Usage, quota and persistence, each null when the browser will not say. */
export async function estimateStorage(
  manager: StorageManagerLike | undefined = defaultStorageManager(),
): Promise<StorageEstimateReport> {
  const [estimate, persisted] = await Promise.all([
    attempt(manager?.estimate?.bind(manager)),
    attempt(manager?.persisted?.bind(manager)),
  ]);
  return {
    usageBytes: finiteOrNull(estimate?.usage),
    quotaBytes: finiteOrNull(estimate?.quota),
    persisted: typeof persisted === 'boolean' ? persisted : null,
  };
}

/**
 * Asks the browser to keep our data under storage pressure. Browsers may grant silently,
 * prompt, or refuse; call it from a user gesture (a "keep my experiments" button).
 */
export async function requestPersistentStorage(
  manager: StorageManagerLike | undefined = defaultStorageManager(),
): Promise<'granted' | 'denied' | 'unsupported'> {
  if (!manager?.persist) return 'unsupported';
  const granted = await attempt(manager.persist.bind(manager));
  if (granted === null) return 'unsupported';
  return granted ? 'granted' : 'denied';
}

/**
 * A repository that keeps experiments in memory only, with the same behaviour as the
 * IndexedDB one. Everything is lost when the tab closes.
 */
export function createMemoryRepository(options: RepositoryOptions): ExperimentsRepository {
  return createExperimentsRepository(createMemoryEntryStore(), options);
}

export interface ExperimentsStorage {
  repository: ExperimentsRepository;
  /** The open database; null in memory mode. */
  database: ExperimentsDatabase | null;
  /** Why experiments are kept in memory only (show it with an "export now" prompt); null when on disk. */
  memoryOnlyReason: string | null;
  /**
   * Only when an older tab blocked the database's upgrade: the storage on disk once that tab
   * lets go. Move what was kept in memory there (moveToDisk) and use it from then on.
   */
  onDiskLater: Promise<ExperimentsStorage> | null;
}

export interface OpenStorageOptions extends RepositoryOptions {
  database?: OpenDatabaseOptions;
  /** Injected in tests; defaults to the real database. */
  openDatabase?: (options: OpenDatabaseOptions) => Promise<ExperimentsDatabase>;
}

/**
 * The repository the app should use: IndexedDB when it opens, memory otherwise.
 *
 * @example
 * const storage = await openExperimentsStorage({ appVersion });
 * if (storage.memoryOnlyReason) showBanner(`${storage.memoryOnlyReason} Export your experiments before closing.`);
 */
export async function openExperimentsStorage(options: OpenStorageOptions): Promise<ExperimentsStorage> {
  const { database: databaseOptions = {}, openDatabase = openExperimentsDatabase, ...repositoryOptions } = options;
  const memory = (reason: string, onDiskLater: Promise<ExperimentsStorage> | null = null): ExperimentsStorage => ({
    repository: createMemoryRepository(repositoryOptions),
    database: null,
    memoryOnlyReason: reason,
    onDiskLater,
  });
  const onDisk = (database: ExperimentsDatabase): ExperimentsStorage => ({
    repository: createExperimentsRepository(database.entries, repositoryOptions),
    database,
    memoryOnlyReason: null,
    onDiskLater: null,
  });
  if (typeof indexedDB === 'undefined') {
    return memory('This browser offers no IndexedDB here, so experiments are kept only while this tab is open.');
  }
  try {
    return onDisk(await openDatabase(databaseOptions));
  } catch (error) {
    if (error instanceof DatabaseBlockedError && error.whenUnblocked) {
      return memory(BLOCKED_REASON, error.whenUnblocked.then(onDisk));
    }
    // Firefox private windows and disabled site data throw here (InvalidStateError, SecurityError).
    return memory(
      `Experiments cannot be saved in this browser (${(error as Error).message || String(error)}), so they are kept only while this tab is open.`,
    );
  }
}

/** Why experiments are in memory while an older tab blocks the upgrade; nothing on disk is lost. */
export const BLOCKED_REASON =
  'Another Tokenscope tab, of an older version, keeps the experiments database open, so this one cannot upgrade it. ' +
  'Your saved experiments are safe, but cannot be shown until that tab is closed or reloaded; ' +
  'meanwhile new experiments are kept in this tab’s memory and move to the database as soon as it opens.';

/**
 * Copies every experiment kept in memory into the database (those already there are left
 * alone), so nothing saved while the database was out of reach is lost. Returns how many moved.
 */
export async function moveToDisk(memory: ExperimentsRepository, disk: ExperimentsRepository): Promise<number> {
  const kept = await Promise.all((await memory.list()).experiments.map((summary) => memory.get(summary.id)));
  const experiments = kept.filter((stored) => stored !== null).map((stored) => stored.experiment);
  if (experiments.length === 0) return 0;
  return (await disk.insertMany(experiments)).added.length;
}
