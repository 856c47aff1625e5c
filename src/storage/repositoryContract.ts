/**
 * The behaviour every experiments repository must have, as one Vitest suite that each
 * implementation runs (IndexedDB in experimentsRepository.test.ts, memory in
 * storageHealth.test.ts). Test support only: the app never imports this file.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { exampleExperiment } from '../core/experiments';
import { DeletedError, InvalidExperimentError, NotFoundError, StaleRevisionError } from './errors';
import {
  toDraft,
  type ExperimentDraft,
  type ExperimentsRepository,
  type RepositoryOptions,
} from './experimentsRepository';
import { LIST_TEXT_LENGTH } from './summary';

/** A clock that advances one minute per reading, so every write has a distinct time. */
function steppingClock(start = Date.parse('2026-11-26T09:00:00.000Z')) {
  let t = start;
  return () => new Date((t += 60_000));
}

function draft(overrides: Partial<ExperimentDraft> = {}, seed = 1): ExperimentDraft {
  return { ...toDraft(exampleExperiment({ seed, positions: 8 })), ...overrides };
}

export function describeRepositoryContract(
  label: string,
  makeRepository: (options: RepositoryOptions) => Promise<ExperimentsRepository>,
): void {
  describe(`${label}: experiments repository behaviour`, () => {
    let repository: ExperimentsRepository;
    beforeEach(async () => {
      repository = await makeRepository({ appVersion: '9.9.9', now: steppingClock() });
    });

    it('creates a record with an id, times and app version, and reads it back equal', async () => {
      const saved = await repository.create(draft({ name: 'First' }));
      expect(saved.revision).toBe(1);
      expect(saved.experiment).toMatchObject({
        schemaVersion: 2,
        name: 'First',
        appVersion: '9.9.9',
        createdAt: saved.experiment.updatedAt,
      });
      expect(saved.experiment.id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(await repository.get(saved.experiment.id)).toEqual(saved);
    });

    it('returns null for an id that is not stored', async () => {
      expect(await repository.get('missing')).toBeNull();
    });

    it('refuses an invalid draft and stores nothing', async () => {
      await expect(repository.create(draft({ settings: { ...draft().settings, topP: 3 } }))).rejects.toThrow(
        InvalidExperimentError,
      );
      expect(await repository.count()).toBe(0);
    });

    it('hands out copies: changing a returned record does not change the stored one', async () => {
      const saved = await repository.create(draft({ name: 'Original' }));
      saved.experiment.name = 'Mutated';
      saved.experiment.results!.tokenIds[0] = 7;
      const again = await repository.get(saved.experiment.id);
      expect(again!.experiment.name).toBe('Original');
      expect(again!.experiment.results!.tokenIds[0]).not.toBe(7);
    });

    it('lists texts cut to a preview, yet searches them beyond it; the plain list equals a search that matches all', async () => {
      // A word only past the preview, and one in every text, so a search lists all of them.
      const longText = `${'every '.repeat(LIST_TEXT_LENGTH / 6 + 10)}zanzibar`;
      await repository.create(draft({ name: 'Long', text: longText }));
      await repository.create(draft({ name: 'Short', text: 'every word' }, 2));
      const plain = await repository.list();
      expect(plain.experiments.map((s) => s.text)).toEqual(['every word', longText.slice(0, LIST_TEXT_LENGTH)]);
      expect((await repository.list({ search: 'ZANZIBAR' })).experiments.map((s) => s.name)).toEqual(['Long']);
      // The plain list reads list rows, a search the summaries: both give the same summaries.
      expect(await repository.list({ search: 'every' })).toEqual(plain);
      expect((await repository.listStart(10)).experiments).toEqual(plain.experiments);
      await repository.prepareSearch();
      expect((await repository.list({ search: 'zanzibar' })).experiments.map((s) => s.name)).toEqual(['Long']);
    });

    it('lists newest first and searches name, tag, model and text, ignoring case', async () => {
      const a = await repository.create(draft({ name: 'Alpha', tags: ['cjk'], text: 'Tokyo is the capital' }));
      const b = await repository.create(draft({ name: 'Beta', tags: ['demo'], text: 'Once upon a time' }));
      const c = await repository.create(
        draft({ name: 'Gamma', model: { ...draft().model, id: 'Xenova/gpt2' }, text: 'The end' }),
      );
      const ids = (result: { experiments: { id: string }[] }) => result.experiments.map((s) => s.id);
      expect(ids(await repository.list())).toEqual([c, b, a].map((s) => s.experiment.id));
      expect(ids(await repository.list({ search: 'ALPHA' }))).toEqual([a.experiment.id]);
      expect(ids(await repository.list({ search: 'demo' }))).toEqual([b.experiment.id]);
      expect(ids(await repository.list({ search: 'gpt2' }))).toEqual([c.experiment.id]);
      expect(ids(await repository.list({ search: 'upon time' }))).toEqual([b.experiment.id]);
      expect(ids(await repository.list({ search: 'upon tokyo' }))).toEqual([]);
      expect(ids(await repository.list({ tag: 'cjk' }))).toEqual([a.experiment.id]);
      expect(ids(await repository.list({ modelId: 'Xenova/gpt2' }))).toEqual([c.experiment.id]);
    });

    it('updates with the current revision, bumping revision and updatedAt', async () => {
      const saved = await repository.create(draft());
      const updated = await repository.update(saved.experiment.id, saved.revision, {
        text: 'New text',
        notes: 'edited',
      });
      expect(updated.revision).toBe(2);
      expect(updated.experiment).toMatchObject({
        text: 'New text',
        notes: 'edited',
        createdAt: saved.experiment.createdAt,
      });
      expect(Date.parse(updated.experiment.updatedAt)).toBeGreaterThan(Date.parse(saved.experiment.updatedAt));
      expect((await repository.list()).experiments[0]).toMatchObject({ revision: 2, text: 'New text' });
    });

    it('refuses an update based on a stale revision and keeps the newer content', async () => {
      const saved = await repository.create(draft());
      await repository.update(saved.experiment.id, saved.revision, { notes: 'first writer' });
      const stale = repository.update(saved.experiment.id, saved.revision, { notes: 'second writer' });
      await expect(stale).rejects.toThrow(StaleRevisionError);
      await expect(stale).rejects.toThrow(/changed elsewhere .* revision 2 is stored/);
      expect((await repository.get(saved.experiment.id))!.experiment.notes).toBe('first writer');
    });

    it('keeps identity fields even when changes try to overwrite them', async () => {
      const saved = await repository.create(draft());
      const sneaky = { id: 'other', createdAt: '2000-01-01T00:00:00.000Z' } as Partial<ExperimentDraft>;
      const updated = await repository.update(saved.experiment.id, 1, sneaky);
      expect(updated.experiment.id).toBe(saved.experiment.id);
      expect(updated.experiment.createdAt).toBe(saved.experiment.createdAt);
      expect(await repository.get('other')).toBeNull();
    });

    it('renames and retags, tidying whitespace and repeats', async () => {
      const saved = await repository.create(draft());
      const renamed = await repository.rename(saved.experiment.id, 1, '  Temperature sweep  ');
      const tagged = await repository.setTags(saved.experiment.id, renamed.revision, [' demo ', 'demo', '', 'talk']);
      expect(tagged.experiment.name).toBe('Temperature sweep');
      expect(tagged.experiment.tags).toEqual(['demo', 'talk']);
      await expect(repository.rename(saved.experiment.id, tagged.revision, '   ')).rejects.toThrow(
        InvalidExperimentError,
      );
    });

    it('duplicates into a new record and leaves the original alone', async () => {
      const saved = await repository.create(draft({ name: 'Talk demo' }));
      const copy = await repository.duplicate(saved.experiment.id);
      expect(copy.experiment.id).not.toBe(saved.experiment.id);
      expect(copy.experiment.name).toBe('Talk demo (copy)');
      expect(copy.experiment.branches).toEqual(saved.experiment.branches);
      expect(await repository.count()).toBe(2);
      expect(await repository.get(saved.experiment.id)).toEqual(saved);
      await expect(repository.duplicate('missing')).rejects.toThrow(NotFoundError);
    });

    it('deletes softly, so undo restores the same record', async () => {
      await repository.create(draft({ name: 'Keep' }));
      const gone = await repository.create(draft({ name: 'Gone' }));
      const deleted = await repository.delete(gone.experiment.id);
      expect(deleted.deletedAt).not.toBeNull();
      expect((await repository.list()).experiments.map((s) => s.name)).toEqual(['Keep']);
      expect((await repository.list({ deleted: 'only' })).experiments.map((s) => s.name)).toEqual(['Gone']);
      expect(await repository.count()).toBe(1);
      await expect(repository.update(gone.experiment.id, deleted.revision, { notes: 'x' })).rejects.toThrow(
        DeletedError,
      );
      const restored = await repository.restore(gone.experiment.id);
      expect(restored.deletedAt).toBeNull();
      expect(restored.experiment).toEqual(gone.experiment);
      // Restoring is not an edit: the record keeps its place by updatedAt.
      expect((await repository.list()).experiments.map((s) => s.name)).toEqual(['Gone', 'Keep']);
    });

    it('purges deleted records for good', async () => {
      const a = await repository.create(draft({ name: 'A' }));
      await repository.create(draft({ name: 'B' }));
      await repository.delete(a.experiment.id);
      expect(await repository.purgeDeleted()).toBe(1);
      expect(await repository.get(a.experiment.id)).toBeNull();
      expect((await repository.list({ deleted: 'include' })).experiments.map((s) => s.name)).toEqual(['B']);
    });

    it('removes a record for good on request', async () => {
      const saved = await repository.create(draft());
      expect(await repository.remove(saved.experiment.id)).toBe(true);
      expect(await repository.get(saved.experiment.id)).toBeNull();
      expect(await repository.remove(saved.experiment.id)).toBe(false);
      expect(await repository.count()).toBe(0);
    });

    it('inserts imported records unchanged and refuses an id that exists', async () => {
      const record = exampleExperiment({ id: 'imported-1', positions: 8 });
      const stored = await repository.insert(record);
      expect(stored).toEqual({ experiment: record, revision: 1, deletedAt: null, migratedFrom: null });
      expect((await repository.get('imported-1'))!.experiment).toEqual(record);
      await expect(repository.insert(record)).rejects.toThrow(/already stored/);
    });

    it('gives the start of the list in the order of the whole list, with the count, without the deleted', async () => {
      const saved = [];
      for (const name of ['One', 'Two', 'Three', 'Four', 'Five']) saved.push(await repository.create(draft({ name })));
      await repository.delete(saved[4].experiment.id);
      const whole = (await repository.list()).experiments;
      const start = await repository.listStart(3);
      expect(start.total).toBe(4);
      expect(start.experiments).toEqual(whole.slice(0, 3));
      expect((await repository.listStart(10)).experiments).toEqual(whole);
    });

    it('inserts many records at once, leaving alone those already stored, and never duplicates', async () => {
      const first = exampleExperiment({ id: 'batch-1', positions: 8, name: 'First' });
      await repository.insert(first);
      await repository.rename('batch-1', 1, 'Renamed here');
      const records = ['batch-1', 'batch-2', 'batch-3'].map((id, i) =>
        exampleExperiment({ id, seed: i + 1, positions: 8 }),
      );
      expect(await repository.insertMany(records)).toEqual({
        added: ['batch-2', 'batch-3'],
        alreadyStored: ['batch-1'],
      });
      expect(await repository.insertMany(records)).toEqual({
        added: [],
        alreadyStored: ['batch-1', 'batch-2', 'batch-3'],
      });
      expect(await repository.count()).toBe(3);
      // The stored record is kept as it is, not overwritten by the file's older copy.
      expect((await repository.get('batch-1'))!.experiment.name).toBe('Renamed here');
      expect((await repository.get('batch-3'))!.experiment).toEqual(records[2]);
    });

    it('inserts all of a batch or none of it', async () => {
      const good = exampleExperiment({ id: 'good-one', positions: 8 });
      const bad = { ...exampleExperiment({ id: 'bad-one', positions: 8 }), settings: { ...good.settings, topP: 3 } };
      await expect(repository.insertMany([good, bad])).rejects.toThrow(InvalidExperimentError);
      await expect(repository.insertMany([good, good])).rejects.toThrow(/same id appears twice/);
      expect(await repository.count()).toBe(0);
    });

    it('counts experiments and estimates their size in bytes', async () => {
      expect(await repository.estimateBytes()).toBe(0);
      const saved = await repository.create(draft());
      await repository.create(draft({}, 2));
      expect(await repository.count()).toBe(2);
      const bytes = await repository.estimateBytes();
      expect(bytes).toBeGreaterThan(2 * JSON.stringify(saved.experiment.results).length);
      expect(bytes).toBeLessThan(4 * JSON.stringify(saved.experiment).length);
    });

    it('stores and lists names with markup as the same plain text', async () => {
      const name = '<script>alert(1)</script>';
      const saved = await repository.create(draft({ name, text: `${name} & more` }));
      expect((await repository.get(saved.experiment.id))!.experiment.name).toBe(name);
      expect((await repository.list({ search: '<script>' })).experiments[0]).toMatchObject({
        name,
        text: `${name} & more`,
      });
    });
  });
}
