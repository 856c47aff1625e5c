/**
 * The batch runner on the real sotu-gpt under Node: the lab's draws, results that do not depend
 * on the order, the shard split, the cell order or a resume after an abort in the middle of a
 * cell; and the stop rules on a scripted fake engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { parseBatchDefinition, type BatchDefinition } from '../core/batch/definition';
import { batchTasks } from '../core/batch/tasks';
import { bundledBatch, bundledScoringSet } from '../core/batch/examples';
import { mergeResultFiles, resultLine, type SampleResult } from '../core/batch/results';
import { logSumExp, positionSeed, sampleNext } from '../core/distribution';
import { meanSurprisalBits } from '../core/lab/positionMetrics';
import { runBatch, SampleGenerator, type BatchEngine, type RunBatchOptions } from './batchRunner';
import { type BatchProgress } from '../protocol/batch';
import { benchBatchRunner } from './batchRunnerBench';
import { scoreTexts } from './batchRunnerScore';
import { Engine } from './engine';
import type { ModelInfo } from '../protocol/model';

/** Four stories of the bundled set on sotu-gpt: 3 temperatures × 4 prompts × 2 samples = 24 tasks. */
function subset(changes: Partial<BatchDefinition> = {}): BatchDefinition {
  const tom = bundledBatch('tom');
  return parseBatchDefinition({
    ...tom,
    prompts: tom.prompts.slice(0, 4),
    models: [{ id: 'sotu-gpt', source: { kind: 'embedded', fileHashes: [] } }],
    grid: { ...tom.grid, temperature: [0.01, 1, 2], maxNewTokens: 4 },
    samplesPerCell: 2,
    ...changes,
  });
}

const engine = new Engine(createNodeRuntime());
let info: ModelInfo;
/** The engine without reloading the model for every run (the runner's load is the only difference). */
const kept: BatchEngine = {
  load: async () => info,
  tokenize: (params) => engine.tokenize(params),
  decode: (ids) => engine.decode(ids),
  step: (params, options) => engine.step(params, options),
  startTokenId: () => engine.startTokenId(),
  windowTokens: () => engine.windowTokens(),
};
const deps = {
  engine: kept,
  loadParams: () => ({
    source: { kind: 'embedded' as const, id: 'sotu-gpt' },
    backend: 'wasm' as const,
    dtype: 'auto' as const,
  }),
};

async function run(
  def: BatchDefinition,
  options: RunBatchOptions = {},
): Promise<{ lines: string; results: SampleResult[] }> {
  const results: SampleResult[] = [];
  await runBatch(def, deps, {
    ...options,
    onResult: (r, task) => {
      results.push(r);
      return options.onResult?.(r, task);
    },
  });
  return { lines: results.map((r) => `${resultLine(r)}\n`).join(''), results };
}

