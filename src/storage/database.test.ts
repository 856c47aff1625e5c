import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { exampleExperiment } from '../core/experiments';
import { DATABASE_VERSION, openExperimentsDatabase, STORE_NAMES } from './database';
import { DatabaseBlockedError, DatabaseClosedError, StorageFullError } from './errors';
import { createExperimentsRepository, toDraft } from './experimentsRepository';

let counter = 0;
const freshName = () => `tokenscope-db-test-${process.pid}-${++counter}`;

describe('experiments database', () => {
  it('creates the record store and the summary store with the list indexes', async () => {
    const name = freshName();
    const database = await openExperimentsDatabase({ name });
    database.close();
    const raw = await openDB(name);
    expect(raw.version).toBe(DATABASE_VERSION);
    expect([...raw.objectStoreNames].sort()).toEqual([STORE_NAMES.experiments, STORE_NAMES.summaries, STORE_NAMES.meta].sort());
    const tx = raw.transaction(STORE_NAMES.summaries);
    const summaries = tx.objectStore(STORE_NAMES.summaries);
    expect([...summaries.indexNames].sort()).toEqual(['modelId', 'name', 'tags', 'updatedAt']);
    expect(summaries.index('tags').multiEntry).toBe(true);
    expect(tx.objectStore(STORE_NAMES.summaries).keyPath).toBe('id');
    raw.close();
  });

  it('closes itself and tells the app when another tab opens a newer version', async () => {
    const name = freshName();
    const onClose = vi.fn();
    const database = await openExperimentsDatabase({ name, onClose });
    const repository = createExperimentsRepository(database.entries, { appVersion: '1.0.0' });

    // Resolving at all shows this connection did not block the upgrade.
    const newer = await openDB(name, DATABASE_VERSION + 1);
    expect(onClose).toHaveBeenCalledWith('versionchange');
    expect(database.closedReason).toBe('versionchange');
    await expect(repository.list()).rejects.toThrow(DatabaseClosedError);
    await expect(repository.list()).rejects.toThrow(/newer version of Tokenscope .* reload this tab/);
    newer.close();
  });

  it('reports a blocked upgrade and gives up after the timeout instead of hanging', async () => {
    const name = freshName();
    // An old tab that ignores versionchange and keeps its connection open.
    const oldTab = await openDB(name, DATABASE_VERSION);
    const onBlocked = vi.fn();
    const opening = openExperimentsDatabase({ name, version: DATABASE_VERSION + 1, onBlocked, blockedTimeoutMs: 50 });
    await expect(opening).rejects.toThrow(DatabaseBlockedError);
    expect(onBlocked).toHaveBeenCalledTimes(1);

    // When the old tab finally closes, the late connection is closed too, so it blocks nobody.
    oldTab.close();
    const later = await openDB(name, DATABASE_VERSION + 2, { blocked: () => expect.fail('the late connection was left open') });
    expect(later.version).toBe(DATABASE_VERSION + 2);
    later.close();
  });

  it('opens normally while an older connection is open if no upgrade is needed', async () => {
    const name = freshName();
    const first = await openExperimentsDatabase({ name });
    const second = await openExperimentsDatabase({ name, blockedTimeoutMs: 50 });
    const saved = await createExperimentsRepository(first.entries, { appVersion: '1' }).create(toDraft(exampleExperiment({ positions: 4 })));
    expect(await createExperimentsRepository(second.entries, { appVersion: '1' }).get(saved.experiment.id)).toEqual(saved);
    first.close();
    second.close();
  });

  it('lists from what it last read until some connection writes, and then reads again', async () => {
    const name = freshName();
    const [first, second] = [await openExperimentsDatabase({ name }), await openExperimentsDatabase({ name })];
    const [here, there] = [first, second].map((db) => createExperimentsRepository(db.entries, { appVersion: '1' }));
    const mine = await here.create(toDraft(exampleExperiment({ id: 'a', name: 'Mine', positions: 4 })));
    expect((await here.list()).experiments.map((e) => e.name)).toEqual(['Mine']);
    // Another tab's write: this connection's kept summaries are stale and must not be used.
    await there.create(toDraft(exampleExperiment({ name: 'Theirs', positions: 4 })));
    expect((await here.list()).experiments.map((e) => e.name).sort()).toEqual(['Mine', 'Theirs']);
    // Our own writes update what we keep without re-reading, and must show at once.
    await here.rename(mine.experiment.id, mine.revision, 'Mine, renamed');
    expect((await here.list()).experiments.map((e) => e.name).sort()).toEqual(['Mine, renamed', 'Theirs']);
    await here.delete(mine.experiment.id);
    expect((await here.list()).experiments.map((e) => e.name)).toEqual(['Theirs']);
    expect((await there.list()).experiments.map((e) => e.name)).toEqual(['Theirs']);
    // Reading the summaries again is not needed while nothing changed: a spy on getAll sees no call.
    const getAll = vi.spyOn(IDBObjectStore.prototype, 'getAll');
    try {
      await here.list();
      await here.list({ search: 'theirs' });
      expect(getAll).not.toHaveBeenCalled();
    } finally {
      getAll.mockRestore();
    }
    first.close();
    second.close();
  });

  it('upgrades a version 1 database and keeps its records', async () => {
    const name = freshName();
    // Version 1 as the previous app created it: records and summaries, no meta store.
    const old = await openDB(name, 1, {
      upgrade(database) {
        database.createObjectStore(STORE_NAMES.experiments, { keyPath: 'id' });
        const summaries = database.createObjectStore(STORE_NAMES.summaries, { keyPath: 'id' });
        for (const index of ['updatedAt', 'name', 'modelId']) summaries.createIndex(index, index);
        summaries.createIndex('tags', 'tags', { multiEntry: true });
      },
    });
    const record = exampleExperiment({ id: 'old-one', name: 'Old', positions: 4 });
    await old.put(STORE_NAMES.experiments, record);
    old.close();
    const upgraded = await openExperimentsDatabase({ name });
    const repository = createExperimentsRepository(upgraded.entries, { appVersion: '2' });
    expect((await repository.list()).experiments.map((e) => e.name)).toEqual(['Old']);
    const stored = await repository.get('old-one');
    expect(stored!.experiment).toEqual(record);
    await repository.rename('old-one', stored!.revision, 'Old, renamed');
    expect((await repository.list()).experiments.map((e) => e.name)).toEqual(['Old, renamed']);
    upgraded.close();
  });

  it('turns a quota error into a storage-full error that says what to do', async () => {
    const database = await openExperimentsDatabase({ name: freshName() });
    const repository = createExperimentsRepository(database.entries, { appVersion: '1' });
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    try {
      await expect(repository.create(toDraft(exampleExperiment({ positions: 4 })))).rejects.toThrow(StorageFullError);
      await expect(repository.create(toDraft(exampleExperiment({ positions: 4 })))).rejects.toThrow(/Export your experiments now/);
    } finally {
      put.mockRestore();
    }
    expect(await repository.count()).toBe(0);
    database.close();
  });

  it('refuses work after the app closed it', async () => {
    const database = await openExperimentsDatabase({ name: freshName() });
    database.close();
    expect(database.closedReason).toBe('closed');
    await expect(database.entries.readAll()).rejects.toThrow(DatabaseClosedError);
  });
});
