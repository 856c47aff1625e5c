/** `ngram …` on the command line: its subcommands, options and help (the commands are in ngram.ts). */
import { INFINI_GRAM_INDEXES } from '../core/ngram/infiniGramApi';
import { integerOption, readCommandOptions, shardOption, UsageError } from './args';

export type NgramSubcommand = 'build' | 'count' | 'ntd' | 'infgram' | 'score';
export const NGRAM_COMMANDS: readonly string[] = ['ngram'];
const SUBCOMMANDS: readonly NgramSubcommand[] = ['build', 'count', 'ntd', 'infgram', 'score'];

export interface NgramArgs {
  command: 'ngram';
  ngram: NgramSubcommand;
  /** count, ntd, infgram: the text (literal), or `-` for standard input. build: the text files. */
  inputs: string[];
  /** build: index the model's training split. */
  trainingSplit: boolean;
  /** build: the index file written; score: the JSONL file written. */
  out: string | null;
  /** count, ntd, infgram, score: the index file (`ngram build --out`). */
  index: string | null;
  /** ntd, infgram: rows of the distribution printed. */
  top: number;
  /** infgram: the next token (as text) whose P∞ is asked. */
  next: string | null;
  /** score: the JSONL input. */
  in: string | null;
  shard: { index: number; count: number };
  withModel: boolean;
  /** score: the infini-gram API endpoint, its index name, the tokenizer, parallel requests. */
  api: string | null;
  apiIndex: string | null;
  apiTokenizer: string | null;
  apiConcurrency: number;
  model: string;
  modelGiven: boolean;
  allowNetwork: boolean;
  hubUrl: string | undefined;
  pretty: boolean;
}

export const NGRAM_USAGE = `∞-gram commands (the corpus view's index; texts are tokenized with the model's tokenizer):
  npm run cli -- ngram build [--model id] (--training-split | <file> ...) --out <index>
      index the embedded model's training split, or text files (each file one document); writes the
      index to <index> and its description (model, tokenizer, documents) to <index>.json
  npm run cli -- ngram count --index <index> [--model id] <text|->
      occurrences of the text's tokens as one n-gram (the empty text: the corpus's token count)
  npm run cli -- ngram ntd --index <index> [--model id] [--top 10] <context|->
      next-token distribution after the context (exact counts), tokens shown as text
  npm run cli -- ngram infgram --index <index> [--model id] [--top 10] [--next <token text>] <context|->
      ∞-gram: the longest suffix of the context found in the corpus, effective n, its count, sparse,
      the top next tokens, and P∞ of --next (one token of the model, e.g. " the")
  npm run cli -- ngram score --index <index> [--model id] --in <in.jsonl> --out <out.jsonl> [--shard i/n] [--with-model]
      per line {"id": ..., "text": ...}: one output line (id, line, tokens, per token suffixLength, effectiveN,
      P∞, sparse; a summary: agreement P∞ > 0.5, argmax agreement, mean and median effective n); --with-model
      adds the model's probability of each token and its perplexity. --shard i/n: only input lines k
      (0-based, blank lines counted and skipped) with k mod n = i; the shards' outputs merged and sorted by
      "line" equal the unsharded output byte for byte. Timings go to the summary on stdout, not the JSONL
  npm run cli -- ngram score --api <url> --api-index <name> [--api-tokenizer name|path] [--api-concurrency 4] --in ... --out ...
      the infini-gram API (e.g. https://api.infini-gram.io/, index v4_piletrain_llama) instead of a local index:
      two queries per token (infgram_prob, infgram_ntd). The API's indexes hold ids of their own tokenizer (Llama 2
      for most), not the model's: texts are tokenized with it (public/tokenizers/<llama-2|gpt2> as the index name
      says, checked on the API documentation's Llama 2 example; others need --api-tokenizer), so tokenIds and the
      per-token arrays are in that tokenizer's tokens; --with-model adds the model's own tokens and probabilities.
      Contexts past 499 tokens are cut; argmax and sparse come from the API's sampled distribution when a suffix
      occurs over 1,000 times (approximatePositions says how often)`;

