/**
 * The experiments database: the only file that knows its store names, key paths and
 * indexes. Opens with `idb`, upgrades the schema, and keeps other tabs safe:
 * - when another tab opens a newer version, this connection closes at once (so that tab is
 *   not blocked) and tells the app through `onClose`;
 * - when an older tab blocks our upgrade, the open fails after `blockedTimeoutMs` with a
 *   clear error instead of hanging, and `onBlocked` reports it as soon as it happens.
 *
 * Stores:
 * - `experiments`: full records keyed by `id`, as written (any schema version).
 * - `experimentSummaries`: one small summary per record, keyed by `id`, with the indexes
 *   the list uses (updatedAt, name, tags multi-entry, modelId) and the record's revision.
 * - `meta` (version 2): `changes`, a counter every write transaction increments. A
 *   connection keeps the summaries it last read with the counter they belong to; listing
 *   reads the counter (one small get) and only re-reads every summary when some tab wrote
 *   since. Reading 1,000 summaries costs Chromium 100+ ms; the counter keeps listing cheap.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { EntryStore, StoredEntry } from './entryStore';
import { DatabaseBlockedError, DatabaseClosedError, StorageError, StorageFullError, isQuotaExceeded } from './errors';

export const DATABASE_NAME = 'tokenscope';
/** Bump with a new `if (oldVersion < n)` step in `upgrade`; never edit an old step. */
export const DATABASE_VERSION = 2;

const EXPERIMENTS = 'experiments';
const SUMMARIES = 'experimentSummaries';
const META = 'meta';
const CHANGES_KEY = 'changes';

/** Store names, for tests that must write around the repository (as an older app would have). */
export const STORE_NAMES = { experiments: EXPERIMENTS, summaries: SUMMARIES, meta: META } as const;

interface TokenscopeSchema extends DBSchema {
  [EXPERIMENTS]: { key: string; value: unknown };
  [SUMMARIES]: {
    key: string;
    value: unknown;
    indexes: { updatedAt: string; name: string; tags: string; modelId: string };
  };
  [META]: { key: string; value: number };
}

export type CloseReason = 'versionchange' | 'terminated' | 'closed';

export interface OpenDatabaseOptions {
  /** Database name; tests use a fresh one each. */
  name?: string;
  /** Schema version to open; only tests and future upgrades pass anything but DATABASE_VERSION. */
  version?: number;
  /** This connection was closed by someone else: a newer tab (`versionchange`) or the browser (`terminated`). */
  onClose?: (reason: CloseReason) => void;
  /** An older connection (another tab) is blocking the upgrade; called once, before waiting. */
  onBlocked?: () => void;
  /** How long to wait for blocking tabs before failing with DatabaseBlockedError (ms). */
  blockedTimeoutMs?: number;
}

/** An open experiments database. */
export interface ExperimentsDatabase {
  readonly name: string;
  /** Why the connection is closed, or null while it is open. */
  readonly closedReason: CloseReason | null;
  /** The entry store the experiments repository runs on. */
  readonly entries: EntryStore;
  close(): void;
}

/**
 * Opens (creating or upgrading) the experiments database.
 *
 * @example
 * const database = await openExperimentsDatabase({ onClose: () => showReloadBanner() });
 * const repository = createExperimentsRepository(database.entries, { appVersion });
 */
export async function openExperimentsDatabase(options: OpenDatabaseOptions = {}): Promise<ExperimentsDatabase> {
  const name = options.name ?? DATABASE_NAME;
  let closedReason: CloseReason | null = null;
  let db: IDBPDatabase<TokenscopeSchema> | undefined;
  let blockedTimer: ReturnType<typeof setTimeout> | undefined;
  let gaveUp = false;

  const closeBy = (reason: CloseReason) => {
    if (closedReason) return;
    closedReason = reason;
    db?.close();
    if (reason !== 'closed') options.onClose?.(reason);
  };

  const timeoutMs = options.blockedTimeoutMs ?? 10_000;
  let giveUp: (error: Error) => void = () => undefined;
  const blocked = new Promise<never>((_, reject) => {
    giveUp = reject;
  });

  const opening = openDB<TokenscopeSchema>(name, options.version ?? DATABASE_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore(EXPERIMENTS, { keyPath: 'id' });
        const summaries = database.createObjectStore(SUMMARIES, { keyPath: 'id' });
        summaries.createIndex('updatedAt', 'updatedAt');
        summaries.createIndex('name', 'name');
        summaries.createIndex('tags', 'tags', { multiEntry: true });
        summaries.createIndex('modelId', 'modelId');
      }
      if (oldVersion < 2) database.createObjectStore(META);
    },
    blocked() {
      options.onBlocked?.();
      // The clock starts only once we are blocked: a long upgrade of our own is not a hang.
      blockedTimer ??= setTimeout(() => {
        gaveUp = true;
        giveUp(new DatabaseBlockedError());
      }, timeoutMs);
    },
    // NOTE: closing here, synchronously, is what lets the other tab's upgrade go ahead.
    blocking: () => closeBy('versionchange'),
    terminated: () => closeBy('terminated'),
  });

  try {
    db = await Promise.race([opening, blocked]);
  } finally {
    clearTimeout(blockedTimer);
    // If the blocking tab lets go after we gave up, close the late connection so it cannot block anyone.
    if (gaveUp) opening.then((late) => late.close(), () => undefined);
  }

  const open = (): IDBPDatabase<TokenscopeSchema> => {
    if (closedReason) throw new DatabaseClosedError(explain(closedReason));
    return db!;
  };
  return {
    name,
    get closedReason() {
      return closedReason;
    },
    entries: indexedDbEntries(open),
    close: () => closeBy('closed'),
  };
}

