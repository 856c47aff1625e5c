/**
 * `batch run|merge|table|score|plan` (issue 18): the app's batch runner (engine/batchRunner.ts)
 * on onnxruntime-node, results as canonical JSONL (core/batch/results.ts).
 *
 * `run` appends one line per finished sample with one write each, so a killed run leaves at most
 * one cut-off last line; `--resume` cuts that line off, skips every task already in the file and
 * appends the rest, which ends in the file an uninterrupted run writes. `--shard i/n` runs the
 * tasks k with k mod n = i; `merge` sorts shards' files into the unsharded file, byte for byte.
 * Progress goes to stderr, the summary (JSON) to stdout.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseBatchDefinition, type BatchDefinition, type BatchModel } from '../core/batch/definition';
import { batchCells, batchId, taskCount } from '../core/batch/tasks';
import { bundledBatch, bundledName, bundledScoringSet } from '../core/batch/examples';
import { detectPromptFormat, parsePrompts } from '../core/batch/prompts';
import { batchTable, mergeResults, parseResultFile, resultLine, type SampleResult } from '../core/batch/results';
import { parseScoringSet, type ScoringSet } from '../core/batch/scoring';
import { runBatch, type BatchEngine } from '../engine/batchRunner';
import { type BatchProgress } from '../protocol/batch';
import { benchBatchRunner } from '../engine/batchRunnerBench';
import { scoreTexts } from '../engine/batchRunnerScore';
import { Engine } from '../engine/engine';
import { EngineError, isAbortError } from '../engine/errors';
import type { LoadParams } from '../protocol/model';
import { resolveModelArgument, UsageError } from './args';
import { formatProgress, type BatchArgs } from './batchArgs';
import { createNodeRuntime, EMBEDDED_MODELS_DIR } from '../engine/nodeRuntime';

export { BATCH_COMMANDS, BATCH_USAGE, parseBatchArgs, type BatchArgs, type BatchSubcommand } from './batchArgs';

/** What the batch commands use of an Engine. */
type CliEngine = BatchEngine & Pick<Engine, 'analyze'> & Partial<Pick<Engine, 'unload'>>;

/** Options of runBatchCli beside the command line. */
export interface BatchRunOptions {
  /** The engine to run on (tests pass one that keeps its model loaded); default a new Node engine. */
  engine?: CliEngine;
  /** Stops the run as a signal to the process would. */
  signal?: AbortSignal;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `The ${what} ${path} does not exist.` : `Cannot read ${path}: ${(error as Error).message}`,
    );
  }
}

/** Errors of our own making are usage errors: the user can fix the file. */
function asUsageError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

interface LoadedDefinition {
  def: BatchDefinition;
  /** Folder models' names → paths on this machine. */
  folders: Map<string, string>;
}

/** The definition (file or bundled), with --model replacing its models. Folder models are found beside the file. */
async function readDefinition(reference: string, models: readonly string[]): Promise<LoadedDefinition> {
  const bundled = bundledName(reference);
  const folders = new Map<string, string>();
  let def: BatchDefinition;
  if (bundled !== null) def = asUsageError(() => bundledBatch(bundled));
  else {
    const text = await readText(reference, 'batch definition');
    def = asUsageError(() => parseBatchDefinition(text, reference));
    for (const model of def.models)
      if (model.source.kind === 'folder')
        folders.set(model.source.folderName, resolve(dirname(reference), model.source.folderName));
  }
  if (models.length > 0) {
    const replaced: BatchModel[] = models.map((model) => {
      const source = resolveModelArgument(model, EMBEDDED_MODELS_DIR);
      if (source.kind === 'embedded') return { id: source.id, source: { kind: 'embedded', fileHashes: [] } };
      if (source.kind === 'hub')
        return { id: source.id, source: { kind: 'hub', revision: source.revision ?? 'main', fileHashes: [] } };
      const path = source.kind === 'path' ? source.path : model;
      folders.set(basename(resolve(path)), path);
      return {
        id: basename(resolve(path)),
        source: { kind: 'folder', folderName: basename(resolve(path)), fileHashes: [] },
      };
    });
    def = asUsageError(() => parseBatchDefinition({ ...def, models: replaced }, reference));
  }
  return { def, folders };
}

