/**
 * The experiments repository: create, read, list, update (with optimistic concurrency),
 * rename, tag, duplicate, soft delete and restore, on any EntryStore (IndexedDB or memory).
 *
 * Every record read back goes through `parseExperiment` (older versions are migrated in
 * memory and written back migrated on their next save); every record written is validated
 * first. Each write bumps the record's `revision`; an update must name the revision it was
 * based on, so two tabs editing the same experiment cannot silently overwrite each other.
 */
import { CURRENT_SCHEMA_VERSION, LIMITS, parseExperiment, type Experiment } from '../core/experiments';
import type { EntryStore, StoredEntry } from './entryStore';
import {
  DeletedError,
  DuplicateIdError,
  InvalidExperimentError,
  InvalidStoredRecordError,
  NotFoundError,
  StaleRevisionError,
} from './errors';
import {
  byUpdatedDescending,
  createSummaryReader,
  indexSummary,
  LIST_TEXT_LENGTH,
  listRowSchema,
  searchPredicate,
  searchWords,
  summarise,
  summarySchema,
  type ExperimentSummary,
} from './summary';

/** What the app provides to create an experiment; the repository adds identity, times and version. */
export type ExperimentDraft = Omit<Experiment, 'schemaVersion' | 'id' | 'createdAt' | 'updatedAt' | 'appVersion'>;

/** A stored experiment with its storage state. */
export interface StoredExperiment {
  experiment: Experiment;
  /** Pass this back to `update` and friends. */
  revision: number;
  /** ISO 8601 when soft-deleted, else null. */
  deletedAt: string | null;
  /** The schema version it was stored in, when older than the current one. */
  migratedFrom: number | null;
}

export interface ListQuery {
  /** Words that must all occur in the name, a tag, the model id or the text. */
  search?: string;
  /** Only experiments with exactly this tag. */
  tag?: string;
  /** Only experiments of this model id. */
  modelId?: string;
  /** Default `exclude`; `only` lists the trash. */
  deleted?: 'exclude' | 'include' | 'only';
}

/** A stored record that could not be listed, and why. */
export interface StoredRecordProblem {
  id: string;
  errors: string[];
}

export interface ListResult {
  /** Newest first; each text cut to LIST_TEXT_LENGTH characters (a search still matches the first SUMMARY_TEXT_LENGTH). */
  experiments: ExperimentSummary[];
  /** Damaged records, reported instead of breaking the list. */
  problems: StoredRecordProblem[];
}

/** The start of the list (not deleted, no search): what a first screen shows. */
export interface ListStart {
  /** Newest first, in the order of `list()`; damaged ones left out (`list()` reports them). */
  experiments: ExperimentSummary[];
  /** How many experiments `list()` will have, about: damaged and unsummarised records are counted by `list()` only. */
  total: number;
}

/** What `insertMany` did with each record: stored now, or left alone because its id was already stored. */
export interface InsertManyResult {
  added: string[];
  alreadyStored: string[];
}

export interface ExperimentsRepository {
  /** `memory` means nothing survives a reload: the UI should offer "export now". */
  readonly kind: EntryStore['kind'];
  create(draft: ExperimentDraft): Promise<StoredExperiment>;
  /** Stores a complete record as it is (imports); refuses an id that is already stored. */
  insert(experiment: Experiment): Promise<StoredExperiment>;
  /**
   * Stores complete records in one transaction (all or none), leaving alone every id that is
   * already stored (so importing a file again never duplicates a record). Ids must differ.
   */
  insertMany(experiments: readonly Experiment[]): Promise<InsertManyResult>;
  /** Null when absent; throws InvalidStoredRecordError for a damaged record. */
  get(id: string): Promise<StoredExperiment | null>;
  list(query?: ListQuery): Promise<ListResult>;
  /**
   * The newest `limit` experiments and how many there are, without reading every summary
   * (a few ms at 10,000 records, where `list()` reads them all the first time).
   */
  listStart(limit: number): Promise<ListStart>;
  /**
   * Reads and validates what a search needs (every summary with its text), so that the first
   * search after a plain list, which reads only list rows, does not wait for it.
   */
  prepareSearch(): Promise<void>;
  /** Throws StaleRevisionError when `expectedRevision` is not the stored revision. */
  update(id: string, expectedRevision: number, changes: Partial<ExperimentDraft>): Promise<StoredExperiment>;
  rename(id: string, expectedRevision: number, name: string): Promise<StoredExperiment>;
  /** Replaces the tags (trimmed, empty ones and repeats dropped). */
  setTags(id: string, expectedRevision: number, tags: readonly string[]): Promise<StoredExperiment>;
  /** A new experiment with the same content, named "<name> (copy)" unless `name` is given. */
  duplicate(id: string, name?: string): Promise<StoredExperiment>;
  /** Soft delete: the record leaves the list but `restore` brings it back. */
  delete(id: string): Promise<StoredExperiment>;
  restore(id: string): Promise<StoredExperiment>;
  /** Removes one record for good, damaged ones included (the way out for a listed problem); false if absent. */
  remove(id: string): Promise<boolean>;
  /** Removes soft-deleted records for good (those deleted at or before `before`, default all); returns how many. */
  purgeDeleted(before?: Date): Promise<number>;
  /** Experiments not in the trash. */
  count(): Promise<number>;
  /** UTF-8 bytes of all stored records' JSON, trash included (what IndexedDB holds, roughly). */
  estimateBytes(): Promise<number>;
}

