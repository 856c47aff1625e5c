/** Command-line parsing for `npm run cli`, kept apart from running so it can be tested. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS, limitSentence } from '../core/limits';
import {
  assertTemperature,
  DEFAULT_SAMPLING_SETTINGS,
  type NextTokenMode,
  type SamplingSettings,
} from '../core/distribution';
import type { ModelSource } from '../protocol/model';
import { isHubModelId } from '../protocol/modelSources';

export type CliCommand = 'tokenize' | 'score' | 'next' | 'export';

export interface CliArgs {
  command: CliCommand;
  /** Text file to read, or `-` for standard input (export: the first experiments file). */
  input: string;
  /** export: every experiments file given. */
  inputs: string[];
  model: string;
  /** Whether --model was given (export re-runs on each record's own model otherwise). */
  modelGiven: boolean;
  /** score: alternatives per position. (next reads --top-k into `sampling.topK`.) */
  topK: number;
  strideTokens: number | undefined;
  allowNetwork: boolean;
  hubUrl: string | undefined;
  addSpecialTokens: boolean;
  pretty: boolean;
  /** next: the sampling pipeline's settings. */
  sampling: SamplingSettings;
  /** next: the seed of the one draw, an integer in [0, 2^32). */
  seed: number;
  /** next: how many of the most probable tokens to print. */
  top: number;
  /** next: sample from the pipeline, or take the argmax. */
  mode: NextTokenMode;
  /** tokenize: a tokenizer-lab tokenizer (name or path) instead of a model's (src/cli/tokenizers.ts). */
  tokenizer: string | undefined;
}

export class UsageError extends Error {}

/** The input limits the app's views and these commands share (core/limits), as the README's table states them. */
export function limitsHelp(): string {
  const rows = Object.values(LIMITS).map((limit) => `  ${limit.where}: ${limitSentence(limit)}`);
  return [
    'Limits (the same in the app):',
    ...rows,
    '  score, tokenize, next: no limit (texts past the context run in sliding windows)',
  ].join('\n');
}

export const USAGE = `Usage: npm run cli -- <command> <file|-> [options]

Commands:
  tokenize   token ids and byte-exact token strings of the text
  score      per position: the actual next token's probability and rank, entropy, top-k
  next       the next-token distribution after the text through the sampling pipeline,
             and the sampled token (an empty text predicts from the start token)
  export     re-run experiment JSON files (exported from the app) and say whether the numbers
             reproduce: npm run cli -- export a.json [b.json …] [--model <id|folder>]
             (exit status 1 when one does not)

Options:
  --model <id|folder>   embedded model id (default sotu-gpt), a model folder, or a Hub id
                        (export: default each record's own model)
  --top-k <n>           score: alternatives per position (default 5);
                        next: keep the n most probable tokens (default 0 = off)
  --stride <n>          score: sliding-window step past the context length (default half the context)
  --special             add the tokenizer's special tokens (BOS/EOS) when tokenizing
  --tokenizer <name|path>  tokenize: a tokenizer of the tokenizer lab instead of the model's (no model loaded)
  --allow-network       allow downloading a Hub model id
  --hub-url <url>       Hub-style host to download from (implies --allow-network for it)
  --pretty              indent the JSON output

Options of next:
  --temperature <t>     softmax temperature, > 0 (default 1)
  --top-p <p>           nucleus mass in [0, 1] (default 1 = off)
  --min-p <p>           keep tokens with probability >= p × the top one, p in [0, 1] (default 0 = off)
  --seed <n>            seed of the draw, an integer in [0, 2^32) (default 0)
  --top <n>             rows of the distribution to print (default 10)
  --greedy              take the most probable token instead of sampling

${limitsHelp()}`;