export function parseNgramArgs(argv: readonly string[]): NgramArgs {
  const [command, sub, ...rest] = argv;
  if (!NGRAM_COMMANDS.includes(command)) throw new UsageError(`Unknown command "${command}".`);
  if (!SUBCOMMANDS.includes(sub as NgramSubcommand)) {
    throw new UsageError(
      sub === undefined
        ? `ngram needs a subcommand: ${SUBCOMMANDS.join(', ')}.`
        : `Unknown ngram subcommand "${sub}" (expected ${SUBCOMMANDS.join(', ')}).`,
    );
  }
  const args: NgramArgs = {
    command: 'ngram',
    ngram: sub as NgramSubcommand,
    inputs: [],
    trainingSplit: false,
    out: null,
    index: null,
    top: 10,
    next: null,
    in: null,
    shard: { index: 0, count: 1 },
    withModel: false,
    api: null,
    apiIndex: null,
    apiTokenizer: null,
    apiConcurrency: 4,
    model: 'sotu-gpt',
    modelGiven: false,
    allowNetwork: false,
    hubUrl: undefined,
    pretty: false,
  };
  const name = `ngram ${args.ngram}`;
  const only = (flag: string, ...which: NgramSubcommand[]) => {
    if (!which.includes(args.ngram)) throw new UsageError(`${flag} is only for ngram ${which.join(' and ngram ')}.`);
  };
  const positional = readCommandOptions(name, rest, args, (arg, value) => {
    switch (arg) {
      case '--training-split':
        only(arg, 'build');
        args.trainingSplit = true;
        return true;
      case '--out':
        only(arg, 'build', 'score');
        args.out = value();
        return true;
      case '--index':
        only(arg, 'count', 'ntd', 'infgram', 'score');
        args.index = value();
        return true;
      case '--top':
        only(arg, 'ntd', 'infgram');
        args.top = integerOption(arg, value(), 1, 100_000);
        return true;
      case '--next':
        only(arg, 'infgram');
        args.next = value();
        return true;
      case '--in':
        only(arg, 'score');
        args.in = value();
        return true;
      case '--shard':
        only(arg, 'score');
        args.shard = shardOption(value());
        return true;
      case '--with-model':
        only(arg, 'score');
        args.withModel = true;
        return true;
      case '--api':
        only(arg, 'score');
        args.api = value();
        return true;
      case '--api-index':
        only(arg, 'score');
        args.apiIndex = value();
        return true;
      case '--api-tokenizer':
        only(arg, 'score');
        args.apiTokenizer = value();
        return true;
      case '--api-concurrency':
        only(arg, 'score');
        args.apiConcurrency = integerOption(arg, value(), 1, 32);
        return true;
      case '--model':
        args.modelGiven = true;
        return false;
      default:
        return false;
    }
  });
  switch (args.ngram) {
    case 'build':
      if (!args.out) throw new UsageError('ngram build needs --out <index file>.');
      if (args.trainingSplit && positional.length > 0)
        throw new UsageError('ngram build takes --training-split or text files, not both.');
      if (!args.trainingSplit && positional.length === 0)
        throw new UsageError('ngram build needs --training-split or one or more text files.');
      args.inputs = positional;
      break;
    case 'count':
    case 'ntd':
    case 'infgram':
      if (!args.index) throw new UsageError(`${name} needs --index <index file> (written by ngram build).`);
      if (positional.length === 0) throw new UsageError(`${name} needs a text (or - for standard input).`);
      if (positional.length > 1)
        throw new UsageError(`Unexpected argument "${positional[1]}" (quote a text with spaces).`);
      args.inputs = positional;
      break;
    case 'score':
      if (positional.length > 0)
        throw new UsageError(`Unexpected argument "${positional[0]}" (ngram score reads --in).`);
      if (!args.in) throw new UsageError('ngram score needs --in <file.jsonl>.');
      if (!args.out) throw new UsageError('ngram score needs --out <file.jsonl>.');
      if (args.api !== null) {
        if (args.index) throw new UsageError('ngram score takes --index or --api, not both.');
        if (!args.apiIndex)
          throw new UsageError(
            `--api needs --api-index <name> (e.g. ${INFINI_GRAM_INDEXES.map((i) => i.name).find((n) => n.includes('pile'))}).`,
          );
      } else {
        if (args.apiIndex || args.apiTokenizer)
          throw new UsageError('--api-index and --api-tokenizer go with --api <url>.');
        if (!args.index) throw new UsageError('ngram score needs --index <index file> (or --api <url>).');
      }
      break;
  }
  return args;
}