describe('batch runner on sotu-gpt (Node)', () => {
  const def = subset();
  let full: { lines: string; results: SampleResult[] };

  beforeAll(async () => {
    info = await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    full = await run(def);
  });
  afterAll(() => engine.unload());

  it('runs every task once, in the canonical order', () => {
    expect(full.results.map((r) => r.task)).toEqual(batchTasks(def).map((t) => t.index));
    expect(full.results.every((r) => r.tokenIds.length >= 1 && r.tokenIds.length <= 4)).toBe(true);
    // Temperature 0.01 is all but greedy: the samples of a prompt agree.
    const cold = full.results.filter((r) => r.settings.temperature === 0.01);
    for (let i = 0; i < cold.length; i += 2) expect(cold[i].tokenIds).toEqual(cold[i + 1].tokenIds);
  });

  it('draws what the lab draws: sampleNext at positionSeed(task seed, i) on [start, …prompt, …tokens]', async () => {
    const start = engine.startTokenId();
    for (const r of full.results.filter((_, i) => i % 3 === 0)) {
      const prompt = engine.tokenize({ text: def.prompts.find((p) => p.id === r.promptId)!.prompt }).ids;
      for (let i = 0; i < r.tokenIds.length; i++) {
        const { logits } = await engine.step({ ids: [start, ...prompt, ...r.tokenIds.slice(0, i)], useCache: false });
        expect(sampleNext(logits, r.settings, positionSeed(r.seed, i)).tokenId).toBe(r.tokenIds[i]);
        expect(r.logProbs[i]).toBeCloseTo(logits[r.tokenIds[i]] - logSumExp(logits), 4);
      }
      expect(r.completion).not.toContain('.');
      expect(r.stoppedBy === 'stop-string').toBe(engine.decode(r.tokenIds).includes('.'));
    }
  });

  it('shards merged equal the unsharded run, byte for byte', async () => {
    for (const count of [2, 3]) {
      const shards = [];
      for (let index = 0; index < count; index++) shards.push((await run(def, { shard: { index, count } })).lines);
      expect(mergeResultFiles(shards)).toBe(full.lines);
    }
  });

  it('prompts past the context window slide the same way in every order', async () => {
    const long = Array(7).fill(def.prompts[0].prompt).join(' ');
    const windowed = subset({
      prompts: [{ id: 'long', prompt: long }, def.prompts[1], { id: 'long2', prompt: `${long} Again,` }],
      grid: { ...def.grid, temperature: [1] },
    });
    expect(engine.tokenize({ text: long }).ids.length).toBeGreaterThan(engine.windowTokens());
    const whole = await run(windowed);
    const shards = [
      (await run(windowed, { shard: { index: 1, count: 2 } })).lines,
      (await run(windowed, { shard: { index: 0, count: 2 } })).lines,
    ];
    expect(mergeResultFiles(shards)).toBe(whole.lines);
    expect(whole.results).toHaveLength(6);
  });

  it('a task gives the same result whatever ran before it', async () => {
    const generator = new SampleGenerator(def, kept, info);
    const tasks = batchTasks(def);
    // A fixed shuffle: each task after an unrelated one, and samples of a prompt apart.
    const order = tasks.map((_, i) => (i * 7 + 3) % tasks.length);
    expect(new Set(order).size).toBe(tasks.length);
    const lines = new Map<number, string>();
    for (const k of order) lines.set(k, resultLine(await generator.generate(tasks[k])));
    expect(tasks.map((t) => `${lines.get(t.index)}\n`).join('')).toBe(full.lines);
  });

  it('reordering cells and prompts moves tasks but changes no sample', async () => {
    const reordered = await run(
      subset({ prompts: [...def.prompts].reverse(), grid: { ...def.grid, temperature: [2, 0.01, 1] } }),
    );
    const strip = (r: SampleResult) => JSON.stringify({ ...r, batch: '', task: 0 });
    const byKey = new Map(full.results.map((r) => [`${r.promptId}|${r.cellKey}|${r.sample}`, strip(r)]));
    for (const r of reordered.results) expect(strip(r)).toBe(byKey.get(`${r.promptId}|${r.cellKey}|${r.sample}`));
  });

  it('resumes after an abort in the middle of a cell to the same file as an uninterrupted run', async () => {
    const controller = new AbortController();
    const stored: string[] = [];
    const firstRun = run(def, {
      signal: controller.signal,
      // Cells hold 8 tasks: the 5th result is in the middle of the first cell.
      onResult: (r) => {
        stored.push(`${resultLine(r)}\n`);
        if (stored.length === 5) controller.abort();
      },
    });
    await expect(firstRun).rejects.toThrow(/cancelled/);
    expect(stored).toHaveLength(5);
    const done = new Set(stored.map((line) => JSON.parse(line).task as number));
    const progress: BatchProgress[] = [];
    const rest = await run(def, { isDone: (task) => done.has(task.index), onProgress: (p) => progress.push(p) });
    expect(stored.join('') + rest.lines).toBe(full.lines);
    expect(progress[0]).toMatchObject({ samplesDone: 5, samplesTotal: 24, cellsDone: 0, cellsTotal: 3 });
    expect(progress.at(-1)).toMatchObject({ samplesDone: 24, cellsDone: 3, modelKey: null });
    expect(progress.at(-1)!.tokensPerSecond).toBeGreaterThan(0);
  });

  it("the benchmark's loops generate the same tokens; the runner needs fewer forward passes than the bare loop", async () => {
    const bench = await benchBatchRunner(subset({ prompts: def.prompts.slice(0, 2) }), kept, info, 1);
    expect(bench.sameTokens).toBe(bench.samples);
    expect(bench.runner.steps).toBe(bench.sameSteps.steps);
    expect(bench.runner.steps).toBeLessThan(bench.bare.steps);
    expect(bench.runner.samplesPerSecond).toBeGreaterThan(0);
  });

  it('scores texts as the lab does (GLTR buckets, mean surprisal)', async () => {
    const texts = bundledScoringSet('scoring').texts.slice(0, 2);
    const scored = await scoreTexts(engine, texts);
    const { positions } = await engine.analyze({ ids: engine.tokenize({ text: texts[0].text }).ids });
    expect(scored.texts[0].tokens).toBe(positions.length);
    expect(scored.texts[0].meanSurprisalBits).toBe(meanSurprisalBits(positions));
    expect(scored.texts[0].bucketCounts.reduce((a, b) => a + b, 0)).toBe(positions.length);
    expect(scored.overall.tokens).toBe(scored.texts[0].tokens + scored.texts[1].tokens);
  });
});

