/**
 * Built ∞-gram indexes, kept so a corpus is indexed once per tokenizer: its own IndexedDB
 * database (not the experiments one: an index is tens of MB and is rebuilt, never edited),
 * opened from the worker. One record per index key (engine/corpusIndex.ts: content hash of
 * the token ids and the model), holding the index's bytes and its document table.
 *
 * Storing may fail (quota, a private window): the caller keeps the index in memory and says
 * why it was not stored; nothing else depends on it. The engine states the interface it
 * needs (engine/corpusIndex.ts CorpusIndexStore); these two implement it.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export const CORPUS_DATABASE_NAME = 'tokenscope-corpus-indexes';
const INDEXES = 'indexes';

export interface StoredCorpusIndex {
  key: string;
  label: string;
  /** Title, first token and length of each document. */
  documents: { title: string; start: number; length: number }[];
  /** InfiniGramIndex.toBytes(). */
  bytes: Uint8Array;
  storedAt: string;
}

interface CorpusSchema extends DBSchema {
  [INDEXES]: { key: string; value: StoredCorpusIndex };
}

export interface CorpusIndexStorage {
  get(key: string): Promise<StoredCorpusIndex | undefined>;
  put(record: StoredCorpusIndex): Promise<void>;
  delete(key: string): Promise<void>;
}

export function openCorpusIndexStore(name = CORPUS_DATABASE_NAME): CorpusIndexStorage {
  let opened: Promise<IDBPDatabase<CorpusSchema>> | null = null;
  const db = () => {
    opened ??= openDB<CorpusSchema>(name, 1, {
      upgrade(database) {
        database.createObjectStore(INDEXES, { keyPath: 'key' });
      },
      // Another tab upgrading later: step aside, reopen on next use.
      blocking() {
        void opened?.then((d) => d.close());
        opened = null;
      },
    });
    return opened;
  };
  return {
    get: async (key) => (await db()).get(INDEXES, key),
    put: async (record) => {
      await (await db()).put(INDEXES, record);
    },
    delete: async (key) => {
      await (await db()).delete(INDEXES, key);
    },
  };
}

/** For Node (the CLI, tests) and for a browser whose IndexedDB cannot be opened. */
export function memoryCorpusIndexStore(): CorpusIndexStorage {
  const records = new Map<string, StoredCorpusIndex>();
  return {
    get: async (key) => records.get(key),
    put: async (record) => {
      records.set(record.key, record);
    },
    delete: async (key) => {
      records.delete(key);
    },
  };
}
