/**
 * The tokenizer lab's figures, under Node (the same ByteSpanTokenizer and bias-lens code the worker
 * runs): time to tokenize 100 KB with each shipped tokenizer (ids and byte offsets, as a lab row
 * needs), and the cost of the exact next-byte distribution (forward passes, milliseconds) for
 * the demo prompts on an embedded model.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createNodeRuntime } from '../../src/engine/nodeRuntime';
import { TOKENIZERS_DIR } from '../../src/cli/tokenizers';
import { BIAS_DEMO_PROMPTS } from '../../src/core/tokenizers/biasLens';
import { ByteSpanTokenizer } from '../../src/engine/byteSpanTokenizer';
import { parseTokenizerManifest } from '../../src/core/tokenizers/manifest';
import { computeExactNextBytes } from '../../src/engine/biasLens';
import { Engine } from '../../src/engine/engine';
import { TokenizerLab } from '../../src/engine/tokenizerLab';
import { readAddresses, splitOf } from '../corpus/corpus';
import { median, repeat, type Figure } from './stats';

const TEXT_BYTES = 100_000;

/** 100 KB of held-out addresses (test split, in corpus order), cut at a character boundary. */
export function tokenizerBenchText(): string {
  let text = '';
  for (const [i, doc] of readAddresses().entries()) {
    if (splitOf(i) !== 'test') continue;
    text += `${doc.text}\n\n`;
    if (Buffer.byteLength(text) >= TEXT_BYTES) break;
  }
  return Buffer.from(text)
    .subarray(0, TEXT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

export async function runTokenizerBench(modelId: string): Promise<Figure[]> {
  const backend = `Node (${cpus().length} cores)`;
  const figures: Figure[] = [];
  const add = (name: string, unit: Figure['unit'], runs: number[]) =>
    figures.push({ name, backend, unit, median: median(runs), runs });

  const text = tokenizerBenchText();
  const manifest = parseTokenizerManifest(JSON.parse(readFileSync(join(TOKENIZERS_DIR, 'index.json'), 'utf8')));
  for (const entry of manifest.tokenizers) {
    const dir = join(TOKENIZERS_DIR, entry.id);
    // Three builds (the files read and parsed each time), their median: one swings by ±15% with the garbage collector.
    let tokenizer!: ByteSpanTokenizer;
    const builds = await repeat(3, async () => {
      const started = performance.now();
      tokenizer = ByteSpanTokenizer.fromText(
        readFileSync(join(dir, 'tokenizer.json'), 'utf8'),
        readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'),
      );
      return performance.now() - started;
    });
    add(`${entry.label}: build from tokenizer.json`, 'ms', builds);
    let tokens = 0;
    const runs = await repeat(
      3,
      async () => {
        const t0 = performance.now();
        tokens = tokenizer.tokenize(text).tokens.length;
        return performance.now() - t0;
      },
      1,
    );
    add(`${entry.label}: tokenize 100 KB with byte offsets (${tokens.toLocaleString('en-US')} tokens)`, 'ms', runs);
  }

  const engine = new Engine(createNodeRuntime());
  const info = await engine.load({ source: { kind: 'embedded', id: modelId }, backend: 'wasm', dtype: 'auto' });
  const tokenizer = new TokenizerLab({ read: async () => null, where: (p) => p }, () =>
    engine.modelTokenizerFiles(),
  ).modelTokenizer();
  const deps = {
    tokenizer,
    startTokenId: info.bosTokenId ?? info.eosTokenId ?? 0,
    nextLogits: async (ids: number[]) => (await engine.step({ ids })).logits,
  };
  for (const demo of BIAS_DEMO_PROMPTS) {
    let passes = 0;
    const runs = await repeat(
      3,
      async () => {
        const result = await computeExactNextBytes({ prompt: demo.text }, deps);
        passes = result.forwardPasses;
        return result.elapsedMs;
      },
      1,
    );
    add(`exact next byte on ${modelId} after "${demo.text}" (${passes} forward passes)`, 'ms', runs);
  }
  await engine.unload();
  return figures;
}
