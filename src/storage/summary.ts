/**
 * The summary kept beside each stored experiment: what the list and search need (a few
 * hundred bytes), plus the record's storage state (revision, soft deletion). Listing reads
 * only summaries, so it stays fast however large the results snapshots grow; the plain list
 * reads their list rows (listRowOf), smaller still, and only a search reads the texts.
 */
import { z } from 'zod';
import { LIMITS, type Experiment } from '../core/experiments';
import { yieldToEventLoop } from '../core/yieldToEventLoop';

/** Characters of the text kept for search. */
export const SUMMARY_TEXT_LENGTH = 10_000;

/**
 * Characters of the text a list row carries (the list shows 80). The plain list reads rows
 * cut to this length: reading 1,000 summaries with their search texts (about 1.5 KB each)
 * costs Chromium three times as long as reading them without.
 */
export const LIST_TEXT_LENGTH = 200;

export const summarySchema = z.object({
  id: z.string().min(1).max(LIMITS.idLength),
  /** Counts every write of this record; an update must name the revision it edited. */
  revision: z.int().min(0),
  /** ISO 8601 when soft-deleted, else null. */
  deletedAt: z.string().nullable(),
  name: z.string().max(LIMITS.nameLength),
  tags: z.array(z.string().max(LIMITS.tagLength)).max(LIMITS.tags),
  modelId: z.string().max(LIMITS.labelLength),
  /** The first SUMMARY_TEXT_LENGTH characters of the text. */
  text: z.string().max(SUMMARY_TEXT_LENGTH),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Approximate size of the stored record: UTF-8 bytes of its JSON. */
  bytes: z.int().min(0),
});

export type ExperimentSummary = z.output<typeof summarySchema>;

/** A list row (listRowOf): a summary whose text is no longer than a list shows. */
export const listRowSchema = summarySchema.extend({ text: z.string().max(LIST_TEXT_LENGTH) });

const encoder = new TextEncoder();

/** The summary of a valid record in a given storage state. */
export function summarise(experiment: Experiment, revision: number, deletedAt: string | null): ExperimentSummary {
  return {
    id: experiment.id,
    revision,
    deletedAt,
    name: experiment.name,
    tags: [...experiment.tags],
    modelId: experiment.model.id,
    text: experiment.text.slice(0, SUMMARY_TEXT_LENGTH),
    createdAt: experiment.createdAt,
    updatedAt: experiment.updatedAt,
    bytes: encoder.encode(JSON.stringify(experiment)).length,
  };
}

/**
 * The list row of a stored summary: the summary with its text cut to LIST_TEXT_LENGTH and
 * without its list key. Read defensively: anything that is not a summary is kept as it is,
 * so validation still reports it.
 */
export function listRowOf(stored: unknown): unknown {
  if (typeof stored !== 'object' || stored === null) return stored;
  const { listKey: _listKey, ...row } = stored as Record<string, unknown>;
  return typeof row.text === 'string' ? { ...row, text: row.text.slice(0, LIST_TEXT_LENGTH) } : row;
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** A validated summary with what listing needs worked out once: its instant and its search text. */
export interface IndexedSummary {
  summary: ExperimentSummary;
  /** `updatedAt` in ms since the epoch; records may carry different offsets (`Z`, `+02:00`). */
  updatedAtMs: number;
  /** Name, tags, model id and text, folded for case- and width-insensitive search. */
  searchText: string;
}

export function indexSummary(summary: ExperimentSummary): IndexedSummary {
  return {
    summary,
    updatedAtMs: Date.parse(summary.updatedAt),
    searchText: fold([summary.name, ...summary.tags, summary.modelId, summary.text].join('\n')),
  };
}

/** The folded words of a search query; none for a blank one. */
export function searchWords(query: string): string[] {
  return fold(query).split(/\s+/).filter(Boolean);
}

/** A search predicate: every whitespace-separated word of `query` must occur in the search text. */
export function searchPredicate(query: string): (entry: IndexedSummary) => boolean {
  const words = searchWords(query);
  if (words.length === 0) return () => true;
  return (entry) => words.every((word) => entry.searchText.includes(word));
}

/** Compares strings by UTF-16 code units, as IndexedDB compares keys (localeCompare would not agree with the index). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest first; ties by name, then id (code-unit order), so the order is stable and equals the `listed` index's. */
export function byUpdatedDescending(a: IndexedSummary, b: IndexedSummary): number {
  return (
    b.updatedAtMs - a.updatedAtMs ||
    byCodeUnits(a.summary.name, b.summary.name) ||
    byCodeUnits(a.summary.id, b.summary.id)
  );
}

/** A summary's place in the list as an IndexedDB key: `[-updatedAtMs, name, id]`, which sorts as byUpdatedDescending. */
export type ListKey = [number, string, string];

/**
 * The list key of a stored summary, or undefined when it is not listed: deleted, or too
 * damaged to place (the full list reports those). Read defensively: stored data is unknown.
 */
export function listKeyOf(stored: unknown): ListKey | undefined {
  const { id, name, updatedAt, deletedAt } = (stored ?? {}) as Partial<Record<keyof ExperimentSummary, unknown>>;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof updatedAt !== 'string' || deletedAt !== null)
    return undefined;
  const updatedAtMs = Date.parse(updatedAt);
  return Number.isFinite(updatedAtMs) ? [-updatedAtMs, name, id] : undefined;
}

/** Orders list keys as IndexedDB does (for the memory store, which has no index). */
export function compareListKeys(a: ListKey, b: ListKey): number {
  return a[0] - b[0] || byCodeUnits(a[1], b[1]) || byCodeUnits(a[2], b[2]);
}

/** Summaries validated and folded (about 5 µs each) between two yields to the event loop. */
const VALIDATED_PER_TASK = 1_000;

/**
 * Validates stored summaries, remembering the validated ones by id. Every write bumps the
 * revision, so a stored summary with a remembered revision and time is the one already
 * validated: listing then skips zod and re-folding, its two slowest steps.
 */
export function createSummaryReader(schema: typeof summarySchema | typeof listRowSchema = summarySchema): {
  /** Validated entries and the problems of damaged ones; `complete` when `raws` is every stored summary. */
  read(
    raws: readonly unknown[],
    complete: boolean,
  ): Promise<{ entries: IndexedSummary[]; problems: { id: string; errors: string[] }[] }>;
} {
  let remembered = new Map<string, IndexedSummary>();
  return {
    async read(raws, complete) {
      const entries: IndexedSummary[] = [];
      const problems: { id: string; errors: string[] }[] = [];
      const seen = new Map<string, IndexedSummary>();
      let validated = 0;
      for (const raw of raws) {
        const { id, revision, updatedAt } = (raw ?? {}) as Partial<ExperimentSummary>;
        let entry = typeof id === 'string' ? remembered.get(id) : undefined;
        if (!entry || entry.summary.revision !== revision || entry.summary.updatedAt !== updatedAt) {
          // Validating 10,000 summaries at once would hold the page for 100 ms: let input in between.
          if (++validated % VALIDATED_PER_TASK === 0) await yieldToEventLoop();
          const parsed = schema.safeParse(raw);
          if (!parsed.success) {
            problems.push({
              id: String(id),
              errors: parsed.error.issues.map((i) => `summary ${i.path.join('.')}: ${i.message}`),
            });
            continue;
          }
          entry = indexSummary(parsed.data);
        }
        entries.push(entry);
        seen.set(entry.summary.id, entry);
      }
      // A complete read saw every summary, so it also forgets records deleted since.
      remembered = complete ? seen : new Map([...remembered, ...seen]);
      return { entries, problems };
    },
  };
}
