import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleExperiment } from '../core/experiments';
import { openExperimentsDatabase, STORE_NAMES, type ExperimentsDatabase } from './database';
import { InvalidStoredRecordError, StaleRevisionError } from './errors';
import { createExperimentsRepository, toDraft } from './experimentsRepository';
import { describeRepositoryContract } from './repositoryContract';
import { LIST_TEXT_LENGTH, listRowOf } from './summary';

let opened: ExperimentsDatabase[] = [];
let counter = 0;
const freshName = () => `tokenscope-test-${process.pid}-${++counter}`;

async function open(name: string): Promise<ExperimentsDatabase> {
  const database = await openExperimentsDatabase({ name });
  opened.push(database);
  return database;
}

afterEach(() => {
  for (const database of opened) database.close();
  opened = [];
});

describeRepositoryContract('IndexedDB', async (options) =>
  createExperimentsRepository((await open(freshName())).entries, options),
);

/** Two connections to one database, as two tabs of the app have. */
async function twoTabs() {
  const name = freshName();
  const [a, b] = [await open(name), await open(name)];
  const options = { appVersion: '1.0.0' };
  return {
    name,
    tabA: createExperimentsRepository(a.entries, options),
    tabB: createExperimentsRepository(b.entries, options),
  };
}

/** A version 1 record as the version 1 app stored it: no summary beside it. */
const STORED_V1 = (() => {
  const { model: _model, ...rest } = exampleExperiment({ id: 'legacy-v1', name: 'Stored by version 1', positions: 6 });
  return {
    ...rest,
    schemaVersion: 1,
    model: { id: 'Xenova/gpt2', source: 'hub', revision: 'abc123', dtype: 'q8', backend: 'wasm' },
  };
})();

async function writeDirectly(name: string, record: unknown): Promise<void> {
  const raw = await openDB(name);
  await raw.put(STORE_NAMES.experiments, record);
  raw.close();
}