export interface RepositoryOptions {
  /** Written into every record this app creates or changes. */
  appVersion: string;
  now?: () => Date;
  newId?: () => string;
}

/**
 * A repository over an entry store.
 *
 * @example
 * const repository = createExperimentsRepository(database.entries, { appVersion: '0.1.0' });
 * const saved = await repository.create(draft);
 * await repository.rename(saved.experiment.id, saved.revision, 'Mid-word prompt');
 */
export function createExperimentsRepository(store: EntryStore, options: RepositoryOptions): ExperimentsRepository {
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const newId = options.newId ?? (() => crypto.randomUUID());

  const validate = (candidate: unknown): Experiment => {
    const parsed = parseExperiment(candidate);
    if (!parsed.ok) throw new InvalidExperimentError(parsed.errors);
    return parsed.value;
  };

  const write = (experiment: Experiment, revision: number, deletedAt: string | null) => ({
    write: { record: experiment, summary: summarise(experiment, revision, deletedAt) },
    result: { experiment, revision, deletedAt, migratedFrom: null },
  });

  const addNew = (experiment: Experiment) =>
    store.modify(experiment.id, (current) => {
      if (current) throw new DuplicateIdError(experiment.id);
      return write(experiment, 1, null);
    });

  const summaries = createSummaryReader();
  /** The plain list's: list rows, whose texts are short (database.ts, `listRows`). */
  const listRows = createSummaryReader(listRowSchema);

  const setDeleted = (id: string, deletedAt: string | null) =>
    store.modify(id, (entry) => {
      if (!entry) throw new NotFoundError(id);
      const stored = decode(id, entry);
      if ((stored.deletedAt === null) === (deletedAt === null)) return { keep: true, result: stored };
      return write(stored.experiment, stored.revision + 1, deletedAt);
    });

  const repository: ExperimentsRepository = {
    kind: store.kind,

    async create(draft) {
      const time = now();
      const identity = {
        schemaVersion: CURRENT_SCHEMA_VERSION,
        id: newId(),
        createdAt: time,
        updatedAt: time,
        appVersion: options.appVersion,
      };
      return addNew(validate({ ...draft, ...identity }));
    },

    async insert(experiment) {
      return addNew(validate(experiment));
    },

    async insertMany(experiments) {
      const byId = new Map(experiments.map((experiment) => [experiment.id, validate(experiment)]));
      if (byId.size !== experiments.length)
        throw new InvalidExperimentError(['the same id appears twice among the records to insert']);
      const ids = [...byId.keys()];
      const outcomes = await store.modifyMany(ids, (id, current) =>
        current
          ? { keep: true, result: 'already-stored' as const }
          : { ...write(byId.get(id)!, 1, null), result: 'added' as const },
      );
      return {
        added: ids.filter((_, i) => outcomes[i] === 'added'),
        alreadyStored: ids.filter((_, i) => outcomes[i] === 'already-stored'),
      };
    },

    async get(id) {
      const entry = await store.read(id);
      return entry ? decode(id, entry) : null;
    },

    async list(query = {}) {
      const filtered = query.tag !== undefined || query.modelId !== undefined;
      // Rows suffice unless a search must look into the texts; tags and models are in both.
      const rows = !filtered && searchWords(query.search ?? '').length === 0;
      const stored = await store.readAll({ tag: query.tag, modelId: query.modelId, rows });
      const { entries: listed, problems } = await (rows ? listRows : summaries).read(stored.summaries, !filtered);
      for (const id of stored.unsummarised) {
        const rebuilt = await summariseUnsummarised(store, id);
        if (rebuilt === null) continue;
        if ('errors' in rebuilt) problems.push(rebuilt);
        else listed.push(indexSummary(rebuilt));
      }
      const deleted = query.deleted ?? 'exclude';
      const matches = searchPredicate(query.search ?? '');
      const experiments = listed
        .filter(
          (entry) =>
            (deleted === 'include' || (deleted === 'only') === (entry.summary.deletedAt !== null)) &&
            (query.tag === undefined || entry.summary.tags.includes(query.tag)) &&
            (query.modelId === undefined || entry.summary.modelId === query.modelId) &&
            matches(entry),
        )
        .sort(byUpdatedDescending)
        // Copies: the summary reader keeps the validated summaries, which callers must not change.
        .map(({ summary }) => ({ ...summary, tags: [...summary.tags], text: summary.text.slice(0, LIST_TEXT_LENGTH) }));
      return { experiments, problems };
    },

    async listStart(limit) {
      const newest = await store.readNewest(limit);
      const { entries } = await summaries.read(newest.summaries, false);
      return {
        experiments: entries.map(({ summary }) => ({
          ...summary,
          tags: [...summary.tags],
          text: summary.text.slice(0, LIST_TEXT_LENGTH),
        })),
        total: newest.listedCount,
      };
    },

    async prepareSearch() {
      // Both keep what they read: the store until some tab writes, the reader by revision.
      await summaries.read((await store.readAll()).summaries, true);
    },

    async update(id, expectedRevision, changes) {
      return store.modify(id, (entry) => {
        if (!entry) throw new NotFoundError(id);
        const { experiment, revision, deletedAt } = decode(id, entry);
        if (revision !== expectedRevision) throw new StaleRevisionError(id, expectedRevision, revision);
        if (deletedAt !== null) throw new DeletedError(id);
        const next = validate({
          ...experiment,
          ...changes,
          // Identity and provenance are the repository's, whatever `changes` carries at run time.
          schemaVersion: CURRENT_SCHEMA_VERSION,
          id: experiment.id,
          createdAt: experiment.createdAt,
          updatedAt: notBefore(now(), experiment.createdAt),
          appVersion: options.appVersion,
        });
        return write(next, revision + 1, null);
      });
    },

    rename: (id, expectedRevision, name) => repository.update(id, expectedRevision, { name: name.trim() }),

    setTags: (id, expectedRevision, tags) =>
      repository.update(id, expectedRevision, { tags: [...new Set(tags.map((t) => t.trim()).filter(Boolean))] }),

    async duplicate(id, name) {
      const source = await repository.get(id);
      if (!source) throw new NotFoundError(id);
      const draft = toDraft(source.experiment);
      const copyName = name?.trim() || `${draft.name.slice(0, LIMITS.nameLength - ' (copy)'.length)} (copy)`;
      return repository.create({ ...draft, name: copyName });
    },

    delete: (id) => setDeleted(id, now()),

    restore: (id) => setDeleted(id, null),

    remove: (id) =>
      store.modify(id, (entry) => (entry ? { remove: true, result: true } : { keep: true, result: false })),

    async purgeDeleted(before) {
      const { experiments } = await repository.list({ deleted: 'only' });
      const limit = before?.getTime() ?? Infinity;
      let removed = 0;
      for (const summary of experiments) {
        if (Date.parse(summary.deletedAt!) > limit) continue;
        // Re-checked inside the transaction: another tab may have restored it meanwhile.
        const gone = await store.modify(summary.id, (entry) =>
          entry && summarySchema.safeParse(entry.summary).data?.deletedAt
            ? { remove: true, result: true }
            : { keep: true, result: false },
        );
        if (gone) removed++;
      }
      return removed;
    },

    async count() {
      return (await repository.list()).experiments.length;
    },

    async estimateBytes() {
      const { experiments } = await repository.list({ deleted: 'include' });
      return experiments.reduce((sum, s) => sum + s.bytes, 0);
    },
  };
  return repository;
}

