/**
 * The runner's cost over bare generation (issue 18's goal: within 10%), measured the same way in
 * Node (`batch bench`) and in the worker. Three loops run every task of the definition on the
 * loaded model, in alternating rounds after a warm-up:
 *
 * - bare: the loop anyone would write: per task, step on [start, …prompt, …tokens] through the
 *   engine's KV cache, sampleNext with the task's seeds, stop at EOS or a stop string; nothing
 *   else (no log-probabilities, entropies, matching, canonical cache path).
 * - same steps: the bare loop making exactly the runner's forward passes (CanonicalSteps).
 * - runner: SampleGenerator, as runBatch uses it.
 *
 * Each loop's time is split into the engine's steps (forward passes) and the rest (JavaScript
 * around them), and the best round of each counts: on a shared machine a round is only ever
 * slowed down. `overhead` compares whole rounds; `bookkeepingOverhead` compares the runner with
 * the same forward passes done bare, which isolates what the runner adds per step.
 */
import type { BatchDefinition } from '../core/batch/definition';
import { batchCells, batchTasks } from '../core/batch/tasks';
import { positionSeed, sampleNext } from '../core/distribution';
import { SampleGenerator, type BatchEngine } from './batchRunner';
import { CanonicalSteps } from './batchRunnerSteps';
import type { ModelInfo } from '../protocol/model';

export interface LoopTiming {
  samplesPerSecond: number;
  /** Seconds of the best round: in the engine's steps, and outside them. */
  stepSeconds: number;
  otherSeconds: number;
  /** CPU time of the process in the round (Node; NaN in a browser): less disturbed by other processes than wall time. */
  cpuSeconds: number;
  steps: number;
  /** Tokens the model computed (not taken from the KV cache). */
  computedTokens: number;
}

export interface BatchBenchResult {
  samples: number;
  rounds: number;
  bare: LoopTiming;
  sameSteps: LoopTiming;
  runner: LoopTiming;
  /** runner / bare − 1, whole rounds (best of each); negative when the runner is faster. */
  overhead: number;
  /** runner / same steps − 1: what the runner adds besides its choice of forward passes. */
  bookkeepingOverhead: number;
  /** Samples whose tokens are the same in the bare loop and the runner (their cache paths differ in the last float bits). */
  sameTokens: number;
}

type Loop = 'bare' | 'sameSteps' | 'runner';

/** CPU seconds of the process (all threads) where the platform says (Node); NaN elsewhere. */
function cpuSeconds(): number {
  const usage = (
    globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }
  ).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1e6 : NaN;
}

/** The engine with its steps timed and counted. */
function timed(engine: BatchEngine) {
  const stats = { seconds: 0, steps: 0, computedTokens: 0 };
  const wrapped: BatchEngine = {
    load: engine.load.bind(engine),
    tokenize: engine.tokenize.bind(engine),
    decode: engine.decode.bind(engine),
    startTokenId: engine.startTokenId.bind(engine),
    windowTokens: engine.windowTokens.bind(engine),
    step: async (params, options) => {
      const began = performance.now();
      const result = await engine.step(params, options);
      stats.seconds += (performance.now() - began) / 1000;
      stats.steps++;
      stats.computedTokens += result.computedTokens;
      return result;
    },
  };
  return { wrapped, stats };
}

/** One round of a loop: every task's tokens, the seconds, and the step statistics. */
async function round(loop: Loop, def: BatchDefinition, base: BatchEngine, info: Pick<ModelInfo, 'eosTokenId'>) {
  const { wrapped: engine, stats } = timed(base);
  const cells = batchCells(def);
  const start = engine.startTokenId();
  const prompts = def.prompts.map((p) => engine.tokenize({ text: p.prompt }).ids);
  const steps = new CanonicalSteps(engine, start, engine.windowTokens());
  const generator = new SampleGenerator(def, engine, info);
  const tokens: number[][] = [];
  const began = performance.now();
  const cpuBefore = cpuSeconds();
  for (const task of batchTasks(def)) {
    const settings = cells[task.cellIndex].settings;
    if (loop === 'runner') {
      tokens.push((await generator.generate(task)).tokenIds);
      continue;
    }
    const prompt = prompts[task.promptIndex];
    const generated: number[] = [];
    for (let i = 0; i < def.grid.maxNewTokens; i++) {
      const logits =
        loop === 'bare'
          ? (await engine.step({ ids: [start, ...prompt, ...generated] })).logits
          : i === 0
            ? await steps.first(prompt, def.grid.maxNewTokens)
            : await steps.next(generated);
      const { tokenId } = sampleNext(logits, settings, positionSeed(task.seed, i));
      generated.push(tokenId);
      if (tokenId === info.eosTokenId) break;
      const text = engine.decode(generated);
      if (def.grid.stop.some((stop) => text.includes(stop))) break;
    }
    steps.finish();
    tokens.push(generated);
  }
  const seconds = (performance.now() - began) / 1000;
  const cpu = cpuSeconds() - cpuBefore;
  return {
    seconds,
    tokens,
    timing: {
      samplesPerSecond: tokens.length / seconds,
      stepSeconds: stats.seconds,
      otherSeconds: seconds - stats.seconds,
      cpuSeconds: cpu,
      steps: stats.steps,
      computedTokens: stats.computedTokens,
    },
  };
}

/** Runs `def`'s tasks (the loaded model stands for every model of the definition) `rounds` times with each loop. */
export async function benchBatchRunner(
  def: BatchDefinition,
  engine: BatchEngine,
  info: Pick<ModelInfo, 'eosTokenId'>,
  rounds = 3,
): Promise<BatchBenchResult> {
  await round('bare', def, engine, info); // warm-up: ONNX Runtime's first runs of each shape are slow
  const best: Partial<Record<Loop, Awaited<ReturnType<typeof round>>>> = {};
  for (let r = 0; r < rounds; r++) {
    for (const loop of ['bare', 'runner', 'sameSteps'] as const) {
      const result = await round(loop, def, engine, info);
      if (!best[loop] || result.seconds < best[loop].seconds) best[loop] = result;
    }
  }
  const { bare, runner, sameSteps } = best as Record<Loop, Awaited<ReturnType<typeof round>>>;
  return {
    samples: runner.tokens.length,
    rounds,
    bare: bare.timing,
    sameSteps: sameSteps.timing,
    runner: runner.timing,
    overhead: runner.seconds / bare.seconds - 1,
    bookkeepingOverhead: runner.seconds / sameSteps.seconds - 1,
    sameTokens: runner.tokens.filter((t, i) => t.join() === bare.tokens[i].join()).length,
  };
}
