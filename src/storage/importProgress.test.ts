import { describe, expect, it } from 'vitest';
import {
  IMPORT_MARKER_PREFIX,
  interruptedImportMessage,
  newImportMarkerKey,
  readImportMarker,
  readImportMarkers,
  removeImportMarker,
  storageFullImportMessage,
  writeImportMarker,
  type KeyValueStorage,
} from './importProgress';

/** localStorage's behaviour over a Map; `full` makes every write throw as a full localStorage does. */
function memoryStorage(full = false): KeyValueStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      if (full) throw new DOMException('full', 'QuotaExceededError');
      items.set(key, value);
    },
    removeItem: (key) => void items.delete(key),
  };
}

describe('import markers', () => {
  it('writes a marker when an import starts, reads it back, and removes it when the import ends', () => {
    const storage = memoryStorage();
    const marker = { fileName: 'talk.json', ids: ['a', 'b'], startedAt: '2026-12-03T10:00:00.000Z' };
    const key = newImportMarkerKey();
    expect(key.startsWith(IMPORT_MARKER_PREFIX)).toBe(true);
    expect(writeImportMarker(storage, key, marker)).toBe(true);
    expect(readImportMarkers(storage)).toEqual([{ key, marker }]);
    expect(readImportMarker(storage, key)).toEqual(marker);
    removeImportMarker(storage, key);
    expect(readImportMarkers(storage)).toEqual([]);
    expect(readImportMarker(storage, key)).toBeNull();
  });

  it('keeps two imports apart, oldest first, and drops an unreadable marker', () => {
    const storage = memoryStorage();
    writeImportMarker(storage, newImportMarkerKey(), {
      fileName: 'later.json',
      ids: ['x'],
      startedAt: '2026-12-03T11:00:00.000Z',
    });
    writeImportMarker(storage, newImportMarkerKey(), {
      fileName: 'earlier.json',
      ids: ['y'],
      startedAt: '2026-12-03T10:00:00.000Z',
    });
    expect(newImportMarkerKey()).not.toBe(newImportMarkerKey());
    storage.setItem(`${IMPORT_MARKER_PREFIX}broken`, '{"fileName": 3');
    storage.setItem('tokenscope.settings', '{}');
    expect(readImportMarkers(storage).map((found) => found.marker.fileName)).toEqual(['earlier.json', 'later.json']);
    expect([...storage.items.keys()].filter((key) => key.endsWith('broken'))).toEqual([]);
    expect(storage.items.has('tokenscope.settings')).toBe(true);
  });

  it('lets the import run without a marker when localStorage refuses it', () => {
    const marker = { fileName: 'f.json', ids: [], startedAt: '2026-12-03T10:00:00.000Z' };
    expect(writeImportMarker(memoryStorage(true), newImportMarkerKey(), marker)).toBe(false);
    expect(writeImportMarker(undefined, newImportMarkerKey(), marker)).toBe(false);
    expect(readImportMarkers(undefined)).toEqual([]);
  });

  it('says what an interrupted import or a full disk left, and how to finish', () => {
    expect(interruptedImportMessage('talk.json', 348, 2000)).toBe(
      'An import of talk.json was interrupted: 348 of 2,000 records were imported; import the file again to finish (records already imported are not duplicated).',
    );
    expect(interruptedImportMessage('one.json', 0, 1)).toContain('0 of 1 record were imported');
    expect(storageFullImportMessage('talk.json', 1200, 2000)).toMatch(
      /^The browser’s storage for this site is full: 1,200 of 2,000 records from talk.json were imported\. Make room .* import the file again to finish/,
    );
  });
});