describe('stop rules (scripted engine)', () => {
  // Vocabulary: 0 end-of-text (also the start token), 1 "a", 2 ".", 3 " b". The engine puts
  // almost all mass on the scripted token for each position after the prompt.
  const TEXT = ['', 'a', '.', ' b'];
  function scripted(script: number[]): BatchEngine {
    return {
      load: async () =>
        ({
          label: 'fake',
          loadMs: 0,
          eosTokenId: 0,
        }) as unknown as ModelInfo,
      fileHashes: async () => [{ path: 'onnx/model.onnx', sha256: 'a'.repeat(64) }],
      tokenize: ({ text }) => ({ ids: [...text].map((c) => (c === 'a' ? 1 : 3)), tokens: [] }),
      decode: (ids) => ids.map((id) => TEXT[id]).join(''),
      step: async ({ ids }) => {
        const logits = new Float32Array(4).fill(-50);
        logits[script[ids.length - 2] ?? 1] = 50; // [start, prompt (1 token), …generated]
        return { logits, vocabSize: 4, contextTokens: ids.length, reusedTokens: 0, computedTokens: 1, elapsedMs: 0 };
      },
      startTokenId: () => 0,
      windowTokens: () => 64,
    };
  }
  const def = parseBatchDefinition({
    name: 's',
    seed: 1,
    prompts: [{ id: 'x', prompt: 'a', expected: ['a'] }],
    models: [{ id: 'fake', source: { kind: 'embedded' } }],
    grid: { temperature: [1], maxNewTokens: 3, stop: ['.'] },
    samplesPerCell: 1,
  });
  const runScript = async (script: number[], d = def) => {
    const results: SampleResult[] = [];
    await runBatch(
      d,
      {
        engine: scripted(script),
        loadParams: () => ({ source: { kind: 'embedded', id: 'fake' }, backend: 'wasm', dtype: 'auto' }),
      },
      { onResult: (r) => void results.push(r) },
    );
    return results[0];
  };

  it('cuts the completion before a stop string and keeps the drawn tokens', async () => {
    expect(await runScript([1, 2, 3])).toMatchObject({
      completion: 'a',
      tokenIds: [1, 2],
      stoppedBy: 'stop-string',
      matched: true,
    });
  });

  it('stops at end-of-text, which is not part of the completion', async () => {
    expect(await runScript([3, 0, 1])).toMatchObject({
      completion: ' b',
      tokenIds: [3, 0],
      stoppedBy: 'end-of-text',
      matched: false,
    });
  });

  it('stops after maxNewTokens', async () => {
    const r = await runScript([3, 3, 3]);
    expect(r).toMatchObject({ completion: ' b b b', tokenIds: [3, 3, 3], stoppedBy: 'max-tokens' });
    expect(r.logProbs.every((lp) => lp > -1e-6 && lp <= 0)).toBe(true);
    expect(r.entropyBits.every((h) => h >= 0 && h < 1e-6)).toBe(true);
  });

  it("refuses a model whose files differ from the definition's hashes", async () => {
    const pinned = parseBatchDefinition({
      ...def,
      models: [
        { id: 'fake', source: { kind: 'embedded', fileHashes: [{ path: 'onnx/model.onnx', sha256: 'b'.repeat(64) }] } },
      ],
    });
    await expect(runScript([1], pinned)).rejects.toThrow(
      /embedded:fake: onnx\/model\.onnx has SHA-256 a{64}, not b{64}/,
    );
  });
});
