import { describe, expect, it } from 'vitest';
import { modelKey, parseBatchDefinition, type BatchDefinitionInput } from './definition';
import { batchCells, batchId, batchTasks, cellKey, shardTasks, taskCount, taskSeed } from './tasks';
import { bundledBatch } from './examples';

const INPUT: BatchDefinitionInput = {
  name: 'tiny',
  seed: 7,
  prompts: [
    { id: 'a', prompt: 'One' },
    { id: 'b', prompt: 'Two', expected: ['x'], match: 'prefix' },
  ],
  models: [
    { id: 'sotu-gpt', source: { kind: 'embedded' } as never },
    { id: 'org/model', source: { kind: 'hub', revision: 'main' } as never },
  ],
  grid: { temperature: [0.5, 1], topK: [0, 40], maxNewTokens: 3 },
  samplesPerCell: 2,
};

describe('batch definition', () => {
  it('fills in the defaults (version, topP, minP, stop, file hashes)', () => {
    const def = parseBatchDefinition(INPUT);
    expect(def.version).toBe(1);
    expect(def.grid).toEqual({ temperature: [0.5, 1], topK: [0, 40], topP: [1], minP: [0], maxNewTokens: 3, stop: [] });
    expect(def.models[0].source).toEqual({ kind: 'embedded', fileHashes: [] });
  });

  it('names every problem by its path', () => {
    const bad = {
      ...INPUT,
      seed: -1,
      prompts: [
        { id: 'a', prompt: 'x' },
        { id: 'a', prompt: 'y', expected: ['('], match: 'regex' },
      ],
      grid: { temperature: [0, 1, 1], maxNewTokens: 0 },
    };
    const message = (() => {
      try {
        parseBatchDefinition(bad);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/^The batch definition is not a valid batch definition:/);
    expect(message).toContain('seed:');
    expect(message).toContain('prompts[1].id: "a" is already the id of prompts[0]');
    expect(message).toMatch(/prompts\[1\]\.expected\[0\]: "\(" is not a valid regular expression/);
    expect(message).toContain('grid.temperature[0]:');
    expect(message).toContain('grid.temperature: must not list a value twice');
    expect(message).toContain('grid.maxNewTokens:');
    expect(() => parseBatchDefinition('{ nope')).toThrow(/not valid JSON/);
    expect(() => parseBatchDefinition({ ...INPUT, prompts: [{ id: 'has space', prompt: 'x' }] })).toThrow(
      /prompts\[0\]\.id: must start with a letter or digit/,
    );
  });

  it('keys models by source', () => {
    expect(modelKey({ id: 'sotu-gpt', source: { kind: 'embedded', fileHashes: [] } })).toBe('embedded:sotu-gpt');
    expect(modelKey({ id: 'org/m', source: { kind: 'hub', revision: 'v1', fileHashes: [] }, dtype: 'q8' })).toBe(
      'hub:org/m@v1#q8',
    );
    expect(modelKey({ id: 'Mine', source: { kind: 'folder', folderName: 'mine', fileHashes: [] } })).toBe(
      'folder:mine',
    );
  });

  it('orders cells by model, then temperature, top-k, top-p, min-p', () => {
    const cells = batchCells(parseBatchDefinition(INPUT));
    expect(cells.map((c) => c.key)).toEqual([
      'embedded:sotu-gpt|t=0.5|k=0|p=1|minp=0',
      'embedded:sotu-gpt|t=0.5|k=40|p=1|minp=0',
      'embedded:sotu-gpt|t=1|k=0|p=1|minp=0',
      'embedded:sotu-gpt|t=1|k=40|p=1|minp=0',
      'hub:org/model@main|t=0.5|k=0|p=1|minp=0',
      'hub:org/model@main|t=0.5|k=40|p=1|minp=0',
      'hub:org/model@main|t=1|k=0|p=1|minp=0',
      'hub:org/model@main|t=1|k=40|p=1|minp=0',
    ]);
    expect(cells[3].settings).toEqual({ temperature: 1, topK: 40, topP: 1, minP: 0 });
    expect(cellKey('m', { temperature: 0.01, topK: 0, topP: 0.9, minP: 0.05 })).toBe('m|t=0.01|k=0|p=0.9|minp=0.05');
  });

  it('orders tasks by model, cell, prompt, sample, with seeds from what identifies them', () => {
    const def = parseBatchDefinition(INPUT);
    const tasks = batchTasks(def);
    expect(tasks).toHaveLength(taskCount(def));
    expect(tasks).toHaveLength(2 * 8 * 2);
    expect(tasks.slice(0, 5).map((t) => [t.cellIndex, t.promptId, t.sample])).toEqual([
      [0, 'a', 0],
      [0, 'a', 1],
      [0, 'b', 0],
      [0, 'b', 1],
      [1, 'a', 0],
    ]);
    expect(tasks.map((t) => t.index)).toEqual(tasks.map((_, i) => i));
    expect(new Set(tasks.map((t) => t.key)).size).toBe(tasks.length);
    expect(new Set(tasks.map((t) => t.seed)).size).toBe(tasks.length);
    for (const t of tasks) expect(t.seed).toBe(taskSeed(7, t.promptId, t.cellKey, t.sample));

    // Reordering the grid or the prompts moves tasks, never changes their seeds.
    const reordered = batchTasks(
      parseBatchDefinition({
        ...INPUT,
        prompts: [...INPUT.prompts].reverse(),
        grid: { ...INPUT.grid, temperature: [1, 0.5] },
      }),
    );
    const seeds = new Map(tasks.map((t) => [t.key, t.seed]));
    for (const t of reordered) expect(t.seed).toBe(seeds.get(t.key));
  });

  it('has a fixed, documented seed function', () => {
    const seed = taskSeed(7, 'a', 'm|t=1|k=0|p=1|minp=0', 0);
    expect(seed).toBe(taskSeed(7, 'a', 'm|t=1|k=0|p=1|minp=0', 0));
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    expect(taskSeed(7, 'a', 'm', 1)).not.toBe(taskSeed(7, 'a', 'm', 0));
    expect(taskSeed(8, 'a', 'm', 0)).not.toBe(taskSeed(7, 'a', 'm', 0));
    expect(taskSeed(7, 'é', 'm', 0)).not.toBe(taskSeed(7, 'e', 'm', 0));
    // The value an independent implementation of the documented function (Python) gives:
    // fmix32(FNV-1a-32(UTF-8 "1234\0sally-ball\0embedded:sotu-gpt|t=0.5|k=0|p=1|minp=0\00")).
    expect(taskSeed(1234, 'sally-ball', 'embedded:sotu-gpt|t=0.5|k=0|p=1|minp=0', 0)).toBe(2600157338);
  });

  it('splits tasks into disjoint shards by index mod n', () => {
    const tasks = batchTasks(parseBatchDefinition(INPUT));
    const shards = [0, 1, 2].map((i) => shardTasks(tasks, i, 3));
    expect(shards.map((s) => s.length)).toEqual([11, 11, 10]);
    expect(
      shards
        .flat()
        .map((t) => t.index)
        .sort((a, b) => a - b),
    ).toEqual(tasks.map((t) => t.index));
    expect(shards[1].every((t) => t.index % 3 === 1)).toBe(true);
    expect(() => shardTasks(tasks, 3, 3)).toThrow(/0 ≤ i < n/);
  });

  it('identifies a batch by everything that changes a result, not by its name', () => {
    const def = parseBatchDefinition(INPUT);
    expect(batchId(def)).toMatch(/^[0-9a-f]{16}$/);
    expect(batchId(parseBatchDefinition({ ...INPUT, name: 'renamed' }))).toBe(batchId(def));
    expect(batchId(parseBatchDefinition({ ...INPUT, seed: 8 }))).not.toBe(batchId(def));
    expect(batchId(parseBatchDefinition({ ...INPUT, samplesPerCell: 3 }))).not.toBe(batchId(def));
    // Key order in the file does not matter.
    const { seed, name, ...rest } = INPUT;
    expect(batchId(parseBatchDefinition({ ...rest, seed, name }))).toBe(batchId(def));
  });
});

describe('bundled ToM set', () => {
  const def = bundledBatch('tom');

  it('has about 20 first-order false-belief stories whose next word is the answer', () => {
    expect(def.prompts.length).toBe(20);
    for (const p of def.prompts) {
      expect(p.prompt).toMatch(/ will look for the [a-z ]+ in the$/);
      expect(p.expected).toHaveLength(1);
      expect(p.match).toBe('prefix');
      // The answer is where the object was first put, not where it was moved to.
      expect(p.prompt).toContain(` in the ${p.expected![0]} `);
    }
  });

  it('runs on sotu-gpt-long at the study\'s temperatures, 3 samples, 3 new tokens, stop at "."', () => {
    expect(def.models.map(modelKey)).toEqual(['embedded:sotu-gpt-long']);
    expect(def.grid).toMatchObject({ temperature: [0.01, 0.5, 1, 2], maxNewTokens: 3, stop: ['.'] });
    expect(def.samplesPerCell).toBe(3);
    expect(taskCount(def)).toBe(240);
  });
});
