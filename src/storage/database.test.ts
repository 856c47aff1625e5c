import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { exampleExperiment } from '../core/experiments';
import { DATABASE_VERSION, openExperimentsDatabase, STORE_NAMES } from './database';
import { LIST_TEXT_LENGTH, listKeyOf, listRowOf, summarise } from './summary';
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
    expect([...raw.objectStoreNames].sort()).toEqual(
      [STORE_NAMES.experiments, STORE_NAMES.summaries, STORE_NAMES.meta, STORE_NAMES.listRows].sort(),
    );
    const tx = raw.transaction(STORE_NAMES.summaries);
    const summaries = tx.objectStore(STORE_NAMES.summaries);
    expect([...summaries.indexNames].sort()).toEqual(['listed', 'modelId', 'name', 'tags', 'updatedAt']);
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
    const later = await openDB(name, DATABASE_VERSION + 2, {
      blocked: () => expect.fail('the late connection was left open'),
    });
    expect(later.version).toBe(DATABASE_VERSION + 2);
    later.close();
  });

  it('opens the database once the blocking tab lets go, for a caller that waits for it', async () => {
    const name = freshName();
    (await openExperimentsDatabase({ name })).close();
    // An old tab that ignores versionchange and keeps its connection open.
    const oldTab = await openDB(name, DATABASE_VERSION);
    const error = await openExperimentsDatabase({ name, version: DATABASE_VERSION + 1, blockedTimeoutMs: 50 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseBlockedError);
    oldTab.close();
    const database = await (error as DatabaseBlockedError).whenUnblocked!;
    const repository = createExperimentsRepository(database.entries, { appVersion: '1' });
    await repository.insert(exampleExperiment({ id: 'after-the-wait', positions: 4 }));
    expect((await repository.list()).experiments.map((e) => e.id)).toEqual(['after-the-wait']);
    database.close();
  });

  it('opens normally while an older connection is open if no upgrade is needed', async () => {
    const name = freshName();
    const first = await openExperimentsDatabase({ name });
    const second = await openExperimentsDatabase({ name, blockedTimeoutMs: 50 });
    const saved = await createExperimentsRepository(first.entries, { appVersion: '1' }).create(
      toDraft(exampleExperiment({ positions: 4 })),
    );
    expect(await createExperimentsRepository(second.entries, { appVersion: '1' }).get(saved.experiment.id)).toEqual(
      saved,
    );
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
    // A search reads the summaries (the plain list reads the list rows); each is kept as read.
    expect((await here.list({ search: 'theirs' })).experiments.map((e) => e.name)).toEqual(['Theirs']);
    // Reading either again is not needed while nothing changed: a spy on getAll sees no call.
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

  it('upgrades a version 2 database: every record kept, the listed ones in the list index, newest first', async () => {
    const name = freshName();
    // Version 2 as the previous app created it, with a live, a deleted and an unsummarised record.
    const old = await openDB(name, 2, {
      upgrade(database) {
        database.createObjectStore(STORE_NAMES.experiments, { keyPath: 'id' });
        const summaries = database.createObjectStore(STORE_NAMES.summaries, { keyPath: 'id' });
        for (const index of ['updatedAt', 'name', 'modelId']) summaries.createIndex(index, index);
        summaries.createIndex('tags', 'tags', { multiEntry: true });
        database.createObjectStore(STORE_NAMES.meta);
      },
    });
    const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const records = [1, 2, 3, 4].map((i) => ({
      ...exampleExperiment({ id: `v2-${i}`, name: `Old ${i}`, positions: 4 }),
      updatedAt: at(i),
    }));
    for (const record of records.slice(0, 3)) await old.put(STORE_NAMES.experiments, record);
    await old.put(STORE_NAMES.experiments, records[3]); // no summary: written by hand
    await old.put(STORE_NAMES.summaries, summarise(records[0], 1, null));
    await old.put(STORE_NAMES.summaries, summarise(records[1], 2, at(30)));
    await old.put(STORE_NAMES.summaries, summarise(records[2], 1, null));
    old.close();

    const upgraded = await openExperimentsDatabase({ name });
    const repository = createExperimentsRepository(upgraded.entries, { appVersion: '3' });
    expect(await repository.listStart(10)).toMatchObject({ total: 2, experiments: [{ id: 'v2-3' }, { id: 'v2-1' }] });
    expect((await repository.list()).experiments.map((e) => e.id)).toEqual(['v2-4', 'v2-3', 'v2-1']);
    expect((await repository.list({ deleted: 'only' })).experiments.map((e) => e.id)).toEqual(['v2-2']);
    for (const record of records) expect((await repository.get(record.id))!.experiment).toEqual(record);
    // The summary the list wrote for the unsummarised record is in the index too.
    expect((await repository.listStart(10)).total).toBe(3);
    upgraded.close();
  });

  it('upgrades a version 3 database: every summary gets its list row, the text cut, search still complete', async () => {
    const name = freshName();
    // Version 3 as the previous app created it: summaries with list keys, the listed count in meta.
    const old = await openDB(name, 3, {
      upgrade(database) {
        database.createObjectStore(STORE_NAMES.experiments, { keyPath: 'id' });
        const summaries = database.createObjectStore(STORE_NAMES.summaries, { keyPath: 'id' });
        for (const index of ['updatedAt', 'name', 'modelId']) summaries.createIndex(index, index);
        summaries.createIndex('tags', 'tags', { multiEntry: true });
        summaries.createIndex('listed', 'listKey');
        database.createObjectStore(STORE_NAMES.meta);
      },
    });
    const longText = `${'word '.repeat(100)}zanzibar`;
    const records = [1, 2, 3].map((i) => ({
      ...exampleExperiment({ id: `v3-${i}`, name: `Old ${i}`, positions: 4 }),
      text: longText,
      updatedAt: `2026-11-20T10:0${i}:00.000Z`,
    }));
    for (const [i, record] of records.entries()) {
      const summary = summarise(record, 1, i === 1 ? '2026-11-21T10:00:00.000Z' : null);
      await old.put(STORE_NAMES.experiments, record);
      await old.put(STORE_NAMES.summaries, { ...summary, listKey: listKeyOf(summary) });
    }
    await old.put(STORE_NAMES.meta, 2, 'listedCount');
    old.close();

    const upgraded = await openExperimentsDatabase({ name });
    const raw = await openDB(name);
    expect(await raw.getAll(STORE_NAMES.listRows)).toEqual(
      records.map((record, i) => listRowOf(summarise(record, 1, i === 1 ? '2026-11-21T10:00:00.000Z' : null))),
    );
    raw.close();
    const repository = createExperimentsRepository(upgraded.entries, { appVersion: '4' });
    expect((await repository.list()).experiments.map((e) => [e.id, e.text])).toEqual([
      ['v3-3', longText.slice(0, LIST_TEXT_LENGTH)],
      ['v3-1', longText.slice(0, LIST_TEXT_LENGTH)],
    ]);
    expect((await repository.list({ search: 'zanzibar' })).experiments.map((e) => e.id)).toEqual(['v3-3', 'v3-1']);
    expect((await repository.list({ deleted: 'only' })).experiments.map((e) => e.id)).toEqual(['v3-2']);
    upgraded.close();
  });

  it('keeps the list index in step with saves, renames, deletes and restores', async () => {
    const database = await openExperimentsDatabase({ name: freshName() });
    let minute = 0;
    const now = () => new Date(Date.parse('2026-11-26T09:00:00.000Z') + ++minute * 60_000);
    const repository = createExperimentsRepository(database.entries, { appVersion: '1', now });
    const a = await repository.create(toDraft(exampleExperiment({ name: 'A', positions: 4 })));
    const b = await repository.create(toDraft(exampleExperiment({ name: 'B', positions: 4 })));
    const names = async () => (await repository.listStart(10)).experiments.map((e) => e.name);
    expect(await names()).toEqual(['B', 'A']);
    await repository.rename(a.experiment.id, a.revision, 'A, renamed');
    expect(await names()).toEqual(['A, renamed', 'B']);
    await repository.delete(b.experiment.id);
    expect(await repository.listStart(10)).toMatchObject({ total: 1 });
    await repository.restore(b.experiment.id);
    expect(await names()).toEqual(['A, renamed', 'B']);
    await repository.insertMany([
      exampleExperiment({ id: 'c', positions: 4 }),
      exampleExperiment({ id: 'd', positions: 4 }),
    ]);
    await repository.remove(a.experiment.id);
    // The count is kept by every write, not counted: counting the index walks all of it.
    const count = vi.spyOn(IDBIndex.prototype, 'count');
    try {
      expect((await repository.listStart(1)).total).toBe(3);
      expect(count).not.toHaveBeenCalled();
    } finally {
      count.mockRestore();
    }
    database.close();
  });

  it('reads a long list a page at a time (each page its own task), every summary once', async () => {
    const name = freshName();
    const writer = await openExperimentsDatabase({ name });
    const records = Array.from({ length: 2_050 }, (_, i) =>
      exampleExperiment({ id: `r-${String(i).padStart(4, '0')}`, seed: i + 1, positions: 2 }),
    );
    await createExperimentsRepository(writer.entries, { appVersion: '1' }).insertMany(records);
    const reader = await openExperimentsDatabase({ name });
    const getAll = vi.spyOn(IDBObjectStore.prototype, 'getAll');
    try {
      const ids = (await createExperimentsRepository(reader.entries, { appVersion: '1' }).list()).experiments.map(
        (e) => e.id,
      );
      expect(ids.sort()).toEqual(records.map((r) => r.id));
      expect(getAll.mock.calls.map(([, count]) => count)).toEqual([1_000, 1_000, 1_000]);
    } finally {
      getAll.mockRestore();
    }
    writer.close();
    reader.close();
  });

  it('reads the list rows for a plain list, and the summaries once more for searches only when asked ahead', async () => {
    const name = freshName();
    const writer = await openExperimentsDatabase({ name });
    await createExperimentsRepository(writer.entries, { appVersion: '1' }).insertMany(
      [1, 2, 3].map((i) => exampleExperiment({ id: `r-${i}`, seed: i, positions: 4 })),
    );
    const reader = await openExperimentsDatabase({ name });
    const repository = createExperimentsRepository(reader.entries, { appVersion: '1' });
    const getAll = vi.spyOn(IDBObjectStore.prototype, 'getAll');
    const storesRead = () => getAll.mock.contexts.map((store) => (store as IDBObjectStore).name);
    try {
      await repository.list();
      expect(storesRead()).toEqual([STORE_NAMES.listRows]);
      await repository.prepareSearch();
      expect(storesRead()).toEqual([STORE_NAMES.listRows, STORE_NAMES.summaries]);
      expect((await repository.list({ search: 'r-' })).experiments).toHaveLength(0);
      expect((await repository.list({ search: 'the' })).experiments.length).toBeGreaterThan(0);
      expect(storesRead()).toHaveLength(2);
    } finally {
      getAll.mockRestore();
    }
    writer.close();
    reader.close();
  });

  it('commits nothing of a batch when the disk fills in the middle of it', async () => {
    const database = await openExperimentsDatabase({ name: freshName() });
    const repository = createExperimentsRepository(database.entries, { appVersion: '1' });
    await repository.insert(exampleExperiment({ id: 'before', positions: 4 }));
    const realPut = IDBObjectStore.prototype.put;
    let puts = 0;
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (++puts > 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.apply(this, args);
    });
    const batch = [1, 2, 3].map((i) => exampleExperiment({ id: `batch-${i}`, seed: i, positions: 4 }));
    try {
      await expect(repository.insertMany(batch)).rejects.toThrow(StorageFullError);
    } finally {
      put.mockRestore();
    }
    expect((await repository.list()).experiments.map((e) => e.id)).toEqual(['before']);
    expect(await repository.get('batch-1')).toBeNull();
    expect(await repository.insertMany(batch)).toMatchObject({ added: ['batch-1', 'batch-2', 'batch-3'] });
    expect(await repository.count()).toBe(4);
    database.close();
  });

  it('leaves no record without its summary when the disk fills between the two writes of a save', async () => {
    const database = await openExperimentsDatabase({ name: freshName() });
    const repository = createExperimentsRepository(database.entries, { appVersion: '1' });
    const realPut = IDBObjectStore.prototype.put;
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === STORE_NAMES.summaries)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.apply(this, args);
    });
    try {
      await expect(repository.insert(exampleExperiment({ id: 'half-written', positions: 4 }))).rejects.toThrow(
        StorageFullError,
      );
    } finally {
      put.mockRestore();
    }
    const raw = await openDB(database.name);
    expect(await raw.count(STORE_NAMES.experiments)).toBe(0);
    raw.close();
    database.close();
  });

  it('turns a quota error into a storage-full error that says what to do', async () => {
    const database = await openExperimentsDatabase({ name: freshName() });
    const repository = createExperimentsRepository(database.entries, { appVersion: '1' });
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    try {
      await expect(repository.create(toDraft(exampleExperiment({ positions: 4 })))).rejects.toThrow(StorageFullError);
      await expect(repository.create(toDraft(exampleExperiment({ positions: 4 })))).rejects.toThrow(
        /Export your experiments now/,
      );
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
