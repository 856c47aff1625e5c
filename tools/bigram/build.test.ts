/** The shipped corpus bigram files decode, match their index, and count every training pair once. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bigramDistribution, countBigrams, decodeCorpusBigram } from '../../src/core/bigram/corpusBigram';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const index = JSON.parse(readFileSync(join(ROOT, 'public', 'bigram', 'index.json'), 'utf8')) as Record<string, { file: string; tokens: number }>;

describe.each(Object.entries(index))('the corpus bigram of %s', (modelId, entry) => {
  const counts = decodeCorpusBigram(new Uint8Array(readFileSync(join(ROOT, 'public', 'bigram', entry.file))));
  const config = JSON.parse(readFileSync(join(ROOT, 'public', 'models', modelId, 'config.json'), 'utf8')) as { vocab_size: number };

  it('has the model\'s vocabulary and one count per training pair', () => {
    expect(counts.vocabSize).toBe(config.vocab_size);
    expect(counts.tokenCount).toBe(entry.tokens);
    expect(counts.contextCounts.reduce((s, c) => s + c, 0)).toBe(entry.tokens - 1);
  });

  const tokensFile = join(ROOT, '.cache', 'tokens', entry.file.replace(/\.bin$/, ''), 'train.bin');
  it.skipIf(!existsSync(tokensFile))('equals counting the training split again (when .cache/tokens is present)', () => {
    const buffer = readFileSync(tokensFile);
    const recount = countBigrams(new Uint16Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 2), config.vocab_size);
    for (const w of [0, 32, 101, config.vocab_size - 1]) expect(Array.from(bigramDistribution(counts, w))).toEqual(Array.from(bigramDistribution(recount, w)));
  });
});
