/**
 * The tokenizer lab on the command line: `tokenize --tokenizer <name|path>` (no model),
 * `compare-tokenizers` (the lab's per-tokenizer metrics as JSON) and `next-bytes` (the exact
 * next-byte distribution after a prompt). They run the worker's TokenizerLab and bias-lens
 * code with files read from disk, so ids and numbers are the app's.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bytesProblem, LIMITS } from '../core/limits';
import { exactnessLabel, exactNextBytesOnModel } from '../core/tokenizers/lemmaOnModel';
import { computeLanguageBias } from '../engine/languageBias';
import { byteLabel, lemmaDepsOn } from '../engine/biasLens';
import type { Engine } from '../engine/engine';
import { isHubModelId } from '../protocol/modelSources';
import { TokenizerLab, type TokenizerFiles } from '../engine/tokenizerLab';
import { type LabRow } from '../protocol/tokenizerLab';
import { integerOption, onlyFor, readCommandOptions, UsageError } from './args';
import { EMBEDDED_MODELS_DIR, REPO_ROOT } from '../engine/nodeRuntime';

export type TokenizerCommand = 'compare-tokenizers' | 'next-bytes' | 'language-bias';
export const TOKENIZER_COMMANDS: readonly string[] = ['compare-tokenizers', 'next-bytes', 'language-bias'];

export interface TokenizerArgs {
  command: TokenizerCommand;
  /** Text file or `-`. */
  input: string;
  /** compare-tokenizers: names or paths (default: every shipped tokenizer). */
  tokenizers: string[] | null;
  /** next-bytes: bytes to list (default all with probability > 0). */
  top: number | null;
  /** next-bytes: candidates below this probability are not checked and their mass is reported (default: all checked, exact). */
  pruneBelow: number | null;
  /** language-bias: parity language codes (default all). */
  languages: string[] | null;
  /** language-bias: prompts per language (default 3). */
  perLanguage: number | null;
  model: string;
  allowNetwork: boolean;
  hubUrl: string | undefined;
  pretty: boolean;
}

export const TOKENIZER_USAGE = `Tokenizer-lab commands:
  npm run cli -- tokenize <file|-> --tokenizer <name|path>
      the lab's tokenization with byte offsets and no model: a shipped tokenizer (public/tokenizers/index.json:
      gpt2, gpt-4o, llama-2, llama-3, qwen3, gemma-3, deepseek-v3, mistral-7b), an embedded model's (sotu-gpt, ...),
      a tokenizer.json file or a folder holding one, or a Hub id (with --allow-network or --hub-url)
  npm run cli -- compare-tokenizers <file|-> [--tokenizers a,b,c] [--pretty]
      per tokenizer (default: every shipped one): tokens, characters and bytes per token, fertility, share of
      words split, digit runs and how they are cut; errors per tokenizer (exit status 1 when one fails)
  npm run cli -- next-bytes <file|-> [--model id] [--top n] [--prune-below p] [--pretty]
      the exact next-byte distribution after the text (byte-token representation lemma), with the forward
      passes and milliseconds it took; the text is taken as is (a trailing newline counts). Every candidate
      token is checked; --prune-below p skips the checks of tokens below p and prints how far off that can
      make each probability ("exact within ...")
  npm run cli -- language-bias [--model id] [--languages en,de,...] [--per-language n] [--pretty]
      tokenization bias across the 17 parity languages: for prompts cut mid-word from the parallel sentences,
      the naive next character (first character of the next token) against the exact one (the lemma), their
      total variation distance (next characters, unlisted mass pooled: a lower bound; next bytes: exact),
      per prompt and per language`;

export const TOKENIZERS_DIR = join(REPO_ROOT, 'public', 'tokenizers');

