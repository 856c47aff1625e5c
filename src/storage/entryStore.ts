/**
 * The few primitives the experiments repository needs from a storage backend, so the same
 * repository runs on IndexedDB and, when IndexedDB is unavailable, in memory.
 *
 * An entry is a stored record plus its summary. Both are `unknown` on the way out: whatever
 * is read back is validated by the repository, never trusted.
 */
import { compareListKeys, listKeyOf, listRowOf, type ListKey } from './summary';
import { deepFreeze } from '../core/deepFreeze';

export interface StoredEntry {
  /** The experiment record as stored (any schema version). */
  record: unknown;
  /** Its summary; undefined when the record was written without one (older app, direct write). */
  summary: unknown;
}

/** What a `modify` callback decides: write a new entry, remove it, or leave it as it is. */
export type EntryChange<T> =
  { write: { record: unknown; summary: unknown }; result: T } | { remove: true; result: T } | { keep: true; result: T };

export interface EntryStore {
  readonly kind: 'indexeddb' | 'memory';
  /**
   * The first `limit` listed summaries (not deleted) in list order (newest first, see
   * summary.listKeyOf) and how many are listed in all: what a list needs to show its first
   * screen without reading every summary. Damaged summaries may be among them (callers validate).
   */
  readNewest(limit: number): Promise<{ summaries: unknown[]; listedCount: number }>;
  /**
   * Every summary (or, as a shortcut through an index, at least those with `filter.tag` or
   * `filter.modelId`: callers filter again), and the ids of all records that have none.
   * With `filter.rows` (and no tag or model id), each summary's list row instead
   * (summary.listRowOf: the text cut to LIST_TEXT_LENGTH), which is much faster to read.
   */
  readAll(filter?: {
    tag?: string;
    modelId?: string;
    rows?: boolean;
  }): Promise<{ summaries: unknown[]; unsummarised: string[] }>;
  read(id: string): Promise<StoredEntry | undefined>;
  /**
   * Atomically reads one entry, asks `change` what to do, and does it: no other write to the
   * same entry (from this tab or another) can come in between.
   * NOTE: `change` must be synchronous; an IndexedDB transaction commits as soon as it waits
   * on anything but its own requests. It may throw to abort the whole change.
   */
  modify<T>(id: string, change: (current: StoredEntry | undefined) => EntryChange<T>): Promise<T>;
  /**
   * `modify` for several entries in one transaction (imports): every change is made, or none
   * (a quota error mid-way leaves the store as it was). Results in the order of `ids`.
   */
  modifyMany<T>(
    ids: readonly string[],
    change: (id: string, current: StoredEntry | undefined) => EntryChange<T>,
  ): Promise<T[]>;
}

/**
 * An entry store in memory: the fallback when IndexedDB is unavailable (private windows,
 * storage disabled). Records are copied on the way in and out, as IndexedDB's structured
 * clone does, so callers can never change stored data by mutating what they hold;
 * summaries are frozen instead, because cloning every summary on each list is the slowest
 * part of listing. Everything is lost when the page closes.
 */
export function createMemoryEntryStore(): EntryStore {
  const entries = new Map<string, StoredEntry>();
  /** Each summary's list row, kept beside it as IndexedDB keeps it (database.ts). */
  const rows = new Map<string, unknown>();
  const apply = <T>(id: string, decision: EntryChange<T>): T => {
    if ('write' in decision) {
      const summary = deepFreeze(structuredClone(decision.write.summary));
      entries.set(id, { record: structuredClone(decision.write.record), summary });
      rows.set(id, deepFreeze(listRowOf(summary)));
    } else if ('remove' in decision) {
      entries.delete(id);
      rows.delete(id);
    }
    return decision.result;
  };
  return {
    kind: 'memory',
    async readNewest(limit) {
      const listed: { key: ListKey; summary: unknown }[] = [];
      for (const { summary } of entries.values()) {
        const key = listKeyOf(summary);
        if (key) listed.push({ key, summary });
      }
      listed.sort((a, b) => compareListKeys(a.key, b.key));
      return { summaries: listed.slice(0, limit).map((entry) => entry.summary), listedCount: listed.length };
    },
    async readAll(filter = {}) {
      const readRows = filter.rows === true && filter.tag === undefined && filter.modelId === undefined;
      const summaries: unknown[] = [];
      const unsummarised: string[] = [];
      for (const [id, entry] of entries) {
        if (entry.summary === undefined) unsummarised.push(id);
        else summaries.push(readRows ? rows.get(id) : entry.summary);
      }
      return { summaries, unsummarised };
    },
    async read(id) {
      const entry = entries.get(id);
      return entry && structuredClone(entry);
    },
    async modify(id, change) {
      const current = entries.get(id);
      return apply(id, change(current && structuredClone(current)));
    },
    async modifyMany(ids, change) {
      // All decisions first: a change that throws leaves every entry as it was.
      const decisions = ids.map((id) => {
        const current = entries.get(id);
        return change(id, current && structuredClone(current));
      });
      return decisions.map((decision, i) => apply(ids[i], decision));
    },
  };
}
