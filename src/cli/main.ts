/**
 * Tokenscope's headless CLI: the app's engine and core maths under Node (onnxruntime-node),
 * JSON on stdout, human-readable errors on stderr.
 */
import { readFile } from 'node:fs/promises';
import { bytesProblem, LIMITS } from '../core/limits';
import { utf8Length } from '../core/tokenizers/words';
import { Engine } from '../engine/engine';
import { toErrorReport } from '../engine/errors';
import type { ModelInfo } from '../protocol/model';
import type { ScoreResult, TokenView } from '../protocol/nextToken';
import { parseArgs, resolveModelArgument, USAGE, UsageError, type CliArgs } from './args';
import { exportOutput } from './export';
import { nextOutput } from './next';
import {
  KEY_SPACE_COMMANDS,
  KEY_SPACE_USAGE,
  keySimOutput,
  neighborsOutput,
  parseKeySpaceArgs,
  type KeySpaceArgs,
} from './keyspace';
import { createNodeRuntime, EMBEDDED_MODELS_DIR } from '../engine/nodeRuntime';
import { BIGRAM_COMMANDS, BIGRAM_USAGE, bigramOutput, lensOutput, parseBigramArgs, type BigramArgs } from './bigram';
import { runNgramCli } from './ngram';
import { NGRAM_COMMANDS, NGRAM_USAGE, parseNgramArgs, type NgramArgs } from './ngramArgs';
import { BATCH_COMMANDS, BATCH_USAGE, parseBatchArgs, runBatchCli, type BatchArgs } from './batch';
import {
  compareTokenizersOutput,
  labTokenizeOutput,
  languageBiasOutput,
  nextBytesOutput,
  parseTokenizerArgs,
  TOKENIZER_COMMANDS,
  TOKENIZER_USAGE,
  type TokenizerArgs,
} from './tokenizers';

async function readInput(input: string): Promise<string> {
  if (input === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(input, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `The text file ${input} does not exist.`
        : `Cannot read ${input}: ${(error as Error).message}`,
    );
  }
}

function modelSummary(info: ModelInfo) {
  return {
    label: info.label,
    backend: info.backend,
    dtype: info.dtype,
    modelFile: info.modelFile,
    modelType: info.modelType,
    vocabSize: info.vocabSize,
    contextTokens: info.contextTokens,
    byteScheme: info.byteScheme,
  };
}

function scoreOutput(result: ScoreResult, view: (id: number) => TokenView) {
  let surprisalBitsSum = 0;
  const positions = result.positions.map((p) => {
    const surprisalBits = -Math.log2(p.probability);
    surprisalBitsSum += surprisalBits;
    return {
      position: p.position,
      tokenId: p.tokenId,
      token: view(p.tokenId).text,
      probability: p.probability,
      rank: p.rank,
      surprisalBits,
      entropyNats: p.entropyNats,
      top: p.top.map((c) => ({ tokenId: c.tokenId, token: view(c.tokenId).text, probability: c.probability })),
    };
  });
  const meanSurprisalBits = positions.length ? surprisalBitsSum / positions.length : null;
  return {
    positions,
    summary: {
      scoredPositions: positions.length,
      meanSurprisalBits,
      perplexity: meanSurprisalBits === null ? null : 2 ** meanSurprisalBits,
      windowCount: result.windowCount,
      processedTokens: result.processedTokens,
      elapsedMs: Math.round(result.elapsedMs),
    },
  };
}

export async function runCli(args: CliArgs): Promise<unknown> {
  if (args.command === 'export') return exportOutput(args, args.modelGiven);
  const text = await readInput(args.input);
  if (args.command === 'tokenize' && args.tokenizer !== undefined) return labTokenizeOutput(text, args.tokenizer, args);
  const source = resolveModelArgument(args.model, EMBEDDED_MODELS_DIR);
  const engine = new Engine(createNodeRuntime({ allowNetwork: args.allowNetwork, hubUrl: args.hubUrl }));
  const info = await engine.load({ source, backend: 'wasm', dtype: 'auto' });
  try {
    const tokenized = engine.tokenize({ text, addSpecialTokens: args.addSpecialTokens });
    if (args.command === 'tokenize') {
      return {
        model: modelSummary(info),
        tokenCount: tokenized.ids.length,
        ids: tokenized.ids,
        tokens: tokenized.tokens,
      };
    }
    if (args.command === 'next')
      return { model: modelSummary(info), ...(await nextOutput(engine, info, tokenized.ids, args)) };
    const result = await engine.score({ ids: tokenized.ids, topK: args.topK, strideTokens: args.strideTokens });
    const view = (id: number) => engine.tokenViews([id])[0];
    return {
      model: modelSummary(info),
      tokenCount: tokenized.ids.length,
      firstToken: tokenized.tokens[0] ?? null,
      ...scoreOutput(result, view),
    };
  } finally {
    await engine.unload();
  }
}

