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
 * - the `listed` index (version 3) on each listed summary's `listKey` (summary.listKeyOf:
 *   newest first; deleted summaries have none, so they are not in it), and `listedCount` in
 *   `meta`, kept by every write: the first screen of the list and the count come from them
 *   in a few ms, however many records are stored. (At 10,000 records Chromium takes over half
 *   a second to read every summary, and a quarter of one to count the index.)
 * - `listRows` (version 4): each summary's list row (summary.listRowOf: its text cut to
 *   LIST_TEXT_LENGTH characters), keyed by `id`, written and removed with the summary in the
 *   same transaction. The plain list reads these: a summary carries up to 10,000 characters
 *   of text for search, and reading 1,000 of them (1.5 KB of text each) took Chromium about
 *   three times as long as reading the rows. Searches and filters read the summaries.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type StoreNames } from 'idb';
import type { EntryChange, EntryStore, StoredEntry } from './entryStore';
import { DatabaseBlockedError, DatabaseClosedError, StorageError, StorageFullError, isQuotaExceeded } from './errors';
import { listKeyOf, listRowOf, type ListKey } from './summary';
import type { CloseReason, ExperimentsDatabase } from './connection';
import { deepFreeze } from '../core/deepFreeze';

export type { CloseReason, ExperimentsDatabase } from './connection';

export const DATABASE_NAME = 'tokenscope';
/** Bump with a new `if (oldVersion < n)` step in `upgrade`; never edit an old step. */
export const DATABASE_VERSION = 4;

const EXPERIMENTS = 'experiments';
const SUMMARIES = 'experimentSummaries';
const META = 'meta';
const LIST_ROWS = 'listRows';
const CHANGES_KEY = 'changes';
const LISTED_COUNT_KEY = 'listedCount';
const LISTED = 'listed';

/** Store names, for tests that must write around the repository (as an older app would have). */
export const STORE_NAMES = { experiments: EXPERIMENTS, summaries: SUMMARIES, meta: META, listRows: LIST_ROWS } as const;

interface TokenscopeSchema extends DBSchema {
  [EXPERIMENTS]: { key: string; value: unknown };
  [SUMMARIES]: {
    key: string;
    value: unknown;
    indexes: { updatedAt: string; name: string; tags: string; modelId: string; [LISTED]: ListKey };
  };
  [META]: { key: string; value: number };
  [LIST_ROWS]: { key: string; value: unknown };
}

