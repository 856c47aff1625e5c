import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exampleExperiment } from '../core/experiments';
import { openExperimentsDatabase } from './database';
import { DatabaseBlockedError } from './errors';
import { toDraft } from './experimentsRepository';
import { describeRepositoryContract } from './repositoryContract';
import {
  BLOCKED_REASON,
  createMemoryRepository,
  estimateStorage,
  moveToDisk,
  openExperimentsStorage,
  requestPersistentStorage,
} from './storageHealth';

describeRepositoryContract('memory', async (options) => createMemoryRepository(options));

describe('storage estimate and persistence', () => {
  it('reports usage, quota and persistence when the browser gives them', async () => {
    const manager = { estimate: async () => ({ usage: 1_024, quota: 10_000_000 }), persisted: async () => false };
    expect(await estimateStorage(manager)).toEqual({ usageBytes: 1_024, quotaBytes: 10_000_000, persisted: false });
  });

  it('says "unknown" instead of failing when the API is missing or throws', async () => {
    expect(await estimateStorage(undefined)).toEqual({ usageBytes: null, quotaBytes: null, persisted: null });
    const throwing = {
      estimate: async () => {
        throw new Error('SecurityError');
      },
      persisted: async () => true,
    };
    expect(await estimateStorage(throwing)).toEqual({ usageBytes: null, quotaBytes: null, persisted: true });
    expect(await estimateStorage({ estimate: async () => ({ usage: Number.NaN }) })).toMatchObject({
      usageBytes: null,
    });
  });

  it('asks for persistent storage and reports the answer', async () => {
    expect(await requestPersistentStorage({ persist: async () => true })).toBe('granted');
    expect(await requestPersistentStorage({ persist: async () => false })).toBe('denied');
    expect(await requestPersistentStorage({})).toBe('unsupported');
    expect(await requestPersistentStorage(undefined)).toBe('unsupported');
    const throwing = {
      persist: async () => {
        throw new Error('not allowed');
      },
    };
    expect(await requestPersistentStorage(throwing)).toBe('unsupported');
  });
});

describe('choosing where experiments live', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('uses IndexedDB when it opens', async () => {
    const storage = await openExperimentsStorage({ appVersion: '1.0.0', database: { name: `health-${process.pid}` } });
    expect(storage.repository.kind).toBe('indexeddb');
    expect(storage.memoryOnlyReason).toBeNull();
    storage.database!.close();
  });

  it('keeps working in memory, and says why, when the database cannot be opened', async () => {
    const failing = () =>
      Promise.reject(
        new DOMException(
          'A mutation operation was attempted on a database that did not allow mutations.',
          'InvalidStateError',
        ),
      );
    const storage = await openExperimentsStorage({ appVersion: '1.0.0', openDatabase: failing });
    expect(storage.repository.kind).toBe('memory');
    expect(storage.database).toBeNull();
    expect(storage.memoryOnlyReason).toMatch(
      /^Experiments cannot be saved in this browser \(A mutation operation .*\), so they are kept only while this tab is open\.$/,
    );
    const saved = await storage.repository.create(toDraft(exampleExperiment({ positions: 4 })));
    expect(await storage.repository.get(saved.experiment.id)).toEqual(saved);
  });

  it('keeps new work in memory while an older tab blocks the upgrade, and moves it to disk once that tab lets go', async () => {
    const name = `health-blocked-${process.pid}`;
    let unblock: () => void = () => undefined;
    const blocked = new DatabaseBlockedError();
    blocked.whenUnblocked = new Promise<void>((resolve) => {
      unblock = resolve;
    }).then(() => openExperimentsDatabase({ name }));
    const storage = await openExperimentsStorage({ appVersion: '1.0.0', openDatabase: () => Promise.reject(blocked) });
    expect(storage.repository.kind).toBe('memory');
    expect(storage.memoryOnlyReason).toBe(BLOCKED_REASON);
    const kept = await storage.repository.create(
      toDraft(exampleExperiment({ positions: 4, name: 'Saved while blocked' })),
    );

    unblock();
    const disk = await storage.onDiskLater!;
    expect(disk).toMatchObject({ memoryOnlyReason: null, onDiskLater: null });
    expect(disk.repository.kind).toBe('indexeddb');
    await disk.repository.insert(exampleExperiment({ id: 'already-on-disk', positions: 4 }));
    expect(await moveToDisk(storage.repository, disk.repository)).toBe(1);
    expect(await moveToDisk(storage.repository, disk.repository)).toBe(0);
    expect((await disk.repository.list()).experiments.map((e) => e.name).sort()).toEqual([
      'Saved while blocked',
      'State of the Union, sample 1',
    ]);
    expect((await disk.repository.get(kept.experiment.id))!.experiment).toEqual(kept.experiment);
    disk.database!.close();
  });

  it('falls back to memory when there is no IndexedDB at all', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const openDatabase = vi.fn();
    const storage = await openExperimentsStorage({ appVersion: '1.0.0', openDatabase });
    expect(openDatabase).not.toHaveBeenCalled();
    expect(storage.repository.kind).toBe('memory');
    expect(storage.memoryOnlyReason).toMatch(/no IndexedDB/);
  });
});
