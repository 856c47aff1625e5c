/**
 * Imports write down what they are doing, so a page closed or reloaded in the middle of one
 * can say on the next load what came in: a marker in localStorage per running import (the
 * file's name and the ids of its records), removed when the import ends. Records are
 * identified by id, so importing the file again adds only the missing ones.
 *
 * A tab holds a Web Lock named after its marker while it imports; a tab that loads meanwhile
 * waits for that lock before it reads the marker, so it never takes a running import for an
 * interrupted one.
 */
import { z } from 'zod';

export const IMPORT_MARKER_PREFIX = 'tokenscope.import.';

/** The part of `localStorage` we use (tests pass a Map-backed one). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const markerSchema = z.object({
  fileName: z.string(),
  /** Ids of the file's valid records, in file order. */
  ids: z.array(z.string()),
  /** ISO 8601. */
  startedAt: z.string(),
});

export type ImportMarker = z.output<typeof markerSchema>;

/** A key for the marker of an import starting now (also the name of the lock it holds). */
export function newImportMarkerKey(): string {
  return `${IMPORT_MARKER_PREFIX}${Date.now()}.${Math.random().toString(36).slice(2, 10)}`;
}

/** Writes the marker of an import that starts; false when localStorage refused it (full, disabled). */
export function writeImportMarker(storage: KeyValueStorage | undefined, key: string, marker: ImportMarker): boolean {
  try {
    storage?.setItem(key, JSON.stringify(marker));
    return storage !== undefined;
  } catch {
    return false;
  }
}

export function removeImportMarker(storage: KeyValueStorage | undefined, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // Nothing to do: a marker that stays is reported once on the next load, then removed.
  }
}

/** The marker under `key`, or null when there is none (the import ended) or it is unreadable. */
export function readImportMarker(storage: KeyValueStorage | undefined, key: string): ImportMarker | null {
  try {
    return markerSchema.safeParse(parseJson(storage?.getItem(key) ?? null)).data ?? null;
  } catch {
    return null;
  }
}

/** Every import marker left in storage (unreadable ones are removed), oldest first. */
export function readImportMarkers(storage: KeyValueStorage | undefined): { key: string; marker: ImportMarker }[] {
  if (!storage) return [];
  const found: { key: string; marker: ImportMarker }[] = [];
  try {
    const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter(
      (key): key is string => key?.startsWith(IMPORT_MARKER_PREFIX) ?? false,
    );
    for (const key of keys) {
      const parsed = markerSchema.safeParse(parseJson(storage.getItem(key)));
      if (parsed.success) found.push({ key, marker: parsed.data });
      else storage.removeItem(key);
    }
  } catch {
    return found;
  }
  return found.sort((a, b) => a.marker.startedAt.localeCompare(b.marker.startedAt));
}

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const records = (n: number) => `${count(n)} record${n === 1 ? '' : 's'}`;
const AGAIN = 'import the file again to finish (records already imported are not duplicated)';

/** What the next load says about an import that did not finish. */
export function interruptedImportMessage(fileName: string, imported: number, total: number): string {
  return `An import of ${fileName} was interrupted: ${count(imported)} of ${records(total)} were imported; ${AGAIN}.`;
}

/** What an import stopped by a full disk says. */
export function storageFullImportMessage(fileName: string, imported: number, total: number): string {
  return (
    `The browser’s storage for this site is full: ${count(imported)} of ${records(total)} from ${fileName} were imported. ` +
    `Make room (export and delete experiments you no longer need), then ${AGAIN}.`
  );
}

/** Runs `work` while holding the Web Lock `name` (where the browser has Web Locks). */
export async function holdingLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? await locks.request(name, work) : work();
}
