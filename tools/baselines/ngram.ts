/**
 * `npm run baselines`: n-gram baselines for the embedded models' cards, computed by our own
 * code (src/core/ngram/kneserNey.ts) on the same splits and the same tokens the models see.
 * For each tokenizer (or those named on the command line), trains interpolated modified Kneser-Ney models on train.bin and scores
 * validation.bin and test.bin (every token after the first, end-of-text tokens included).
 *
 * Output: .cache/baselines/<tokenizer>.json
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainKneserNey } from '../../src/core/ngram/kneserNey';
import { cacheDir, ensureWritableDir, fail, readJson, runTool, writeJson } from '../lib/files';

const EVAL_SPLITS = ['validation', 'test'] as const;
type EvalSplit = (typeof EVAL_SPLITS)[number];

/**
 * Orders to fit per tokenizer. BPE 5-grams are mostly singletons (order 5 gained 0.3% over 4);
 * byte n-grams keep improving up to order 8 (each order 6-8 fits in under 10 s).
 */
const ORDERS: Record<string, number[]> = {
  'sotu-bpe': [1, 2, 3, 4, 5],
  'sotu-bytes': [1, 2, 3, 4, 5, 6, 7, 8],
  'sotu-sp': [1, 2, 3, 4, 5],
};

interface SplitStats {
  documents: number;
  tokens: number;
  utf8Bytes: number;
}
type TokenStats = { endOfTextId: number; vocabSize: number } & Record<'train' | EvalSplit, SplitStats>;

interface SplitResult {
  scoredTokens: number;
  nllNats: number;
  natsPerToken: number;
  perplexity: number;
  bitsPerByte: number;
}

interface OrderResult {
  order: number;
  distinctGrams: number[];
  discounts: [number, number, number][];
  seconds: number;
  splits: Record<EvalSplit, SplitResult>;
}

/** Reads a little-endian uint16 token file, checking its length against stats.json. */
function readTokens(path: string, expectedTokens: number): Uint16Array {
  const bytes = readFileSync(path);
  if (bytes.length !== expectedTokens * 2)
    fail(`${path} holds ${bytes.length / 2} tokens, stats.json says ${expectedTokens}`);
  const tokens = new Uint16Array(expectedTokens);
  for (let i = 0; i < tokens.length; i++) tokens[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
  return tokens;
}

function baselinesFor(tokenizer: string): { orders: OrderResult[]; stats: TokenStats; trainTokens: number } {
  const dir = join(cacheDir, 'tokens', tokenizer);
  const missing = ['stats.json', 'train.bin', ...EVAL_SPLITS.map((s) => `${s}.bin`)].filter(
    (f) => !existsSync(join(dir, f)),
  );
  if (missing.length > 0)
    fail(`token files missing in ${dir} (${missing.join(', ')}): run \`npm run corpus && npm run tokenizer\` first`);
  const stats = readJson<TokenStats>(join(dir, 'stats.json'), `token stats of ${tokenizer}`);
  const train = readTokens(join(dir, 'train.bin'), stats.train.tokens);
  const evalTokens = Object.fromEntries(
    EVAL_SPLITS.map((s) => [s, readTokens(join(dir, `${s}.bin`), stats[s].tokens)]),
  ) as Record<EvalSplit, Uint16Array>;

  const orders: OrderResult[] = [];
  for (const order of ORDERS[tokenizer]) {
    const started = performance.now();
    const model = trainKneserNey(train, stats.vocabSize, order);
    const splits = {} as Record<EvalSplit, SplitResult>;
    for (const split of EVAL_SPLITS) {
      const { nllNats, scoredTokens } = model.score(evalTokens[split]);
      splits[split] = {
        scoredTokens,
        nllNats,
        natsPerToken: nllNats / scoredTokens,
        perplexity: Math.exp(nllNats / scoredTokens),
        // Per UTF-8 byte of the split's text, so byte and BPE models compare directly.
        bitsPerByte: nllNats / Math.LN2 / stats[split].utf8Bytes,
      };
    }
    const seconds = (performance.now() - started) / 1000;
    orders.push({ order, distinctGrams: model.distinctGrams, discounts: model.discounts, seconds, splits });
    const v = splits.validation;
    console.log(
      `${tokenizer} order ${order}: validation ${v.natsPerToken.toFixed(4)} nats/token, ${v.bitsPerByte.toFixed(4)} bits/byte (${seconds.toFixed(1)} s)`,
    );
  }
  return { orders, stats, trainTokens: train.length };
}

function printTable(tokenizer: string, orders: OrderResult[], bestOrder: number) {
  console.log(`\n${tokenizer}`);
  console.log('order | split      | tokens  | nats/token | perplexity | bits/byte');
  for (const result of orders) {
    for (const split of EVAL_SPLITS) {
      const r = result.splits[split];
      const best = split === 'validation' && result.order === bestOrder ? '  <- best on validation' : '';
      console.log(
        `${String(result.order).padStart(5)} | ${split.padEnd(10)} | ${String(r.scoredTokens).padStart(7)} | ` +
          `${r.natsPerToken.toFixed(4).padStart(10)} | ${r.perplexity.toFixed(2).padStart(10)} | ${r.bitsPerByte.toFixed(4).padStart(9)}${best}`,
      );
    }
  }
}

await runTool(() => {
  const outDir = join(cacheDir, 'baselines');
  ensureWritableDir(outDir);
  const started = performance.now();
  // `npm run baselines -- sotu-sp` limits the run to the named tokenizers.
  const wanted = process.argv.slice(2);
  for (const name of wanted)
    if (!(name in ORDERS)) throw new Error(`unknown tokenizer "${name}"; known: ${Object.keys(ORDERS).join(', ')}`);
  for (const tokenizer of Object.keys(ORDERS).filter((name) => wanted.length === 0 || wanted.includes(name))) {
    const { orders, stats, trainTokens } = baselinesFor(tokenizer);
    const best = orders.reduce((a, b) => (b.splits.validation.natsPerToken < a.splits.validation.natsPerToken ? b : a));
    writeJson(join(outDir, `${tokenizer}.json`), {
      tokenizer,
      model: 'interpolated modified Kneser-Ney (order 1: maximum-likelihood unigram with a uniform floor)',
      vocabSize: stats.vocabSize,
      trainTokens,
      note: "Scores every token of a split after its first, end-of-text tokens included; bitsPerByte divides by the split text's UTF-8 bytes.",
      bestOrderOnValidation: best.order,
      orders,
    });
    printTable(tokenizer, orders, best.order);
  }
  console.log(`\nwrote ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});