const COMMANDS: readonly CliCommand[] = ['tokenize', 'score', 'next', 'export'];
const NEXT_ONLY_OPTIONS = ['--temperature', '--top-p', '--min-p', '--seed', '--top', '--greedy'];
const MAX_SEED = 0xffffffff;

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got "${value ?? ''}".`);
  return n;
}

/** A finite number, or NaN for anything else (an empty string included). */
function numberOrNaN(value: string): number {
  return value.trim() === '' ? NaN : Number(value);
}

function temperatureValue(value: string): number {
  const t = numberOrNaN(value);
  try {
    assertTemperature(t); // the pipeline's own rule, so the CLI accepts exactly what it accepts
  } catch {
    throw new UsageError(
      `--temperature must be a number > 0, got "${value}" (for the most probable token use --greedy).`,
    );
  }
  return t;
}

function unitIntervalValue(flag: string, value: string, off: string): number {
  const p = numberOrNaN(value);
  if (!(p >= 0 && p <= 1)) throw new UsageError(`${flag} must be a number in [0, 1] (${off}), got "${value}".`);
  return p;
}

function countValue(flag: string, value: string): number {
  const n = numberOrNaN(value);
  if (!(Number.isInteger(n) && n >= 0))
    throw new UsageError(`${flag} must be an integer >= 0 (0 = off), got "${value}".`);
  return n;
}

function seedValue(value: string): number {
  const n = numberOrNaN(value);
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_SEED))
    throw new UsageError(`--seed must be an integer in [0, ${MAX_SEED}], got "${value}".`);
  return n;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const positional: string[] = [];
  const used = new Set<string>();
  let topKValue: string | undefined;
  const args: Omit<CliArgs, 'command' | 'input' | 'inputs' | 'modelGiven'> = {
    model: 'sotu-gpt',
    topK: 5,
    strideTokens: undefined,
    allowNetwork: false,
    hubUrl: undefined,
    addSpecialTokens: false,
    pretty: false,
    sampling: { ...DEFAULT_SAMPLING_SETTINGS },
    seed: 0,
    top: 10,
    mode: 'sample',
    tokenizer: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value.`);
      return next;
    };
    if (arg.startsWith('--')) used.add(arg);
    switch (arg) {
      case '--model':
        args.model = value();
        break;
      case '--top-k':
        topKValue = value();
        break;
      case '--stride':
        args.strideTokens = positiveInt(arg, value());
        break;
      case '--allow-network':
        args.allowNetwork = true;
        break;
      case '--hub-url':
        args.hubUrl = value();
        break;
      case '--special':
        args.addSpecialTokens = true;
        break;
      case '--pretty':
        args.pretty = true;
        break;
      case '--temperature':
        args.sampling.temperature = temperatureValue(value());
        break;
      case '--top-p':
        args.sampling.topP = unitIntervalValue(arg, value(), '1 = off');
        break;
      case '--min-p':
        args.sampling.minP = unitIntervalValue(arg, value(), '0 = off');
        break;
      case '--seed':
        args.seed = seedValue(value());
        break;
      case '--top':
        args.top = positiveInt(arg, value());
        break;
      case '--greedy':
        args.mode = 'greedy';
        break;
      case '--tokenizer':
        args.tokenizer = value();
        break;
      default:
        if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}.`);
        positional.push(arg);
    }
  }
  const [command, input, ...extra] = positional;
  if (!command) throw new UsageError('Missing command.');
  if (!COMMANDS.includes(command as CliCommand))
    throw new UsageError(`Unknown command "${command}" (expected ${COMMANDS.join(', ')}).`);
  if (!input)
    throw new UsageError(
      command === 'export'
        ? 'export needs one or more experiment JSON files.'
        : `${command} needs a text file (or - for standard input).`,
    );
  if (extra.length > 0 && command !== 'export') throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
  if (used.has('--tokenizer')) {
    if (command !== 'tokenize')
      throw new UsageError('--tokenizer is only for tokenize (compare-tokenizers takes --tokenizers a,b,c).');
    if (used.has('--model') || used.has('--special'))
      throw new UsageError('--tokenizer tokenizes without a model: leave out --model and --special.');
  }
  if (command === 'next') {
    if (used.has('--stride'))
      throw new UsageError('--stride is only for score (next sees the last context-length tokens).');
    if (topKValue !== undefined) args.sampling.topK = countValue('--top-k', topKValue);
  } else {
    const misplaced = NEXT_ONLY_OPTIONS.find((flag) => used.has(flag));
    if (misplaced) throw new UsageError(`${misplaced} is only for next.`);
    if (topKValue !== undefined) args.topK = positiveInt('--top-k', topKValue);
  }
  return { command: command as CliCommand, input, inputs: [input, ...extra], modelGiven: used.has('--model'), ...args };
}

/**
 * `--model` names a folder when one exists at that path, an embedded model when
 * `public/models/<id>` exists, and otherwise a Hub id.
 */
export function resolveModelArgument(model: string, embeddedDir: string): ModelSource {
  if (existsSync(model) && statSync(model).isDirectory()) return { kind: 'path', path: model };
  if (!model.includes('/') && existsSync(join(embeddedDir, model))) return { kind: 'embedded', id: model };
  if (isHubModelId(model)) {
    if (!model.includes('/'))
      throw new UsageError(`"${model}" is neither a folder nor an embedded model (see public/models/).`);
    return { kind: 'hub', id: model };
  }
  throw new UsageError(`"${model}" is neither a folder, an embedded model, nor a Hub model id.`);
}

/** An integer option in [min, max], or a usage error that names the flag. */
export function integerOption(flag: string, value: string, min: number, max: number): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!(Number.isInteger(n) && n >= min && n <= max))
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}".`);
  return n;
}

/** Options every model-running command shares. */
export interface CommonOptions {
  model: string;
  allowNetwork: boolean;
  hubUrl: string | undefined;
  pretty: boolean;
}

/**
 * The option loop of the per-view commands (bigram, key space, tokenizers): `own` sees each
 * flag first and returns true when it took it (calling `value()` for its argument); then the
 * common options; any other flag is an error. Returns the positional arguments.
 */
export function readCommandOptions(
  command: string,
  rest: readonly string[],
  common: CommonOptions,
  own: (flag: string, value: () => string) => boolean,
): string[] {
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value.`);
      return next;
    };
    if (own(arg, value)) continue;
    switch (arg) {
      case '--model':
        common.model = value();
        break;
      case '--allow-network':
        common.allowNetwork = true;
        break;
      case '--hub-url':
        common.hubUrl = value();
        break;
      case '--pretty':
        common.pretty = true;
        break;
      default:
        if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg} for ${command}.`);
        positional.push(arg);
    }
  }
  return positional;
}

/** A usage error unless the flag belongs to the command given. */
export function onlyFor(command: string, which: string, flag: string): void {
  if (command !== which) throw new UsageError(`${flag} is only for ${which}.`);
}

/** `--shard i/n` with 0 ≤ i < n: this run takes the tasks or lines k with k mod n = i. */
export function shardOption(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(count >= 1 && index >= 0 && index < count && count <= 1_000_000)) {
    throw new UsageError(`--shard must be i/n with 0 ≤ i < n (e.g. 0/4), got "${value}".`);
  }
  return { index, count };
}
