/**
 * A batch definition expanded (issue 18): its cells (model × grid point), its tasks (prompt ×
 * cell × sample) in the one canonical order, each task's seed, shards, and the batch's id. Pure,
 * so the worker and the CLI expand a definition identically.
 */
import { modelKey, type BatchDefinition } from './definition';

/** One model at one point of the grid. */
export interface BatchCell {
  /** Position in `batchCells(def)`. */
  index: number;
  /** `<modelKey>|t=<temperature>|k=<topK>|p=<topP>|minp=<minP>`, numbers as JavaScript prints them. */
  key: string;
  modelIndex: number;
  modelKey: string;
  settings: SamplingSettingsRecord;
}

/** The four sampling settings in the pipeline's order (core/distribution/sampling.ts). */
export interface SamplingSettingsRecord {
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
}

/** One sample of one prompt in one cell: the unit that is run, stored, resumed and sharded. */
export interface BatchTask {
  /** Position in the canonical order (`batchTasks`); the results file is sorted by it. */
  index: number;
  /** `<promptId>|<cellKey>|s=<sample>`: unique within the batch, for stores keyed by task. */
  key: string;
  promptIndex: number;
  promptId: string;
  cellIndex: number;
  cellKey: string;
  modelIndex: number;
  modelKey: string;
  /** 0 … samplesPerCell − 1. */
  sample: number;
  /** taskSeed(def.seed, promptId, cellKey, sample). */
  seed: number;
}

export function cellKey(model: string, s: SamplingSettingsRecord): string {
  return `${model}|t=${s.temperature}|k=${s.topK}|p=${s.topP}|minp=${s.minP}`;
}

/**
 * Every cell: models in the definition's order, and for each the grid's product with
 * temperature outermost, then topK, topP, minP, each in the order listed. Cells of one model
 * are consecutive, so a runner loads each model once.
 */
export function batchCells(def: BatchDefinition): BatchCell[] {
  const cells: BatchCell[] = [];
  def.models.forEach((model, modelIndex) => {
    const key = modelKey(model);
    for (const temperature of def.grid.temperature) {
      for (const topK of def.grid.topK) {
        for (const topP of def.grid.topP) {
          for (const minP of def.grid.minP) {
            const settings = { temperature, topK, topP, minP };
            cells.push({ index: cells.length, key: cellKey(key, settings), modelIndex, modelKey: key, settings });
          }
        }
      }
    }
  });
  return cells;
}

/** Tasks of a definition without building them: prompts × cells × samples. */
export function taskCount(def: BatchDefinition): number {
  const { grid } = def;
  return (
    def.prompts.length *
    def.models.length *
    grid.temperature.length *
    grid.topK.length *
    grid.topP.length *
    grid.minP.length *
    def.samplesPerCell
  );
}

/**
 * Every task in the canonical order: by model, then cell (batchCells' order), then prompt (the
 * definition's order), then sample. Task k is `index` k; results files are sorted by it.
 */
export function batchTasks(def: BatchDefinition): BatchTask[] {
  const tasks: BatchTask[] = [];
  for (const cell of batchCells(def)) {
    def.prompts.forEach((prompt, promptIndex) => {
      for (let sample = 0; sample < def.samplesPerCell; sample++) {
        tasks.push({
          index: tasks.length,
          key: `${prompt.id}|${cell.key}|s=${sample}`,
          promptIndex,
          promptId: prompt.id,
          cellIndex: cell.index,
          cellKey: cell.key,
          modelIndex: cell.modelIndex,
          modelKey: cell.modelKey,
          sample,
          seed: taskSeed(def.seed, prompt.id, cell.key, sample),
        });
      }
    });
  }
  return tasks;
}

const encoder = new TextEncoder();

/** 32-bit FNV-1a over the UTF-8 bytes of `text`, from `offset`. */
function fnv1a(text: string, offset = 0x811c9dc5): number {
  let h = offset;
  for (const byte of encoder.encode(text)) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

/** MurmurHash3's finaliser: FNV-1a's low bits mix poorly; this spreads every input bit. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A task's seed, a uint32 that depends only on what identifies the task, never on its position
 * in a run, its shard or whether the run was resumed: `mix32(fnv1a(S))` where S is the UTF-8 of
 * `<batchSeed>\0<promptId>\0<cellKey>\0<sample>` (numbers in decimal), FNV-1a 32-bit (offset
 * 0x811c9dc5, prime 0x01000193) and mix32 MurmurHash3's fmix32. The draw for generated token i
 * then uses `positionSeed(taskSeed, i)` (core/distribution/sampleNext.ts), as the lab does.
 *
 * @example
 * taskSeed(1234, 'sally-ball', 'embedded:sotu-gpt|t=0.5|k=0|p=1|minp=0', 0); // the same uint32 everywhere
 */
export function taskSeed(batchSeed: number, promptId: string, cell: string, sample: number): number {
  return mix32(fnv1a(`${batchSeed >>> 0}\u0000${promptId}\u0000${cell}\u0000${sample}`));
}

/** Task k belongs to shard k mod count: shards are disjoint, cover every task, and stay balanced. */
export function shardTasks<T extends Pick<BatchTask, 'index'>>(tasks: readonly T[], index: number, count: number): T[] {
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count)) {
    throw new RangeError(`A shard is i/n with 0 ≤ i < n (got ${index}/${count}).`);
  }
  return tasks.filter((task) => task.index % count === index);
}

/** JSON with object keys sorted, so an id does not depend on how an object was written. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The batch's identity, 16 hex digits, written on every result line so files of different
 * definitions are never merged or resumed into each other: two FNV-1a passes (different offsets,
 * each mixed) over the definition's JSON with sorted keys, `name` left out (renaming changes no
 * result). Every field that changes a result (seed, prompts, expected answers, match modes,
 * models, grid, samples) changes it.
 */
export function batchId(def: BatchDefinition): string {
  const { name: _name, ...rest } = def;
  const json = stableJson(rest);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return hex(mix32(fnv1a(json))) + hex(mix32(fnv1a(json, 0x050c5d1f)));
}