export interface OpenDatabaseOptions {
  /** Database name; tests use a fresh one each. */
  name?: string;
  /** Schema version to open; only tests and future upgrades pass anything but DATABASE_VERSION. */
  version?: number;
  /** This connection was closed by someone else: a newer tab (`versionchange`) or the browser (`terminated`). */
  onClose?: (reason: CloseReason) => void;
  /** An older connection (another tab) is blocking the upgrade; called once, before waiting. */
  onBlocked?: () => void;
  /**
   * How long to wait for blocking tabs before failing with DatabaseBlockedError (ms); the
   * error's `whenUnblocked` then opens the database once they let go.
   */
  blockedTimeoutMs?: number;
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
    upgrade(database, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        database.createObjectStore(EXPERIMENTS, { keyPath: 'id' });
        const summaries = database.createObjectStore(SUMMARIES, { keyPath: 'id' });
        summaries.createIndex('updatedAt', 'updatedAt');
        summaries.createIndex('name', 'name');
        summaries.createIndex('tags', 'tags', { multiEntry: true });
        summaries.createIndex('modelId', 'modelId');
      }
      if (oldVersion < 2) database.createObjectStore(META);
      if (oldVersion < 3) {
        const summaries = transaction.objectStore(SUMMARIES);
        summaries.createIndex(LISTED, 'listKey');
        // Every stored summary gets its list key in the upgrade transaction: if this fails the
        // upgrade aborts and the database stays at the old version, records untouched.
        void addListKeys(summaries)
          .then((listed) => transaction.objectStore(META).put(listed, LISTED_COUNT_KEY))
          .catch(() => transaction.abort());
      }
      if (oldVersion < 4) {
        database.createObjectStore(LIST_ROWS, { keyPath: 'id' });
        // As in version 3: a failure aborts the upgrade and leaves the database as it was.
        void addListRows(transaction.objectStore(SUMMARIES), transaction.objectStore(LIST_ROWS)).catch(() =>
          transaction.abort(),
        );
      }
    },
    blocked() {
      options.onBlocked?.();
      // The clock starts only once we are blocked: a long upgrade of our own is not a hang.
      blockedTimer ??= setTimeout(() => giveUp(new DatabaseBlockedError()), timeoutMs);
    },
    // NOTE: closing here, synchronously, is what lets the other tab's upgrade go ahead.
    blocking: () => closeBy('versionchange'),
    terminated: () => closeBy('terminated'),
  });

  const wrap = (opened: IDBPDatabase<TokenscopeSchema>): ExperimentsDatabase => {
    db = opened;
    const open = (): IDBPDatabase<TokenscopeSchema> => {
      if (closedReason) throw new DatabaseClosedError(explain(closedReason));
      return opened;
    };
    return {
      name,
      get closedReason() {
        return closedReason;
      },
      entries: indexedDbEntries(open),
      close: () => closeBy('closed'),
    };
  };

  try {
    return wrap(await Promise.race([opening, blocked]));
  } catch (error) {
    if (error instanceof DatabaseBlockedError) {
      // The caller may adopt the connection that opens once the blocking tabs let go (it
      // closes itself on versionchange like any other, so left alone it blocks nobody).
      error.whenUnblocked = opening.then(wrap);
      error.whenUnblocked.catch(() => undefined);
    }
    throw error;
  } finally {
    clearTimeout(blockedTimer);
  }
}

/** Version 3's migration: the list key on every stored summary (none on deleted or damaged ones); returns how many got one. */
async function addListKeys(
  summaries: IDBPObjectStore<TokenscopeSchema, StoreNames<TokenscopeSchema>[], typeof SUMMARIES, 'versionchange'>,
): Promise<number> {
  let listed = 0;
  for (let cursor = await summaries.openCursor(); cursor; cursor = await cursor.continue()) {
    if (!listKeyOf(cursor.value)) continue;
    await cursor.update(withListKey(cursor.value));
    listed++;
  }
  return listed;
}

/** Version 4's migration: the list row of every stored summary. */
async function addListRows(
  summaries: IDBPObjectStore<TokenscopeSchema, StoreNames<TokenscopeSchema>[], typeof SUMMARIES, 'versionchange'>,
  rows: IDBPObjectStore<TokenscopeSchema, StoreNames<TokenscopeSchema>[], typeof LIST_ROWS, 'versionchange'>,
): Promise<void> {
  for (let cursor = await summaries.openCursor(); cursor; cursor = await cursor.continue()) {
    await rows.put(listRowOf(cursor.value));
  }
}

/** Summaries per request of a full read: each page arrives in a task of its own (about 10 ms), so the page stays responsive. */
const SUMMARY_PAGE = 1_000;

/** Every summary (or list row), frozen, a page at a time (one getAll of 10,000 is one main-thread task of over 100 ms). */
async function readAllInPages<Name extends typeof SUMMARIES | typeof LIST_ROWS>(
  store: IDBPObjectStore<TokenscopeSchema, StoreNames<TokenscopeSchema>[], Name, 'readonly'>,
): Promise<unknown[]> {
  const all: unknown[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.getAll(after === null ? null : IDBKeyRange.lowerBound(after, true), SUMMARY_PAGE);
    for (const summary of page) all.push(deepFreeze(summary));
    if (page.length < SUMMARY_PAGE) return all;
    after = (page[page.length - 1] as { id: string }).id;
  }
}