describe('IndexedDB repository across tabs', () => {
  it('keeps both records when two tabs save at the same time', async () => {
    const { tabA, tabB } = await twoTabs();
    const [a, b] = await Promise.all([
      tabA.create(toDraft(exampleExperiment({ seed: 1, positions: 8, name: 'From tab A' }))),
      tabB.create(toDraft(exampleExperiment({ seed: 2, positions: 8, name: 'From tab B' }))),
    ]);
    for (const tab of [tabA, tabB]) {
      expect((await tab.list()).experiments.map((s) => s.id).sort()).toEqual([a.experiment.id, b.experiment.id].sort());
    }
  });

  it('lets exactly one of two simultaneous edits of the same revision win', async () => {
    const { tabA, tabB } = await twoTabs();
    const saved = await tabA.create(toDraft(exampleExperiment({ positions: 8 })));
    const results = await Promise.allSettled([
      tabA.update(saved.experiment.id, saved.revision, { notes: 'edited in A' }),
      tabB.update(saved.experiment.id, saved.revision, { notes: 'edited in B' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(StaleRevisionError);
    const stored = await tabB.get(saved.experiment.id);
    expect(stored!.revision).toBe(2);
    expect(stored!.experiment.notes).toBe((won[0] as PromiseFulfilledResult<typeof saved>).value.experiment.notes);
  });

  it("refuses a tab's save after another tab changed the record", async () => {
    const { tabA, tabB } = await twoTabs();
    const saved = await tabA.create(toDraft(exampleExperiment({ positions: 8 })));
    const openedInB = await tabB.get(saved.experiment.id);
    await tabA.rename(saved.experiment.id, saved.revision, 'Renamed in A');
    await expect(tabB.update(saved.experiment.id, openedInB!.revision, { notes: 'B' })).rejects.toThrow(
      StaleRevisionError,
    );
    expect((await tabB.get(saved.experiment.id))!.experiment.name).toBe('Renamed in A');
  });

  it('lists what another tab saved since this tab last listed', async () => {
    const { tabA, tabB } = await twoTabs();
    const saved = await tabA.create(toDraft(exampleExperiment({ positions: 8, name: 'Before' })));
    expect((await tabB.list()).experiments.map((s) => s.name)).toEqual(['Before']);
    await tabA.rename(saved.experiment.id, saved.revision, 'After');
    await tabA.create(toDraft(exampleExperiment({ positions: 8, name: 'New' })));
    expect((await tabB.list()).experiments.map((s) => s.name).sort()).toEqual(['After', 'New']);
    await tabA.delete(saved.experiment.id);
    expect((await tabB.list()).experiments.map((s) => s.name)).toEqual(['New']);
  });
});

describe('IndexedDB repository with records it did not write', () => {
  it('reads a stored version 1 record back migrated to version 2, and writes it as version 2 on the next save', async () => {
    const name = freshName();
    const repository = createExperimentsRepository((await open(name)).entries, { appVersion: '1.0.0' });
    await writeDirectly(name, STORED_V1);

    const read = await repository.get('legacy-v1');
    expect(read).toMatchObject({ revision: 0, deletedAt: null, migratedFrom: 1 });
    expect(read!.experiment.schemaVersion).toBe(2);
    expect(read!.experiment.model.source).toEqual({ kind: 'hub', revision: 'abc123', fileHashes: [] });
    expect((await repository.list()).experiments.map((s) => s.id)).toEqual(['legacy-v1']);
    expect((await repository.list({ search: 'gpt2' })).experiments).toHaveLength(1);

    const saved = await repository.update('legacy-v1', 0, { notes: 'touched' });
    expect(saved.revision).toBe(1);
    const raw = await openDB(name);
    expect(await raw.get(STORE_NAMES.experiments, 'legacy-v1')).toMatchObject({ schemaVersion: 2, notes: 'touched' });
    raw.close();
  });

  it('reports a damaged stored record instead of failing the list', async () => {
    const name = freshName();
    const repository = createExperimentsRepository((await open(name)).entries, { appVersion: '1.0.0' });
    const good = await repository.create(toDraft(exampleExperiment({ positions: 8, name: 'Fine' })));
    await writeDirectly(name, { ...STORED_V1, id: 'damaged', settings: { temperature: 'hot' } });

    const { experiments, problems } = await repository.list();
    expect(experiments.map((s) => s.id)).toEqual([good.experiment.id]);
    expect(problems).toHaveLength(1);
    expect(problems[0].id).toBe('damaged');
    expect(problems[0].errors[0]).toMatch(/^settings\.temperature: /);
    await expect(repository.get('damaged')).rejects.toThrow(InvalidStoredRecordError);
    await expect(repository.delete('damaged')).rejects.toThrow(InvalidStoredRecordError);

    expect(await repository.remove('damaged')).toBe(true);
    expect((await repository.list()).problems).toEqual([]);
  });

  it('reports a damaged summary instead of failing the list', async () => {
    const name = freshName();
    const repository = createExperimentsRepository((await open(name)).entries, { appVersion: '1.0.0' });
    const saved = await repository.create(toDraft(exampleExperiment({ positions: 8 })));
    const raw = await openDB(name);
    const summary = await raw.get(STORE_NAMES.summaries, saved.experiment.id);
    // Damaged in both places it is kept: the summary (searches read it) and its list row (the plain list reads that).
    await raw.put(STORE_NAMES.summaries, { ...summary, revision: -1 });
    await raw.put(STORE_NAMES.listRows, listRowOf({ ...summary, revision: -1 }));
    raw.close();
    const damaged = {
      experiments: [],
      problems: [{ id: saved.experiment.id, errors: ['summary revision: Too small: expected number to be >=0'] }],
    };
    expect(await repository.list()).toEqual(damaged);
    expect(await repository.list({ search: 'the' })).toEqual(damaged);
  });

  it('lists a record whose list row is missing as its stored summary says, and restores the row', async () => {
    const name = freshName();
    const repository = createExperimentsRepository((await open(name)).entries, { appVersion: '1.0.0' });
    const kept = await repository.create(toDraft(exampleExperiment({ positions: 8, name: 'Kept' })));
    const trashed = await repository.create(toDraft(exampleExperiment({ positions: 8, name: 'Trashed' })));
    await repository.delete(trashed.experiment.id);
    const raw = await openDB(name);
    for (const saved of [kept, trashed]) await raw.delete(STORE_NAMES.listRows, saved.experiment.id);
    raw.close();
    const listed = await repository.list();
    expect(listed.experiments.map((e) => [e.name, e.revision])).toEqual([['Kept', 1]]);
    const check = await openDB(name);
    expect(await check.count(STORE_NAMES.listRows)).toBe(2);
    check.close();
    expect(await repository.list()).toEqual(listed);
    expect((await repository.list({ deleted: 'only' })).experiments.map((e) => e.name)).toEqual(['Trashed']);
  });

  it('reports a list row with a text longer than a list row may hold', async () => {
    const name = freshName();
    const repository = createExperimentsRepository((await open(name)).entries, { appVersion: '1.0.0' });
    const saved = await repository.create(toDraft(exampleExperiment({ positions: 80 })));
    const raw = await openDB(name);
    const row = await raw.get(STORE_NAMES.listRows, saved.experiment.id);
    await raw.put(STORE_NAMES.listRows, { ...row, text: 'x'.repeat(LIST_TEXT_LENGTH + 1) });
    raw.close();
    expect(await repository.list()).toEqual({
      experiments: [],
      problems: [
        {
          id: saved.experiment.id,
          errors: [`summary text: Too big: expected string to have <=${LIST_TEXT_LENGTH} characters`],
        },
      ],
    });
  });

  it('keeps records across closing and reopening the database', async () => {
    const name = freshName();
    const first = await open(name);
    const saved = await createExperimentsRepository(first.entries, { appVersion: '1.0.0' }).create(
      toDraft(exampleExperiment({ positions: 8 })),
    );
    first.close();
    const again = createExperimentsRepository((await open(name)).entries, { appVersion: '1.0.0' });
    expect(await again.get(saved.experiment.id)).toEqual(saved);
  });
});