/** The user's content of a record, without identity, times and version: what `create` takes. */
export function toDraft(experiment: Experiment): ExperimentDraft {
  const {
    schemaVersion: _version,
    id: _id,
    createdAt: _created,
    updatedAt: _updated,
    appVersion: _app,
    ...draft
  } = experiment;
  return draft;
}

/** A stored entry as a StoredExperiment; a missing or damaged summary counts as revision 0. */
function decode(id: string, entry: StoredEntry): StoredExperiment {
  const parsed = parseExperiment(entry.record);
  if (!parsed.ok) throw new InvalidStoredRecordError(id, parsed.errors);
  const summary = summarySchema.safeParse(entry.summary);
  return {
    experiment: parsed.value,
    revision: summary.success ? summary.data.revision : 0,
    deletedAt: summary.success ? summary.data.deletedAt : null,
    migratedFrom: parsed.migratedFrom,
  };
}

/**
 * The summary of a record that was stored without one (by an older app or a direct write) or
 * without its list row, saved so the next list is fast; or why the record cannot be listed;
 * null if it is gone.
 */
async function summariseUnsummarised(
  store: EntryStore,
  id: string,
): Promise<ExperimentSummary | StoredRecordProblem | null> {
  const entry = await store.read(id);
  if (!entry) return null;
  const parsed = parseExperiment(entry.record);
  if (!parsed.ok) return { id, errors: parsed.errors };
  const summary = summarise(parsed.value, 0, null);
  return store.modify(id, (current) => {
    if (current && current.summary === undefined)
      return { write: { record: current.record, summary }, result: summary };
    // Another tab saved the record (and its summary) meanwhile, or only its list row is missing
    // (database.ts): the stored summary is the truth, and writing it again restores the row.
    const stored = summarySchema.safeParse(current?.summary);
    return current && stored.success
      ? { write: { record: current.record, summary: current.summary }, result: stored.data }
      : { keep: true, result: summary };
  });
}

/** `time`, or `floor` when the clock reads earlier (a clock set back must not break the record). */
function notBefore(time: string, floor: string): string {
  return Date.parse(time) < Date.parse(floor) ? floor : time;
}
