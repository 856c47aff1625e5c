/**
 * Builds the corpus bigram reference of each embedded model from its training split:
 * .cache/tokens/<tokens>/train.bin (uint16 ids, from `npm run corpus && npm run tokenizer`)
 * → public/bigram/<tokens>.bin (core/bigram encodeCorpusBigram) and public/bigram/index.json
 * (model id → file, with the split's token count). Only the training split is counted.
 *
 *   npm run bigram
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countBigrams, encodeCorpusBigram } from '../../src/core/bigram/corpusBigram';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'public', 'bigram');

interface ModelConfigEntry {
  tokens: string;
  model: { vocab_size: number };
}

const configs = JSON.parse(readFileSync(join(ROOT, 'tools', 'models', 'configs.json'), 'utf8')) as Record<
  string,
  ModelConfigEntry
>;
mkdirSync(OUT, { recursive: true });
const index: Record<string, { file: string; split: string; tokens: number }> = {};
const built = new Map<string, number>();
for (const [modelId, config] of Object.entries(configs)) {
  const trainPath = join(ROOT, '.cache', 'tokens', config.tokens, 'train.bin');
  if (!existsSync(trainPath)) {
    console.error(`error: ${trainPath} is missing: run \`npm run corpus && npm run tokenizer\` first`);
    process.exit(1);
  }
  if (!built.has(config.tokens)) {
    const buffer = readFileSync(trainPath);
    const tokens = new Uint16Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 2);
    const bytes = encodeCorpusBigram(countBigrams(tokens, config.model.vocab_size));
    writeFileSync(join(OUT, `${config.tokens}.bin`), bytes);
    built.set(config.tokens, tokens.length);
    console.log(
      `${config.tokens}.bin: ${tokens.length.toLocaleString('en-US')} training tokens, ${(bytes.byteLength / 1024).toFixed(0)} KiB`,
    );
  }
  index[modelId] = { file: `${config.tokens}.bin`, split: 'train', tokens: built.get(config.tokens)! };
}
writeFileSync(join(OUT, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
console.log(`index.json: ${Object.keys(index).join(', ')}`);