/** `neighbors` and `keysim` (src/cli/keyspace.ts) on the loaded model's key space. */
export async function runKeySpaceCli(args: KeySpaceArgs): Promise<unknown> {
  const text = args.input === null ? null : await readInput(args.input);
  const source = resolveModelArgument(args.model, EMBEDDED_MODELS_DIR);
  const engine = new Engine(createNodeRuntime({ allowNetwork: args.allowNetwork, hubUrl: args.hubUrl }));
  const info = await engine.load({ source, backend: 'wasm', dtype: 'auto' });
  try {
    if (args.command === 'neighbors') return { model: modelSummary(info), ...neighborsOutput(engine, args) };
    return {
      model: modelSummary(info),
      ...(await keySimOutput(engine, info, engine.tokenize({ text: text! }).ids, args)),
    };
  } finally {
    await engine.unload();
  }
}

/** `bigram` and `lens` (src/cli/bigram.ts) on the loaded model. */
export async function runBigramCli(args: BigramArgs): Promise<unknown> {
  const text = await readInput(args.input);
  const tooLong = args.command === 'bigram' ? bytesProblem(LIMITS.bigramView, utf8Length(text)) : null;
  if (tooLong) throw new UsageError(tooLong);
  const source = resolveModelArgument(args.model, EMBEDDED_MODELS_DIR);
  const engine = new Engine(createNodeRuntime({ allowNetwork: args.allowNetwork, hubUrl: args.hubUrl }));
  const info = await engine.load({ source, backend: 'wasm', dtype: 'auto' });
  try {
    const { ids } = engine.tokenize({ text });
    if (args.command === 'bigram') return { model: modelSummary(info), ...(await bigramOutput(engine, ids, args)) };
    return { model: modelSummary(info), tokenCount: ids.length, ...(await lensOutput(engine, ids, args)) };
  } finally {
    await engine.unload();
  }
}

/** `compare-tokenizers` (no model), `next-bytes` and `language-bias` (src/cli/tokenizers.ts). */
export async function runTokenizerCli(args: TokenizerArgs): Promise<unknown> {
  const text = args.command === 'language-bias' ? '' : await readInput(args.input);
  if (args.command === 'compare-tokenizers') return compareTokenizersOutput(text, args);
  const source = resolveModelArgument(args.model, EMBEDDED_MODELS_DIR);
  const engine = new Engine(createNodeRuntime({ allowNetwork: args.allowNetwork, hubUrl: args.hubUrl }));
  const info = await engine.load({ source, backend: 'wasm', dtype: 'auto' });
  try {
    if (args.command === 'language-bias')
      return { model: modelSummary(info), ...(await languageBiasOutput(engine, args)) };
    return { model: modelSummary(info), ...(await nextBytesOutput(engine, text, args)) };
  } finally {
    await engine.unload();
  }
}

/**
 * What a failed run prints: one line that says what went wrong. The stack is for developers
 * only (TOKENSCOPE_DEBUG=1), since a user cannot act on it.
 */
export function failureText(error: unknown, debug: boolean): string {
  const line = `tokenscope: ${toErrorReport(error).message}\n`;
  return debug && error instanceof Error && error.stack ? `${line}${error.stack}\n` : line;
}

async function main(): Promise<void> {
  let args: CliArgs | KeySpaceArgs | BigramArgs | TokenizerArgs | NgramArgs | BatchArgs;
  const argv = process.argv.slice(2);
  const help = `${USAGE}\n\n${KEY_SPACE_USAGE}\n\n${BIGRAM_USAGE}\n\n${TOKENIZER_USAGE}\n\n${NGRAM_USAGE}\n\n${BATCH_USAGE}\n`;
  if (['--help', '-h', 'help'].includes(argv[0])) {
    process.stdout.write(help);
    return;
  }
  try {
    args = KEY_SPACE_COMMANDS.includes(argv[0])
      ? parseKeySpaceArgs(argv)
      : BIGRAM_COMMANDS.includes(argv[0])
        ? parseBigramArgs(argv)
        : TOKENIZER_COMMANDS.includes(argv[0])
          ? parseTokenizerArgs(argv)
          : NGRAM_COMMANDS.includes(argv[0])
            ? parseNgramArgs(argv)
            : BATCH_COMMANDS.includes(argv[0])
              ? parseBatchArgs(argv)
              : parseArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${help}`);
    process.exit(2);
  }
  try {
    const output =
      'batch' in args
        ? await runBatchCli(args)
        : 'ngram' in args
          ? await runNgramCli(args)
          : 'token' in args
            ? await runKeySpaceCli(args)
            : 'lensPositions' in args
              ? await runBigramCli(args)
              : 'tokenizers' in args
                ? await runTokenizerCli(args)
                : await runCli(args);
    process.stdout.write(`${JSON.stringify(output, null, args.pretty ? 2 : undefined)}\n`);
    // export: a record whose numbers do not reproduce is a failure a script can see.
    if ((output as { allReproduced?: boolean }).allReproduced === false) process.exit(1);
    // compare-tokenizers: a tokenizer that could not be loaded fails the run, its error row printed.
    if (((output as { failedTokenizers?: number }).failedTokenizers ?? 0) > 0) process.exit(1);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tokenscope: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(failureText(error, process.env.TOKENSCOPE_DEBUG === '1'));
    process.exit(1);
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (invokedDirectly) await main();
