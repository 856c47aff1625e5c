/**
 * Parsing of `batch run|merge|table|score|plan` (src/cli/batch.ts runs them), kept apart so it
 * can be tested without a model.
 */
import type { BatchProgress } from '../protocol/batch';
import { integerOption, readCommandOptions, shardOption, UsageError, type CommonOptions } from './args';

export type BatchSubcommand = 'run' | 'merge' | 'table' | 'score' | 'plan' | 'bench';
export const BATCH_COMMANDS: readonly string[] = ['batch'];
const SUBCOMMANDS: readonly BatchSubcommand[] = ['run', 'merge', 'table', 'score', 'plan', 'bench'];

export interface BatchArgs extends CommonOptions {
  command: 'batch';
  batch: BatchSubcommand;
  /** run, plan: the definition (file or bundled:<name>); merge, table: results files; score: the texts. */
  inputs: string[];
  out: string | null;
  shard: { index: number; count: number } | null;
  resume: boolean;
  /** run, plan: models that replace the definition's (each --model); score: the one model. */
  models: string[];
  /** plan: how many shards to size for. */
  shards: number;
  /** bench: timed rounds of each loop. */
  rounds: number;
  quiet: boolean;
}

export const BATCH_USAGE = `Batch commands (prompt sets × models × sampling grids × samples; docs/FEATURES.md "Batch runs"):
  npm run cli -- batch run <batch.json|bundled:tom> --out <results.jsonl> [--shard i/n] [--resume] [--model id ...]
      every task of the definition (or of shard i of n: tasks k with k mod n = i), one JSON line per sample;
      --resume finishes an interrupted run in the same file; --model (repeatable) replaces the definition's
      models; progress on stderr (--quiet: none)
  npm run cli -- batch merge <a.jsonl> <b.jsonl> ... --out <all.jsonl>
      shards' results sorted into the canonical order (equal to an unsharded run, byte for byte)
  npm run cli -- batch table <results.jsonl> [...]
      per cell: samples, accuracy with its 95% Wilson interval, mean entropy, distinct completions
  npm run cli -- batch score <texts.json|.jsonl|.csv|.txt|bundled:scoring> [--model id] [--out scores.json]
      GLTR statistics of every text (rank buckets 10/100/1000, mean surprisal), per text and overall
  npm run cli -- batch plan <batch.json|bundled:tom> [--model id ...] [--shards n]
      the batch id, cells and tasks (per shard with --shards), to size a job array
  npm run cli -- batch bench <batch.json|bundled:tom> [--model id] [--rounds 3]
      samples per second of the runner and of bare generation loops on the first model (forward passes
      and the JavaScript around them timed apart), and the runner's overhead`;

export function parseBatchArgs(argv: readonly string[]): BatchArgs {
  const [command, sub, ...rest] = argv;
  if (!BATCH_COMMANDS.includes(command)) throw new UsageError(`Unknown command "${command}".`);
  if (!SUBCOMMANDS.includes(sub as BatchSubcommand)) {
    throw new UsageError(
      sub === undefined
        ? `batch needs a subcommand: ${SUBCOMMANDS.join(', ')}.`
        : `Unknown batch subcommand "${sub}" (expected ${SUBCOMMANDS.join(', ')}).`,
    );
  }
  const args: BatchArgs = {
    command: 'batch',
    batch: sub as BatchSubcommand,
    inputs: [],
    out: null,
    shard: null,
    resume: false,
    models: [],
    shards: 1,
    rounds: 3,
    quiet: false,
    model: 'sotu-gpt',
    allowNetwork: false,
    hubUrl: undefined,
    pretty: false,
  };
  const only = (flag: string, ...which: BatchSubcommand[]) => {
    if (!which.includes(args.batch)) throw new UsageError(`${flag} is only for batch ${which.join(' and batch ')}.`);
  };
  args.inputs = readCommandOptions(`batch ${sub}`, rest, args, (flag, value) => {
    switch (flag) {
      case '--out':
        only(flag, 'run', 'merge', 'score');
        args.out = value();
        return true;
      case '--shard':
        only(flag, 'run');
        args.shard = shardOption(value());
        return true;
      case '--resume':
        only(flag, 'run');
        args.resume = true;
        return true;
      case '--quiet':
        only(flag, 'run', 'score');
        args.quiet = true;
        return true;
      case '--model':
        only(flag, 'run', 'plan', 'score', 'bench');
        args.models.push(value());
        return true;
      case '--rounds':
        only(flag, 'bench');
        args.rounds = integerOption(flag, value(), 1, 20);
        return true;
      case '--shards':
        only(flag, 'plan');
        args.shards = integerOption(flag, value(), 1, 1_000_000);
        return true;
      default:
        return false;
    }
  });
  const one = args.batch !== 'merge' && args.batch !== 'table';
  if (args.inputs.length === 0)
    throw new UsageError(`batch ${sub} needs ${one ? 'a file (or bundled:<name>)' : 'one or more results files'}.`);
  if (one && args.inputs.length > 1) throw new UsageError(`Unexpected argument "${args.inputs[1]}".`);
  if ((args.batch === 'run' || args.batch === 'merge') && !args.out)
    throw new UsageError(`batch ${sub} needs --out <file.jsonl>.`);
  if (args.batch === 'score' && args.models.length > 1) throw new UsageError('batch score takes one --model.');
  return args;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** One progress line for stderr. */
export function formatProgress(p: BatchProgress): string {
  const parts = [`batch: ${p.samplesDone}/${p.samplesTotal} samples`, `${p.cellsDone}/${p.cellsTotal} cells`];
  if (p.tokensPerSecond !== null) parts.push(`${p.tokensPerSecond.toFixed(1)} tokens/s`);
  if (p.secondsLeft !== null && p.samplesDone < p.samplesTotal) parts.push(`~${duration(p.secondsLeft)} left`);
  if (p.modelKey) parts.push(p.loading ? `loading ${p.modelKey}` : p.modelKey);
  return parts.join(' · ');
}
