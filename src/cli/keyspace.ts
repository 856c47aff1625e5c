/**
 * The key-space commands: `neighbors` (a token's nearest keys, exact, by cosine or dot) and
 * `keysim` (the rank vs key-similarity table of the distribution after a text). They run the
 * worker's KeySpace on the Node engine, so the numbers are the app's.
 */
import { findTokens } from '../core/keyspace';
import type { Engine } from '../engine/engine';
import type { ModelInfo } from '../protocol/model';
import { integerOption, onlyFor, readCommandOptions, UsageError } from './args';
import { nextContext } from './next';

export type KeySpaceCommand = 'neighbors' | 'keysim';
export const KEY_SPACE_COMMANDS: readonly string[] = ['neighbors', 'keysim'];

export interface KeySpaceArgs {
  command: KeySpaceCommand;
  /** keysim: text file or `-`. */
  input: string | null;
  /** neighbors: a token id or a token's text. */
  token: string | null;
  k: number;
  metric: 'cosine' | 'dot';
  topN: number;
  topK: number;
  /** keysim: keySim at or above this marks a look-alike (default: the model's p90 of random key pairs). */
  minKeySim: number | null;
  model: string;
  allowNetwork: boolean;
  hubUrl: string | undefined;
  pretty: boolean;
}

export const KEY_SPACE_USAGE = `Key-space commands:
  npm run cli -- neighbors --token <id|text> [--k 10] [--metric cosine|dot] [--model id] [--pretty]
      the token's k nearest keys (rows of the unembedding), exact; the input embedding's too when untied
  npm run cli -- keysim <file|-> [--top-n 100] [--top-k 10] [--min-keysim x] [--model id] [--pretty]
      the top-N candidates after the text: rank, probability, keySim (highest cosine to a top-K key),
      the top key it is nearest to, and whether it is a look-alike (keySim >= x; default the model's
      90th percentile of cosines between random key pairs)`;

export function parseKeySpaceArgs(argv: readonly string[]): KeySpaceArgs {
  const [command, ...rest] = argv;
  if (!KEY_SPACE_COMMANDS.includes(command)) throw new UsageError(`Unknown command "${command}".`);
  const args: KeySpaceArgs = {
    command: command as KeySpaceCommand,
    input: null,
    token: null,
    k: 10,
    metric: 'cosine',
    topN: 100,
    topK: 10,
    minKeySim: null,
    model: 'sotu-gpt',
    allowNetwork: false,
    hubUrl: undefined,
    pretty: false,
  };
  const only = (flag: string, which: KeySpaceCommand) => onlyFor(args.command, which, flag);
  const positional = readCommandOptions(args.command, rest, args, (arg, value) => {
    switch (arg) {
      case '--token':
        only(arg, 'neighbors');
        args.token = value();
        return true;
      case '--k':
        only(arg, 'neighbors');
        args.k = integerOption(arg, value(), 1, 1000);
        return true;
      case '--metric': {
        only(arg, 'neighbors');
        const metric = value();
        if (metric !== 'cosine' && metric !== 'dot')
          throw new UsageError(`--metric must be cosine or dot, got "${metric}".`);
        args.metric = metric;
        return true;
      }
      case '--top-n':
        only(arg, 'keysim');
        args.topN = integerOption(arg, value(), 2, 10_000);
        return true;
      case '--top-k':
        only(arg, 'keysim');
        args.topK = integerOption(arg, value(), 1, 1000);
        return true;
      case '--min-keysim': {
        only(arg, 'keysim');
        const raw = value();
        const x = raw.trim() === '' ? NaN : Number(raw);
        if (!(x >= -1 && x <= 1)) throw new UsageError(`--min-keysim must be a number in [-1, 1], got "${raw}".`);
        args.minKeySim = x;
        return true;
      }
      default:
        return false;
    }
  });
  const allowed = args.command === 'neighbors' ? 0 : 1;
  if (positional.length > allowed) throw new UsageError(`Unexpected argument "${positional[allowed]}".`);
  args.input = positional[0] ?? null;
  if (args.command === 'neighbors' && args.token === null) throw new UsageError('neighbors needs --token <id|text>.');
  if (args.command === 'keysim' && args.input === null)
    throw new UsageError('keysim needs a text file (or - for standard input).');
  return args;
}

/** The token `--token` names: an id, else a token whose text matches (see findTokens). */
function resolveToken(engine: Engine, token: string): number {
  const found = findTokens(token, engine.vocabulary().tokens);
  if (found.kind === 'none') {
    const pieces = engine.tokenize({ text: token }).tokens.map((t) => JSON.stringify(t.text));
    throw new UsageError(
      `${found.message}${pieces.length > 1 ? ` The tokenizer cuts it into ${pieces.join(' + ')}.` : ''}`,
    );
  }
  return found.tokenIds[0];
}

export function neighborsOutput(engine: Engine, args: KeySpaceArgs) {
  const keySpace = engine.keySpace();
  const info = keySpace.info();
  const tokenId = resolveToken(engine, args.token!);
  const result = keySpace.neighbours({ tokenId, k: args.k });
  const text = (id: number) => engine.tokenViews([id])[0].text;
  const list = (rows: { tokenId: number; similarity: number }[]) =>
    rows.map((r, i) => ({ rank: i + 1, tokenId: r.tokenId, token: text(r.tokenId), similarity: r.similarity }));
  return {
    token: { tokenId, token: text(tokenId) },
    metric: args.metric,
    k: args.k,
    keys: {
      ...info.output,
      tied: info.tied,
      inputEmbedding: info.input ? 'untied: its neighbours are in inputNeighbours' : info.inputReason,
    },
    neighbours: list(result.output[args.metric]),
    inputNeighbours: result.input ? list(result.input[args.metric]) : null,
    elapsedMs: Math.round(result.elapsedMs * 10) / 10,
  };
}

export async function keySimOutput(engine: Engine, info: ModelInfo, textIds: readonly number[], args: KeySpaceArgs) {
  const context = nextContext(textIds, info);
  const step = await engine.step({ ids: context.ids });
  const result = engine.keySpace().keySim({ logits: step.logits, topN: args.topN, topK: args.topK });
  const threshold = args.minKeySim ?? result.randomPairCosine.p90;
  const text = (id: number) => engine.tokenViews([id])[0].text;
  return {
    textTokens: textIds.length,
    contextTokens: step.contextTokens,
    topN: result.candidates.length,
    topK: result.topK,
    randomPairCosine: result.randomPairCosine,
    minKeySim: threshold,
    candidates: result.candidates.map((c) => ({
      rank: c.rank,
      tokenId: c.tokenId,
      token: text(c.tokenId),
      probability: c.probability,
      logit: c.logit,
      keySim: Number.isFinite(c.keySim) ? c.keySim : null,
      nearestTop: c.nearestTopRank
        ? {
            rank: c.nearestTopRank,
            tokenId: result.candidates[c.nearestTopRank - 1].tokenId,
            token: text(result.candidates[c.nearestTopRank - 1].tokenId),
          }
        : null,
      lookAlike: c.rank > result.topK && c.keySim >= threshold,
    })),
  };
}
