/**
 * Batch run figures (issue 18): the bundled false-belief set (20 prompts × temperatures 0.01,
 * 0.5, 1, 2 × 3 samples = 240 samples of up to 3 tokens) on sotu-gpt, in the built app's worker
 * (the `batchRun` request: runner, its own engine, each result written to IndexedDB) and in Node
 * (runBatch on a Node engine, as `batch run` does); and the runner's overhead over bare
 * generation (engine/batchRunnerBench.ts): the same tasks drawn by a plain loop of engine.step +
 * sampleNext, and by that loop making the runner's own forward passes.
 */
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createNodeRuntime } from '../../src/engine/nodeRuntime';
import { parseBatchDefinition, type BatchDefinition } from '../../src/core/batch/definition';
import { batchTasks } from '../../src/core/batch/tasks';
import { runBatch, type BatchEngine } from '../../src/engine/batchRunner';
import { benchBatchRunner, type BatchBenchResult, type LoopTiming } from '../../src/engine/batchRunnerBench';
import { Engine } from '../../src/engine/engine';
import type { ModelInfo } from '../../src/protocol/model';
import { median, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { newReturningContext } from '../lib/returningVisitor';
import { openApp } from './openApp';

const RUNS = 3;
const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The bundled set with its model replaced by the bench's (JSON read directly, as the e2e test does). */
export function benchDefinition(modelId: string): BatchDefinition {
  const tom = JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'core', 'batch', 'examples', 'tom.json'), 'utf8'));
  return parseBatchDefinition({ ...tom, models: [{ id: modelId, source: { kind: 'embedded' } }] });
}

function figures(backend: string, label: string, samples: number, ms: number[], tokens: number[]): Figure[] {
  return [
    {
      name: `${label}: time per sample (${samples} samples)`,
      backend,
      unit: 'ms',
      median: median(ms.map((m) => m / samples)),
      runs: ms.map((m) => m / samples),
    },
    {
      name: `${label}: generated tokens per second`,
      backend,
      unit: 'tokens/s',
      median: median(ms.map((m, i) => tokens[i] / (m / 1000))),
      runs: ms.map((m, i) => tokens[i] / (m / 1000)),
    },
  ];
}

export async function runBatchBrowserBench(appUrl: string, chromiumPath: string, modelId: string): Promise<Figure[]> {
  const def = benchDefinition(modelId);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const ms: number[] = [];
  const tokens: number[] = [];
  let backend = 'Chromium';
  try {
    const page = await (await newReturningContext(browser)).newPage();
    await openApp(page, `${appUrl}?testApi=1&backend=wasm`);
    const model = await page.evaluate(() => window.__tokenscope!.state().model!);
    backend = `Chromium ${model.backend.toUpperCase()} (${model.threads} threads), worker + IndexedDB`;
    for (let run = 0; run < RUNS; run++) {
      // A new batch id each run: nothing is skipped as already stored.
      const summary = await page.evaluate(
        ([definition, id]) => window.__tokenscope!.call('batchRun', { batchId: id, definition, backend: 'wasm' }),
        [def, `bench-${Date.now()}-${run}`] as const,
      );
      if (summary.ran !== summary.tasks) throw new Error(`the bench batch skipped ${summary.skipped} tasks`);
      ms.push(summary.elapsedMs - summary.models.reduce((sum, m) => sum + m.loadMs, 0));
      tokens.push(summary.tokens);
    }
    await page.context().close();
  } finally {
    await browser.close();
  }
  return figures(backend, `batch run, ToM set on ${modelId} (model load excluded)`, batchTasks(def).length, ms, tokens);
}

export async function runBatchNodeBench(modelId: string): Promise<Figure[]> {
  const def = benchDefinition(modelId);
  const engine = new Engine(createNodeRuntime());
  const info: ModelInfo = await engine.load({
    source: { kind: 'embedded', id: modelId },
    backend: 'wasm',
    dtype: 'auto',
  });
  // The loaded engine as the runner's (its load returns at once): the figures leave the model load out.
  const kept: BatchEngine = {
    load: async () => info,
    tokenize: (p) => engine.tokenize(p),
    decode: (ids) => engine.decode(ids),
    step: (p, o) => engine.step(p, o),
    startTokenId: () => engine.startTokenId(),
    windowTokens: () => engine.windowTokens(),
  };
  const deps = {
    engine: kept,
    loadParams: () => ({
      source: { kind: 'embedded' as const, id: modelId },
      backend: 'wasm' as const,
      dtype: 'auto' as const,
    }),
  };
  const ms: number[] = [];
  const tokens: number[] = [];
  let loops: BatchBenchResult;
  try {
    for (let run = 0; run < RUNS + 1; run++) {
      const summary = await runBatch(def, deps);
      if (run > 0) {
        ms.push(summary.elapsedMs);
        tokens.push(summary.tokens);
      }
    }
    // The runner against a bare step + sampleNext loop over the same tasks (engine/batchRunnerBench.ts: best of 3 rounds each).
    loops = await benchBatchRunner(def, kept, info, RUNS);
  } finally {
    await engine.unload();
  }
  const backend = 'Node CLI (onnxruntime-node)';
  const samples = batchTasks(def).length;
  const perSample = (t: LoopTiming) => [1000 / t.samplesPerSecond];
  console.log(
    `  Node: runner ${loops.runner.samplesPerSecond.toFixed(1)} samples/s, bare ${loops.bare.samplesPerSecond.toFixed(1)}, same steps ${loops.sameSteps.samplesPerSecond.toFixed(1)}; ` +
      `overhead ${(loops.overhead * 100).toFixed(1)}% (bookkeeping ${(loops.bookkeepingOverhead * 100).toFixed(1)}%), same tokens ${loops.sameTokens}/${loops.samples}`,
  );
  return [
    ...figures(backend, `batch run, ToM set on ${modelId} (runBatch, model load excluded)`, samples, ms, tokens),
    {
      name: 'ToM set, bare step + sampleNext loop: time per sample (best round)',
      backend,
      unit: 'ms',
      median: perSample(loops.bare)[0],
      runs: perSample(loops.bare),
    },
    {
      name: "ToM set, the runner's forward passes done bare: time per sample (best round)",
      backend,
      unit: 'ms',
      median: perSample(loops.sameSteps)[0],
      runs: perSample(loops.sameSteps),
    },
    {
      name: 'ToM set, the runner (SampleGenerator): time per sample (best round)',
      backend,
      unit: 'ms',
      median: perSample(loops.runner)[0],
      runs: perSample(loops.runner),
    },
    {
      name: 'batch runner time over bare generation',
      backend,
      unit: 'x',
      median: loops.overhead + 1,
      runs: [loops.overhead + 1],
    },
    {
      name: 'batch runner time over the same forward passes done bare',
      backend,
      unit: 'x',
      median: loops.bookkeepingOverhead + 1,
      runs: [loops.bookkeepingOverhead + 1],
    },
  ];
}
