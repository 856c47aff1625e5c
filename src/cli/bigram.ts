/**
 * The bigram commands: `bigram` (per position, full context vs the current token alone: KL,
 * JS, top-1 agreement, ranks; the summary; optionally the corpus reference) and `lens`
 * (per-layer statistics at a position and over the text, JSON). They run the worker's
 * BigramAnalyzer on the Node engine, so the numbers are the app's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine';
import { REPO_ROOT } from '../engine/nodeRuntime';
import { integerOption, onlyFor, readCommandOptions, UsageError } from './args';

export type BigramCommand = 'bigram' | 'lens';
export const BIGRAM_COMMANDS: readonly string[] = ['bigram', 'lens'];

export interface BigramArgs {
  command: BigramCommand;
  /** Text file or `-`. */
  input: string;
  /** bigram: the corpus reference: `train` (the embedded model's training split) or a text file. */
  corpus: string | null;
  /** lens: the position (default the last); negative counts from the end. */
  position: number | null;
  maxPositions: number;
  lensPositions: number;
  model: string;
  allowNetwork: boolean;
  hubUrl: string | undefined;
  pretty: boolean;
}

export const BIGRAM_USAGE = `Bigram commands:
  npm run cli -- bigram <file|-> [--corpus train|<file>] [--model id] [--pretty]
      per position: the full-context prediction vs the model's prediction from the current token alone
      ([start, token]): KL and JS (nats), bigramness, top-1 agreement, ranks of the next token; the summary;
      with --corpus, cross-entropy and Pearson r against the corpus bigram for the model and each approximation
  npm run cli -- lens <file|-> [--position n] [--max-positions 512] [--lens-positions 128] [--model id] [--pretty]
      per layer: logit-lens top tokens and KL to final at the position; mean KL, r of surprisals,
      recall@1/5/10 of the current token, cosine curves; the covariance similarity (plain, standardised)`;

export function parseBigramArgs(argv: readonly string[]): BigramArgs {
  const [command, ...rest] = argv;
  if (!BIGRAM_COMMANDS.includes(command)) throw new UsageError(`Unknown command "${command}".`);
  const args: BigramArgs = {
    command: command as BigramCommand,
    input: '',
    corpus: null,
    position: null,
    maxPositions: 512,
    lensPositions: 128,
    model: 'sotu-gpt',
    allowNetwork: false,
    hubUrl: undefined,
    pretty: false,
  };
  const only = (flag: string, which: BigramCommand) => onlyFor(args.command, which, flag);
  const positional = readCommandOptions(args.command, rest, args, (arg, value) => {
    switch (arg) {
      case '--corpus':
        only(arg, 'bigram');
        args.corpus = value();
        return true;
      case '--position':
        only(arg, 'lens');
        args.position = integerOption(arg, value(), -1_000_000, 1_000_000);
        return true;
      case '--max-positions':
        only(arg, 'lens');
        args.maxPositions = integerOption(arg, value(), 2, 4096);
        return true;
      case '--lens-positions':
        only(arg, 'lens');
        args.lensPositions = integerOption(arg, value(), 1, 4096);
        return true;
      default:
        return false;
    }
  });
  if (positional.length > 1) throw new UsageError(`Unexpected argument "${positional[1]}".`);
  args.input = positional[0] ?? '';
  if (!args.input) throw new UsageError(`${args.command} needs a text file (or - for standard input).`);
  return args;
}

async function setCorpus(engine: Engine, corpus: string, model: string): Promise<void> {
  const analyzer = engine.bigramAnalyzer();
  if (corpus === 'train') {
    const index = JSON.parse(await readFile(join(REPO_ROOT, 'public', 'bigram', 'index.json'), 'utf8')) as Record<
      string,
      { file: string }
    >;
    const entry = index[model];
    if (!entry)
      throw new UsageError(
        `--corpus train needs an embedded model with a training split (${Object.keys(index).join(', ')}); give a text file instead.`,
      );
    const bytes = new Uint8Array(await readFile(join(REPO_ROOT, 'public', 'bigram', entry.file)));
    analyzer.setCorpus({ kind: 'file', label: `${model} training split`, bytes });
    return;
  }
  const text = await readFile(corpus, 'utf8').catch(() => {
    throw new UsageError(`The corpus file ${corpus} cannot be read.`);
  });
  analyzer.setCorpus({ kind: 'text', label: corpus, text });
}

export async function bigramOutput(engine: Engine, ids: readonly number[], args: BigramArgs) {
  const analyzer = engine.bigramAnalyzer();
  const view = (id: number | null) => (id === null ? null : engine.tokenViews([id])[0].text);
  const result = await analyzer.analyze(ids);
  const positions = result.rows.map((r) => ({
    position: r.position,
    token: view(r.tokenId),
    next: view(r.nextTokenId),
    klNats: r.klNats,
    jsNats: r.jsNats,
    bigramness: r.bigramness,
    top1Agrees: r.top1Agrees,
    top1Full: view(r.top1Full),
    top1Bigram: view(r.top1Bigram),
    nextRankFull: r.nextRankFull,
    nextRankBigram: r.nextRankBigram,
  }));
  const corpus =
    args.corpus === null
      ? null
      : (await setCorpus(engine, args.corpus, args.model), await analyzer.compareWithCorpus({ ids: [...ids] }));
  return {
    tokenCount: ids.length,
    summary: result.summary,
    internals: result.internals,
    elapsedMs: Math.round(result.elapsedMs),
    positions,
    corpus,
  };
}

export async function lensOutput(engine: Engine, ids: readonly number[], args: BigramArgs) {
  const position =
    args.position === null ? ids.length - 1 : args.position < 0 ? ids.length + args.position : args.position;
  const lens = await engine
    .bigramAnalyzer()
    .lens({ ids: [...ids], position, maxPositions: args.maxPositions, lensPositions: args.lensPositions });
  const view = (id: number) => engine.tokenViews([id])[0].text;
  return {
    ...lens,
    elapsedMs: Math.round(lens.elapsedMs),
    selected: {
      ...lens.selected,
      token: view(lens.selected.tokenId),
      layers: lens.selected.layers.map((l) => ({ ...l, top: l.top.map((t) => ({ ...t, token: view(t.id) })) })),
    },
  };
}