function loadParamsFor(folders: Map<string, string>) {
  return (model: BatchModel): LoadParams => {
    const { source } = model;
    const dtype = model.dtype ?? 'auto';
    if (source.kind === 'embedded') return { source: { kind: 'embedded', id: model.id }, backend: 'wasm', dtype };
    if (source.kind === 'hub')
      return { source: { kind: 'hub', id: model.id, revision: source.revision }, backend: 'wasm', dtype };
    return {
      source: { kind: 'path', path: folders.get(source.folderName) ?? source.folderName },
      backend: 'wasm',
      dtype,
    };
  };
}

async function withEngine<T>(
  args: BatchArgs,
  options: BatchRunOptions,
  work: (engine: CliEngine) => Promise<T>,
): Promise<T> {
  const engine =
    options.engine ?? new Engine(createNodeRuntime({ allowNetwork: args.allowNetwork, hubUrl: args.hubUrl }));
  try {
    return await work(engine);
  } finally {
    if (!options.engine) await engine.unload?.();
  }
}

export async function runBatchCli(args: BatchArgs, options: BatchRunOptions = {}): Promise<unknown> {
  switch (args.batch) {
    case 'run':
      return runOutput(args, options);
    case 'merge':
      return mergeOutput(args);
    case 'table':
      return tableOutput(args);
    case 'score':
      return scoreOutput(args, options);
    case 'plan':
      return planOutput(args);
    case 'bench':
      return benchOutput(args, options);
  }
}

async function runOutput(args: BatchArgs, options: BatchRunOptions) {
  const { def, folders } = await readDefinition(args.inputs[0], args.models);
  const out = args.out!;
  const id = batchId(def);
  const done = new Set<number>();
  const exists = existsSync(out);
  if (exists && !args.resume)
    throw new UsageError(`${out} already exists: pass --resume to finish that run, or remove the file to start over.`);
  const parsed = asUsageError(() => parseResultFile(exists ? readFileSync(out, 'utf8') : '', out, true));
  for (const r of parsed.results) {
    if (r.batch !== id)
      throw new UsageError(`${out} holds results of another batch definition (batch ${r.batch}, this one is ${id}).`);
    if (args.shard && r.task % args.shard.count !== args.shard.index)
      throw new UsageError(
        `${out} holds task ${r.task}, which is not in shard ${args.shard.index}/${args.shard.count}.`,
      );
    done.add(r.task);
  }
  // A line cut off by a kill: drop it; its task is not done and runs again.
  if (parsed.partialTail !== null) await truncate(out, parsed.completeBytes);
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Job arrays write into a folder per batch: make it on first use.
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const fd = openSync(out, 'a');
  let written = 0;
  let lastPrint = 0;
  const report = (p: BatchProgress) => {
    const now = performance.now();
    const final = p.samplesDone === p.samplesTotal;
    if (args.quiet || (!final && now - lastPrint < 1000)) return;
    lastPrint = now;
    process.stderr.write(`${formatProgress(p)}\n`);
  };
  try {
    const summary = await withEngine(args, options, (engine) =>
      runBatch(
        def,
        { engine, loadParams: loadParamsFor(folders) },
        {
          isDone: (task) => done.has(task.index),
          // One write per line: a kill leaves whole lines and at most one cut-off last line.
          onResult: (result) => {
            writeSync(fd, `${resultLine(result)}\n`);
            written++;
          },
          onProgress: report,
          signal: controller.signal,
          shard: args.shard ?? undefined,
        },
      ),
    );
    return { name: def.name, out, shard: args.shard, droppedPartialLine: parsed.partialTail !== null, ...summary };
  } catch (error) {
    if (controller.signal.aborted && isAbortError(error)) {
      throw new EngineError(
        'cancelled',
        `Stopped after ${written} new samples (${done.size + written} in ${out}): run the same command with --resume to finish.`,
      );
    }
    throw error;
  } finally {
    closeSync(fd);
    // A run that failed before its first result leaves no empty file to trip a rerun without --resume.
    if (!exists && written === 0 && parsed.results.length === 0) rmSync(out, { force: true });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    options.signal?.removeEventListener('abort', stop);
  }
}