/** How a change moves the count of listed summaries: +1 when one joins the list, -1 when one leaves it. */
function listedDelta(storedSummary: unknown, decision: EntryChange<unknown>): number {
  const wasListed = listKeyOf(storedSummary) !== undefined;
  const isListed =
    'write' in decision ? listKeyOf(decision.write.summary) !== undefined : 'remove' in decision ? false : wasListed;
  return Number(isListed) - Number(wasListed);
}

/** The summary as stored: with its list key when it is listed (so the `listed` index holds it). */
function withListKey(summary: unknown): unknown {
  const key = listKeyOf(summary);
  return key && typeof summary === 'object' ? { ...summary, listKey: key } : summary;
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
  /** What the last complete read of the summaries, and of the list rows, found. */
  let cache: SummaryCache | null = null;
  let rowCache: SummaryCache | null = null;
  return {
    kind: 'indexeddb',
    async readAll(filter = {}) {
      return guard(async () => {
        const tx = open().transaction([EXPERIMENTS, SUMMARIES, META, LIST_ROWS], 'readonly');
        const changes = (await tx.objectStore(META).get(CHANGES_KEY)) ?? 0;
        const filtered = filter.tag !== undefined || filter.modelId !== undefined;
        const readRows = filter.rows === true && !filtered;
        const cached = readRows ? rowCache : cache;
        if (cached?.changes === changes) {
          await tx.done;
          // Callers filter again, so a filtered read may return every summary.
          return { summaries: [...cached.summaries.values()], unsummarised: [...cached.unsummarised] };
        }
        const summaryStore = tx.objectStore(SUMMARIES);
        const recordIdsRead = tx.objectStore(EXPERIMENTS).getAllKeys();
        const [summaryIds, summaries] = filtered
          ? await Promise.all([
              summaryStore.getAllKeys(),
              filter.tag !== undefined
                ? summaryStore.index('tags').getAll(filter.tag)
                : summaryStore.index('modelId').getAll(filter.modelId),
            ])
          : await (readRows ? readAllInPages(tx.objectStore(LIST_ROWS)) : readAllInPages(summaryStore)).then(
              (all) => [all.map((summary) => (summary as { id: string }).id), all] as const,
            );
        const recordIds = await recordIdsRead;
        await tx.done;
        const records = new Set(recordIds);
        const summarised = new Set(summaryIds);
        // A summary whose record is gone would list an experiment that cannot be opened.
        const listed = summaries.filter((summary) => records.has((summary as { id: string }).id));
        const unsummarised = recordIds.filter((id) => !summarised.has(id));
        if (!filtered) {
          // Frozen (readAllInPages): the cache hands the same objects to every list.
          const read: SummaryCache = {
            changes,
            summaries: new Map(listed.map((summary) => [(summary as { id: string }).id, summary])),
            unsummarised: new Set(unsummarised),
          };
          if (readRows) rowCache = read;
          else cache = read;
        }
        return { summaries: listed, unsummarised };
      });
    },
    async read(id) {
      return guard(async () => {
        const tx = open().transaction([EXPERIMENTS, SUMMARIES], 'readonly');
        const [record, summary] = await Promise.all([
          tx.objectStore(EXPERIMENTS).get(id),
          tx.objectStore(SUMMARIES).get(id),
        ]);
        await tx.done;
        return record === undefined ? undefined : { record, summary };
      });
    },
    async readNewest(limit) {
      return guard(async () => {
        const tx = open().transaction([SUMMARIES, META], 'readonly');
        const listed = tx.objectStore(SUMMARIES).index(LISTED);
        const [summaries, kept] = await Promise.all([
          listed.getAll(null, limit),
          tx.objectStore(META).get(LISTED_COUNT_KEY),
        ]);
        // Counting the index walks all of it (a quarter of a second at 10,000): only when no count is kept.
        return { summaries, listedCount: kept ?? (await listed.count()) };
      });
    },
    async modify(id, change) {
      const [result] = await modifyMany([id], (_, current) => change(current));
      return result;
    },
    modifyMany,
  };

  async function modifyMany<T>(
    ids: readonly string[],
    change: (id: string, current: StoredEntry | undefined) => EntryChange<T>,
  ): Promise<T[]> {
    return guard(async () => {
      const tx = open().transaction([EXPERIMENTS, SUMMARIES, META, LIST_ROWS], 'readwrite');
      const experiments = tx.objectStore(EXPERIMENTS);
      const summaries = tx.objectStore(SUMMARIES);
      const meta = tx.objectStore(META);
      const rows = tx.objectStore(LIST_ROWS);
      const [records, stored, changesBefore, listedBefore] = await Promise.all([
        Promise.all(ids.map((id) => experiments.get(id))),
        Promise.all(ids.map((id) => summaries.get(id))),
        meta.get(CHANGES_KEY),
        meta.get(LISTED_COUNT_KEY),
      ]);
      const changes = (changesBefore ?? 0) + 1;
      let decisions: EntryChange<T>[];
      const requests: Promise<unknown>[] = [];
      try {
        decisions = ids.map((id, i) =>
          change(id, records[i] === undefined ? undefined : { record: records[i], summary: stored[i] }),
        );
        decisions.forEach((decision, i) => {
          if ('write' in decision) {
            requests.push(experiments.put(decision.write.record));
            requests.push(summaries.put(withListKey(decision.write.summary)));
            requests.push(rows.put(listRowOf(decision.write.summary)));
          } else if ('remove' in decision) {
            requests.push(experiments.delete(ids[i]));
            requests.push(summaries.delete(ids[i]));
            requests.push(rows.delete(ids[i]));
          }
        });
        if (requests.length > 0) requests.push(meta.put(changes, CHANGES_KEY));
        const listedChange = decisions.reduce((sum, decision, i) => sum + listedDelta(stored[i], decision), 0);
        if (listedChange !== 0 && listedBefore !== undefined)
          requests.push(meta.put(listedBefore + listedChange, LISTED_COUNT_KEY));
      } catch (error) {
        // `change` threw, or a request threw at once (a full disk can): nothing of this transaction may commit.
        for (const request of requests) request.catch(() => undefined);
        tx.abort();
        await tx.done.catch(() => undefined);
        throw error;
      }
      try {
        await Promise.all([...requests, tx.done]);
      } catch (error) {
        // An aborted commit fails its requests with AbortError; the real cause (quota) is on the transaction.
        throw tx.error ?? error;
      }
      if (requests.length > 0) updateCache(ids, decisions, changesBefore ?? 0, changes);
      return decisions.map((decision) => decision.result);
    });
  }

  /** After our own write right after what the cache holds: apply it; otherwise another tab wrote too. */
  function updateCache(
    ids: readonly string[],
    decisions: EntryChange<unknown>[],
    changesBefore: number,
    changes: number,
  ): void {
    cache = applyToCache(cache, ids, decisions, changesBefore, changes, (summary) => summary);
    rowCache = applyToCache(rowCache, ids, decisions, changesBefore, changes, listRowOf);
  }
}

/** A cache with our own write applied, or null when another tab wrote too (the next read re-reads all). */
function applyToCache(
  cache: SummaryCache | null,
  ids: readonly string[],
  decisions: EntryChange<unknown>[],
  changesBefore: number,
  changes: number,
  asStored: (summary: unknown) => unknown,
): SummaryCache | null {
  if (!cache || cache.changes !== changesBefore) return null;
  cache.changes = changes;
  decisions.forEach((decision, i) => {
    if ('keep' in decision) return;
    cache.unsummarised.delete(ids[i]);
    if ('write' in decision) cache.summaries.set(ids[i], deepFreeze(asStored(structuredClone(decision.write.summary))));
    else cache.summaries.delete(ids[i]);
  });
  return cache;
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
