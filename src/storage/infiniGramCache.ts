/**
 * A cache of infini-gram API answers, so a position looked at twice (or a text scored again)
 * costs the public server nothing the second time. Answers are keyed by (endpoint, index, query
 * type, token ids, the options that change the answer); a corpus index does not change under a
 * name, so entries never go stale, and the oldest are dropped past `maxEntries`.
 *
 * Two implementations of one interface: IndexedDB (its own database, separate from the
 * experiments database and its versions) and memory (Node, tests, or a browser without
 * IndexedDB). `withCache` wraps a client; errors are never cached, and a cache that fails
 * (closed, full) only means the query goes to the network.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { InfiniGramApi } from '../core/ngram/infiniGramApi';

export const INFINI_GRAM_CACHE_DATABASE = 'tokenscope-infinigram-cache';
const DATABASE_VERSION = 1;
const STORE = 'answers';
const BY_AGE = 'storedAt';
/** Bump when the cached result shapes change: old entries are then simply never read. */
const KEY_VERSION = 1;
/** About 20,000 answers: a distribution of 1,000 tokens is some 50 kB, so at most a few hundred MB, usually far less. */
export const DEFAULT_MAX_ENTRIES = 20_000;
/** Puts between two checks of the entry count (counting is cheap, but not free). */
const TRIM_EVERY = 50;

export interface InfiniGramCache {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  clear(): Promise<void>;
  size(): Promise<number>;
  close(): void;
}

/** The cache key of one query. Options left out and options at undefined give the same key. */
export function infiniGramCacheKey(
  endpoint: string,
  index: string,
  queryType: string,
  ids: readonly number[],
  options: Record<string, number | undefined> = {},
): string {
  const named = Object.keys(options)
    .filter((k) => options[k] !== undefined)
    .sort()
    .map((k) => [k, options[k]]);
  return JSON.stringify([KEY_VERSION, endpoint, index, queryType, [...ids], named]);
}

/** The client with every answer looked up in, and stored to, the cache. */
export function withCache(api: InfiniGramApi, cache: InfiniGramCache): InfiniGramApi {
  async function cached<T>(
    queryType: string,
    ids: readonly number[],
    options: Record<string, number | undefined>,
    run: () => Promise<T>,
  ): Promise<T> {
    const key = infiniGramCacheKey(api.endpoint, api.index, queryType, ids, options);
    const hit = await cache.get(key).catch(() => undefined);
    if (hit !== undefined) return hit as T;
    const value = await run();
    await cache.put(key, value).catch(() => undefined);
    return value;
  }
  return {
    endpoint: api.endpoint,
    index: api.index,
    count: (ids, o) => cached('count', ids, {}, () => api.count(ids, o)),
    probability: (ids, token, o) => cached('prob', [...ids, token], {}, () => api.probability(ids, token, o)),
    nextTokenDistribution: (ids, o) =>
      cached('ntd', ids, { maxSupport: o?.maxSupport }, () => api.nextTokenDistribution(ids, o)),
    infiniGramProbability: (ids, token, o) =>
      cached('infgram_prob', [...ids, token], {}, () => api.infiniGramProbability(ids, token, o)),
    infiniGramDistribution: (ids, o) =>
      cached('infgram_ntd', ids, { maxSupport: o?.maxSupport }, () => api.infiniGramDistribution(ids, o)),
    searchDocuments: (ids, max, o) =>
      cached('search', ids, { max, maxDisplayTokens: o?.maxDisplayTokens }, () => api.searchDocuments(ids, max, o)),
  };
}

/** A cache in memory, dropping the oldest entry past `maxEntries`. */
export function createMemoryInfiniGramCache(maxEntries = DEFAULT_MAX_ENTRIES): InfiniGramCache {
  const entries = new Map<string, unknown>();
  return {
    get: async (key) => entries.get(key),
    async put(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    clear: async () => entries.clear(),
    size: async () => entries.size,
    close: () => undefined,
  };
}

interface CacheSchema extends DBSchema {
  [STORE]: { key: string; value: { value: unknown; storedAt: number }; indexes: { [BY_AGE]: number } };
}

export interface OpenInfiniGramCacheOptions {
  /** Database name; tests use a fresh one each. */
  name?: string;
  maxEntries?: number;
  now?: () => number;
}

/** Opens (creating) the IndexedDB cache. Throws where IndexedDB is missing or refused: use the memory cache then. */
export async function openInfiniGramCache(options: OpenInfiniGramCacheOptions = {}): Promise<InfiniGramCache> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  let db: IDBPDatabase<CacheSchema> | null = null;
  let putsSinceTrim = 0;
  db = await openDB<CacheSchema>(options.name ?? INFINI_GRAM_CACHE_DATABASE, DATABASE_VERSION, {
    upgrade(database) {
      database.createObjectStore(STORE).createIndex(BY_AGE, BY_AGE);
    },
    // Never hold up another tab's upgrade: close, and let later calls fall through to the network.
    blocking: () => {
      db?.close();
      db = null;
    },
    terminated: () => {
      db = null;
    },
  });
  const open = () => {
    if (!db) throw new Error('The infini-gram cache is closed.');
    return db;
  };

  async function trim(database: IDBPDatabase<CacheSchema>) {
    const tx = database.transaction(STORE, 'readwrite');
    let excess = (await tx.store.count()) - maxEntries;
    for (
      let cursor = await tx.store.index(BY_AGE).openCursor();
      cursor && excess > 0;
      cursor = await cursor.continue(), excess--
    ) {
      await cursor.delete();
    }
    await tx.done;
  }

  return {
    async get(key) {
      return (await open().get(STORE, key))?.value;
    },
    async put(key, value) {
      const database = open();
      await database.put(STORE, { value, storedAt: now() }, key);
      if (++putsSinceTrim >= TRIM_EVERY || maxEntries < TRIM_EVERY) {
        putsSinceTrim = 0;
        await trim(database);
      }
    },
    clear: async () => open().clear(STORE),
    size: async () => open().count(STORE),
    close() {
      db?.close();
      db = null;
    },
  };
}