/** Every file's results merged (canonical order, each task once); errors name the file and line. */
function readResults(
  paths: readonly string[],
  allowPartialTail: boolean,
): { results: SampleResult[]; partialLines: number } {
  for (const path of paths) if (!existsSync(path)) throw new UsageError(`The results file ${path} does not exist.`);
  let partialLines = 0;
  const groups = paths.map((path) => {
    const parsed = asUsageError(() => parseResultFile(readFileSync(path, 'utf8'), path, allowPartialTail));
    if (parsed.partialTail !== null) partialLines++;
    return { name: path, results: parsed.results };
  });
  return { results: asUsageError(() => mergeResults(groups)), partialLines };
}

async function mergeOutput(args: BatchArgs) {
  const { results } = readResults(args.inputs, false);
  const out = args.out!;
  // Written beside the target and renamed over it: a reader never sees half a merge.
  const temporary = `${out}.${process.pid}.tmp`;
  mkdirSync(dirname(resolve(out)), { recursive: true });
  await writeFile(temporary, results.map((r) => `${resultLine(r)}\n`).join(''));
  await rename(temporary, out);
  return {
    out,
    files: args.inputs.length,
    results: results.length,
    batch: results[0]?.batch ?? null,
    firstTask: results[0]?.task ?? null,
    lastTask: results.at(-1)?.task ?? null,
  };
}

async function tableOutput(args: BatchArgs) {
  // A run still writing may have a cut-off last line: the table leaves it out.
  const { results, partialLines } = readResults(args.inputs, true);
  return {
    batch: results[0]?.batch ?? null,
    samples: results.length,
    ignoredPartialLines: partialLines,
    cells: batchTable(results),
  };
}

async function readScoringSet(reference: string): Promise<ScoringSet> {
  const bundled = bundledName(reference);
  if (bundled !== null) return asUsageError(() => bundledScoringSet(bundled));
  const text = await readText(reference, 'texts file');
  if (/\.json$/i.test(reference)) return asUsageError(() => parseScoringSet(text, reference));
  const prompts = asUsageError(() => parsePrompts(text, detectPromptFormat(text, reference)));
  return { version: 1, name: basename(reference), texts: prompts.map((p) => ({ id: p.id, text: p.prompt })) };
}

async function scoreOutput(args: BatchArgs, options: BatchRunOptions) {
  const set = await readScoringSet(args.inputs[0]);
  const model = args.models[0] ?? args.model;
  const source = resolveModelArgument(model, EMBEDDED_MODELS_DIR);
  const output = await withEngine(args, options, async (engine) => {
    const info = await engine.load({ source, backend: 'wasm', dtype: 'auto' });
    const scored = await scoreTexts(engine, set.texts, {
      onProgress: (done, total) => {
        if (!args.quiet) process.stderr.write(`batch score: ${done}/${total} texts\n`);
      },
    });
    return { name: set.name, model: { label: info.label, key: info.key }, ...scored };
  });
  if (args.out) await writeFile(args.out, `${JSON.stringify(output, null, 2)}\n`);
  return output;
}

async function planOutput(args: BatchArgs) {
  const { def } = await readDefinition(args.inputs[0], args.models);
  const tasks = taskCount(def);
  const perShard = Array.from(
    { length: args.shards },
    (_, i) => Math.floor(tasks / args.shards) + (i < tasks % args.shards ? 1 : 0),
  );
  return {
    batch: batchId(def),
    name: def.name,
    prompts: def.prompts.length,
    models: def.models.map((m) => m.id),
    cells: batchCells(def).map((c) => c.key),
    samplesPerCell: def.samplesPerCell,
    tasks,
    shards: args.shards,
    tasksPerShard: perShard,
  };
}

async function benchOutput(args: BatchArgs, options: BatchRunOptions) {
  const { def, folders } = await readDefinition(args.inputs[0], args.models.slice(0, 1));
  const one = asUsageError(() => parseBatchDefinition({ ...def, models: def.models.slice(0, 1) }));
  return withEngine(args, options, async (engine) => {
    const info = await engine.load(loadParamsFor(folders)(one.models[0]));
    const result = await benchBatchRunner(one, engine, info, args.rounds);
    return { name: def.name, model: info.label, ...result };
  });
}