function explain(reason: CloseReason): string {
  switch (reason) {
    case 'versionchange':
      return 'a newer version of Tokenscope opened it in another tab; reload this tab to keep saving.';
    case 'terminated':
      return 'the browser closed it (storage cleared or a disk error); reload the page.';
    case 'closed':
      return 'it was closed by this tab.';
  }
}

/** What a connection last read of every summary, and the change counter it belongs to. */
interface SummaryCache {
  changes: number;
  summaries: Map<string, unknown>;
  unsummarised: Set<string>;
}

/** The entry store over the object stores; every change runs in one read-write transaction. */
function indexedDbEntries(open: () => IDBPDatabase<TokenscopeSchema>): EntryStore {
  let cache: SummaryCache | null = null;
  return {
    kind: 'indexeddb',
    async readAll(filter = {}) {
      return guard(async () => {
        const tx = open().transaction([EXPERIMENTS, SUMMARIES, META], 'readonly');
        const changes = (await tx.objectStore(META).get(CHANGES_KEY)) ?? 0;
        const filtered = filter.tag !== undefined || filter.modelId !== undefined;
        if (cache?.changes === changes) {
          await tx.done;
          // Callers filter again, so a filtered read may return every summary.
          return { summaries: [...cache.summaries.values()], unsummarised: [...cache.unsummarised] };
        }
        const summaryStore = tx.objectStore(SUMMARIES);
        const [recordIds, summaryIds, summaries] = await Promise.all([
          tx.objectStore(EXPERIMENTS).getAllKeys(),
          summaryStore.getAllKeys(),
          filter.tag !== undefined
            ? summaryStore.index('tags').getAll(filter.tag)
            : filter.modelId !== undefined
              ? summaryStore.index('modelId').getAll(filter.modelId)
              : summaryStore.getAll(),
        ]);
        await tx.done;
        const records = new Set(recordIds);
        const summarised = new Set(summaryIds);
        // A summary whose record is gone would list an experiment that cannot be opened.
        const listed = summaries.filter((summary) => records.has((summary as { id: string }).id));
        const unsummarised = recordIds.filter((id) => !summarised.has(id));
        if (!filtered) {
          // Frozen: the cache hands the same objects to every list.
          cache = { changes, summaries: new Map(listed.map((summary) => [(summary as { id: string }).id, deepFreeze(summary)])), unsummarised: new Set(unsummarised) };
        }
        return { summaries: listed, unsummarised };
      });
    },
    async read(id) {
      return guard(async () => {
        const tx = open().transaction([EXPERIMENTS, SUMMARIES], 'readonly');
        const [record, summary] = await Promise.all([tx.objectStore(EXPERIMENTS).get(id), tx.objectStore(SUMMARIES).get(id)]);
        await tx.done;
        return record === undefined ? undefined : { record, summary };
      });
    },
    async modify(id, change) {
      return guard(async () => {
        const tx = open().transaction([EXPERIMENTS, SUMMARIES, META], 'readwrite');
        const experiments = tx.objectStore(EXPERIMENTS);
        const summaries = tx.objectStore(SUMMARIES);
        const meta = tx.objectStore(META);
        const [record, summary, changesBefore] = await Promise.all([experiments.get(id), summaries.get(id), meta.get(CHANGES_KEY)]);
        const current: StoredEntry | undefined = record === undefined ? undefined : { record, summary };
        let decision;
        try {
          decision = change(current);
        } catch (error) {
          tx.abort();
          await tx.done.catch(() => undefined);
          throw error;
        }
        const changes = (changesBefore ?? 0) + 1;
        const requests =
          'write' in decision
            ? [experiments.put(decision.write.record), summaries.put(decision.write.summary), meta.put(changes, CHANGES_KEY)]
            : 'remove' in decision
              ? [experiments.delete(id), summaries.delete(id), meta.put(changes, CHANGES_KEY)]
              : [];
        try {
          await Promise.all([...requests, tx.done]);
        } catch (error) {
          // An aborted commit fails its requests with AbortError; the real cause (quota) is on the transaction.
          throw tx.error ?? error;
        }
        if ('keep' in decision) return decision.result;
        // Our own write, right after what the cache holds: apply it; otherwise another tab wrote too.
        if (cache && cache.changes === (changesBefore ?? 0)) {
          cache.changes = changes;
          cache.unsummarised.delete(id);
          if ('write' in decision) cache.summaries.set(id, deepFreeze(structuredClone(decision.write.summary)));
          else cache.summaries.delete(id);
        } else {
          cache = null;
        }
        return decision.result;
      });
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Turns IndexedDB's failures into the storage errors the app knows. */
async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    if (isQuotaExceeded(error)) throw new StorageFullError();
    if ((error as { name?: unknown })?.name === 'InvalidStateError') {
      throw new DatabaseClosedError('the connection was lost; reload the page.');
    }
    throw error;
  }
}
