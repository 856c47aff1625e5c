/** Command-line parsing for `npm run cli`, kept apart from running so it can be tested. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSource } from '../engine/types';
import { isHubModelId } from '../engine/sources';

export type CliCommand = 'tokenize' | 'score';

export interface CliArgs {
  command: CliCommand;
  /** Text file to read, or `-` for standard input. */
  input: string;
  model: string;
  topK: number;
  strideTokens: number | undefined;
  allowNetwork: boolean;
  hubUrl: string | undefined;
  addSpecialTokens: boolean;
  pretty: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm run cli -- <command> <file|-> [options]

Commands:
  tokenize   token ids and byte-exact token strings of the text
  score      per position: the actual next token's probability and rank, entropy, top-k

Options:
  --model <id|folder>   embedded model id (default sotu-gpt), a model folder, or a Hub id
  --top-k <n>           alternatives per position for score (default 5)
  --stride <n>          sliding-window step past the context length (default half the context)
  --special             add the tokenizer's special tokens (BOS/EOS) when tokenizing
  --allow-network       allow downloading a Hub model id
  --hub-url <url>       Hub-style host to download from (implies --allow-network for it)
  --pretty              indent the JSON output`;

const COMMANDS: readonly CliCommand[] = ['tokenize', 'score'];

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got "${value ?? ''}".`);
  return n;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const positional: string[] = [];
  const args: Omit<CliArgs, 'command' | 'input'> = {
    model: 'sotu-gpt', topK: 5, strideTokens: undefined, allowNetwork: false, hubUrl: undefined, addSpecialTokens: false, pretty: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value.`);
      return next;
    };
    switch (arg) {
      case '--model': args.model = value(); break;
      case '--top-k': args.topK = positiveInt(arg, value()); break;
      case '--stride': args.strideTokens = positiveInt(arg, value()); break;
      case '--allow-network': args.allowNetwork = true; break;
      case '--hub-url': args.hubUrl = value(); break;
      case '--special': args.addSpecialTokens = true; break;
      case '--pretty': args.pretty = true; break;
      default:
        if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}.`);
        positional.push(arg);
    }
  }
  const [command, input, ...extra] = positional;
  if (!command) throw new UsageError('Missing command.');
  if (!COMMANDS.includes(command as CliCommand)) throw new UsageError(`Unknown command "${command}" (expected ${COMMANDS.join(' or ')}).`);
  if (!input) throw new UsageError(`${command} needs a text file (or - for standard input).`);
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
  return { command: command as CliCommand, input, ...args };
}

/**
 * `--model` names a folder when one exists at that path, an embedded model when
 * `public/models/<id>` exists, and otherwise a Hub id.
 */
export function resolveModelArgument(model: string, embeddedDir: string): ModelSource {
  if (existsSync(model) && statSync(model).isDirectory()) return { kind: 'path', path: model };
  if (!model.includes('/') && existsSync(join(embeddedDir, model))) return { kind: 'embedded', id: model };
  if (isHubModelId(model)) {
    if (!model.includes('/')) throw new UsageError(`"${model}" is neither a folder nor an embedded model (see public/models/).`);
    return { kind: 'hub', id: model };
  }
  throw new UsageError(`"${model}" is neither a folder, an embedded model, nor a Hub model id.`);
}