/** `a,b,c` as a list; an empty one is a usage error. */
function commaList(flag: string, text: string, what: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs one or more ${what}, separated by commas.`);
  return items;
}

export function parseTokenizerArgs(argv: readonly string[]): TokenizerArgs {
  const [command, ...rest] = argv;
  if (!TOKENIZER_COMMANDS.includes(command)) throw new UsageError(`Unknown command "${command}".`);
  const args: TokenizerArgs = {
    command: command as TokenizerCommand,
    input: '',
    tokenizers: null,
    top: null,
    pruneBelow: null,
    languages: null,
    perLanguage: null,
    model: 'sotu-gpt',
    allowNetwork: false,
    hubUrl: undefined,
    pretty: false,
  };
  const only = (flag: string, which: TokenizerCommand) => onlyFor(args.command, which, flag);
  const positional = readCommandOptions(args.command, rest, args, (arg, value) => {
    switch (arg) {
      case '--tokenizers':
        only(arg, 'compare-tokenizers');
        args.tokenizers = commaList(arg, value(), 'names');
        return true;
      case '--top':
        only(arg, 'next-bytes');
        args.top = integerOption(arg, value(), 1, 256);
        return true;
      case '--prune-below': {
        only(arg, 'next-bytes');
        const text = value();
        const p = Number(text);
        if (text.trim() === '' || !(p >= 0 && p < 1))
          throw new UsageError(`--prune-below must be a probability from 0 to below 1, got "${text}".`);
        args.pruneBelow = p;
        return true;
      }
      case '--languages':
        only(arg, 'language-bias');
        args.languages = commaList(arg, value(), 'language codes');
        return true;
      case '--per-language':
        only(arg, 'language-bias');
        args.perLanguage = integerOption(arg, value(), 1, 6);
        return true;
      // Only next-bytes and language-bias run a model; the common loop then reads the value.
      case '--model':
        if (args.command === 'compare-tokenizers') only(arg, 'next-bytes');
        return false;
      default:
        return false;
    }
  });
  if (args.command === 'language-bias') {
    // Its prompts are the project's own (cut from the parallel sentences), not a file.
    if (positional.length > 0)
      throw new UsageError(
        `language-bias takes no text file (got "${positional[0]}"); its prompts are cut from the parallel sentences.`,
      );
    return args;
  }
  if (positional.length > 1) throw new UsageError(`Unexpected argument "${positional[1]}".`);
  args.input = positional[0] ?? '';
  if (!args.input) throw new UsageError(`${args.command} needs a text file (or - for standard input).`);
  return args;
}

/** public/tokenizers read from disk, as the worker fetches it. */
export function diskTokenizerFiles(dir = TOKENIZERS_DIR): TokenizerFiles {
  return {
    where: (path) => join(dir, path),
    read: async (path) => {
      const file = join(dir, path);
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    },
  };
}

export interface NetworkOptions {
  allowNetwork: boolean;
  hubUrl: string | undefined;
}

/**
 * Adds what a `--tokenizer` names to the lab and returns its row id: a shipped id as it is;
 * a tokenizer.json path, or a folder with one (tokenizer_config.json beside it is read too);
 * an embedded model's id (its folder in public/models); a Hub id, only with the network allowed.
 */
export async function resolveLabTokenizer(lab: TokenizerLab, name: string, network: NetworkOptions): Promise<string> {
  const list = await lab.list();
  if (list.some((t) => t.id === name && t.kind === 'shipped')) return name;
  const embedded = join(EMBEDDED_MODELS_DIR, name);
  const folder =
    existsSync(name) && statSync(name).isDirectory()
      ? name
      : !name.includes('/') && existsSync(embedded)
        ? embedded
        : null;
  const file = folder ? join(folder, 'tokenizer.json') : existsSync(name) ? name : null;
  if (file) {
    if (!existsSync(file)) throw new UsageError(`${folder} has no tokenizer.json.`);
    const config = join(dirname(file), 'tokenizer_config.json');
    const label = folder ? basename(folder) : file;
    const info = await lab.add({
      kind: 'file',
      name: label,
      tokenizerJson: readFileSync(file, 'utf8'),
      tokenizerConfig: existsSync(config) ? readFileSync(config, 'utf8') : undefined,
    });
    return info.id;
  }
  if (name.includes('/') && isHubModelId(name)) {
    if (!network.allowNetwork && !network.hubUrl)
      throw new UsageError(
        `"${name}" is a Hub id: add --allow-network (or --hub-url <host>) to download its tokenizer.`,
      );
    return (await lab.add({ kind: 'hub', id: name, host: network.hubUrl ?? 'https://huggingface.co' })).id;
  }
  const shipped = list.filter((t) => t.kind === 'shipped').map((t) => t.id);
  throw new UsageError(
    `"${name}" is not a shipped tokenizer (${shipped.join(', ')}), an embedded model, a file or folder, or a Hub id.`,
  );
}

/** The lab's rows for these tokenizers, every token kept (the lab's own limits apply: 1 MB of text). */
async function labRows(text: string, names: readonly string[], network: NetworkOptions): Promise<LabRow[]> {
  const lab = new TokenizerLab(diskTokenizerFiles(), () => null);
  const ids: string[] = [];
  for (const name of names) ids.push(await resolveLabTokenizer(lab, name, network));
  return (await lab.tokenize({ tokenizerIds: ids, text, displayBytes: Number.MAX_SAFE_INTEGER })).rows;
}

/** `tokenize --tokenizer`: ids and byte-exact tokens with byte offsets, as the lab's row shows them. */
export async function labTokenizeOutput(text: string, name: string, network: NetworkOptions) {
  const [row] = await labRows(text, [name], network);
  if (row.status === 'error') throw new UsageError(row.message);
  return {
    tokenizer: { name, label: row.label, algorithm: row.algorithm, alignment: row.alignment },
    tokenCount: row.tokenCount,
    ids: row.tokens.map((t) => t.id),
    tokens: row.tokens.map((t) => ({
      id: t.id,
      text: t.text,
      start: t.start,
      end: t.end,
      special: t.special,
      byteFallback: t.byteFallback,
    })),
  };
}

/** `compare-tokenizers`: the metrics table of the lab as JSON (the first 50 digit runs are listed). */
export async function compareTokenizersOutput(text: string, args: TokenizerArgs) {
  const names = args.tokenizers ?? (await new TokenizerLab(diskTokenizerFiles(), () => null).list()).map((t) => t.id);
  const rows = await labRows(text, names, args);
  const first = rows.find((r) => r.status === 'ok');
  return {
    text:
      first?.status === 'ok'
        ? {
            characters: first.metrics.characters,
            bytes: first.metrics.bytes,
            words: first.metrics.words,
            wordDefinition: first.metrics.wordDefinition,
          }
        : null,
    tokenizers: rows.map((row, i) =>
      row.status === 'error'
        ? { name: names[i], label: row.label, status: 'error' as const, message: row.message, file: row.file }
        : {
            name: names[i],
            label: row.label,
            status: 'ok' as const,
            algorithm: row.algorithm,
            alignment: row.alignment,
            tokens: row.metrics.tokens,
            charactersPerToken: row.metrics.charactersPerToken,
            bytesPerToken: row.metrics.bytesPerToken,
            fertility: row.metrics.fertility,
            splitWordShare: row.metrics.splitWordShare,
            numbers: row.metrics.numbers,
            elapsedMs: Math.round(row.elapsedMs),
          },
    ),
    failedTokenizers: rows.filter((r) => r.status === 'error').length,
  };
}

/**
 * `next-bytes`: the exact next-byte distribution after the text on the loaded model (the
 * lemma's rounds in core/tokenizers/lemmaOnModel.ts, as the lab runs them), with how exact it
 * is: "exact", or "exact within" the bound when --prune-below left candidates unchecked.
 */
export async function nextBytesOutput(
  engine: Engine,
  text: string,
  options: Pick<TokenizerArgs, 'top' | 'pruneBelow'>,
) {
  const started = performance.now();
  const tokenizer = new TokenizerLab(diskTokenizerFiles(), () => engine.modelTokenizerFiles()).modelTokenizer();
  const prompt = new TextEncoder().encode(text);
  if (prompt.length === 0) throw new UsageError('next-bytes needs a prompt: the text is empty.');
  // The lab's bias lens limit: the covers, and so the forward passes, grow with the prompt.
  const tooLong = bytesProblem(LIMITS.nextBytes, prompt.length, 'The prompt');
  if (tooLong) throw new UsageError(tooLong);
  const result = await exactNextBytesOnModel(prompt, tokenizer, {
    ...lemmaDepsOn(engine, tokenizer),
    pruneBelow: options.pruneBelow ?? undefined,
  });
  const bytes = Array.from(result.probabilities)
    .map((probability, byte) => ({ byte, label: byteLabel(byte), probability }))
    .filter((b) => b.probability > 0)
    .sort((a, b) => b.probability - a.probability || a.byte - b.byte);
  const top = options.top;
  return {
    prompt: text,
    promptTokens: tokenizer.tokenize(text).tokens.map((t) => t.text),
    boundary: result.boundary,
    covers: result.covers,
    forwardPasses: result.forwardPasses,
    validityChecks: result.validityChecks,
    elapsedMs: Math.round(performance.now() - started),
    exactness: exactnessLabel(result.errorBound),
    errorBound: result.errorBound,
    ...(options.pruneBelow !== null
      ? { pruneBelow: options.pruneBelow, uncheckedProbability: result.uncheckedProbability }
      : {}),
    continuationProbability: result.continuationProbability,
    nextBytes: top === null ? bytes : bytes.slice(0, top),
    nextBytesListed: Math.min(bytes.length, top ?? bytes.length),
    nextBytesWithProbability: bytes.length,
    nextCharacters: result.characters.slice(0, 10).map((c) => ({ character: c.character, probability: c.probability })),
    nextCharactersExactness: exactnessLabel(result.characterErrorBound),
    otherCharactersProbability: result.otherProbability,
  };
}

/**
 * `language-bias`: the naive against the exact next character after mid-word prompts in each
 * parity language, on the loaded model (engine/languageBias.ts, as the lab runs it).
 */
export async function languageBiasOutput(engine: Engine, options: Pick<TokenizerArgs, 'languages' | 'perLanguage'>) {
  const tokenizer = new TokenizerLab(diskTokenizerFiles(), () => engine.modelTokenizerFiles()).modelTokenizer();
  const result = await computeLanguageBias(
    { languages: options.languages ?? undefined, perLanguage: options.perLanguage ?? undefined },
    lemmaDepsOn(engine, tokenizer),
  );
  return { ...result, elapsedMs: Math.round(result.elapsedMs) };
}
