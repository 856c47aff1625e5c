import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { exampleExperiment } from '../core/experiments';
import { byUpdatedDescending, compareListKeys, indexSummary, listKeyOf, summarise, type ListKey } from './summary';

/** Summaries whose times tie to the millisecond, carry offsets or lack milliseconds: where string order would go wrong. */
function awkwardSummaries() {
  const times = [
    '2026-11-20T10:00:00Z',
    '2026-11-20T10:00:00.500Z',
    '2026-11-20T12:00:00+02:00',
    '2026-11-20T10:00:00.000Z',
    '2026-11-20T09:59:59.999-00:30',
  ];
  const names = ['beta', 'Alpha', 'alpha', 'Ümlaut', 'beta'];
  return times.flatMap((updatedAt, i) =>
    names.map((name, j) =>
      summarise({ ...exampleExperiment({ id: `id-${i}-${j}`, name, positions: 2 }), updatedAt }, 1, null),
    ),
  );
}

describe('list order', () => {
  it('sorts list keys exactly as IndexedDB sorts them, and as the full list is sorted', () => {
    const summaries = awkwardSummaries();
    const byList = summaries
      .map(indexSummary)
      .sort(byUpdatedDescending)
      .map((entry) => entry.summary.id);
    const keys = summaries.map((summary) => listKeyOf(summary)!);
    const byIndexedDb = [...keys].sort((a, b) => indexedDB.cmp(a, b)).map((key) => key[2]);
    const byMemory = [...keys].sort(compareListKeys).map((key) => key[2]);
    expect(byIndexedDb).toEqual(byList);
    expect(byMemory).toEqual(byList);
    // 09:59:59.999-00:30 is the newest; 12:00+02:00 ties with the two 10:00:00Z, broken by name (code units) then id.
    expect(byList.slice(0, 5)).toEqual(['id-4-1', 'id-4-2', 'id-4-0', 'id-4-4', 'id-4-3']);
    expect(byList.slice(10, 13)).toEqual(['id-0-1', 'id-2-1', 'id-3-1']);
  });

  it('gives no list key to a deleted or unplaceable summary', () => {
    const summary = summarise(exampleExperiment({ positions: 2 }), 1, null);
    expect(listKeyOf(summary)).toEqual<ListKey>([-Date.parse(summary.updatedAt), summary.name, summary.id]);
    expect(listKeyOf({ ...summary, deletedAt: '2026-11-21T00:00:00.000Z' })).toBeUndefined();
    expect(listKeyOf({ ...summary, updatedAt: 'yesterday' })).toBeUndefined();
    expect(listKeyOf({ ...summary, name: 7 })).toBeUndefined();
    expect(listKeyOf(null)).toBeUndefined();
  });
});
