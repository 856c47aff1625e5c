/**
 * The shipped corpus bigram files decode, match their index, count every training pair once,
 * and equal a recount of the train split encoded afresh here with the model's own
 * tokenizer.json (no .cache needed, so it runs on a fresh machine too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { bigramDistribution, countBigrams, decodeCorpusBigram } from '../../src/core/bigram/corpusBigram';
import { readAddresses, splitOf } from '../corpus/corpus';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const index = JSON.parse(readFileSync(join(ROOT, 'public', 'bigram', 'index.json'), 'utf8')) as Record<
  string,
  { file: string; tokens: number }
>;

/** The train split as the tokenizer tool writes it: the model's start token, then each address's ids. */
function encodeTrainSplit(modelId: string, startTokenId: number): Uint16Array {
  const read = (file: string) => JSON.parse(readFileSync(join(ROOT, 'public', 'models', modelId, file), 'utf8'));
  const tokenizer = new PreTrainedTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
  const ids: number[] = [];
  readAddresses().forEach((doc, i) => {
    if (splitOf(i) !== 'train') return;
    ids.push(startTokenId);
    for (const id of tokenizer.encode(doc.text, { add_special_tokens: false })) ids.push(id);
  });
  return Uint16Array.from(ids);
}

/** One recount per bigram file: models that share a tokenizer share the file. */
const firstModelOfFile = new Map<string, string>();
for (const [modelId, entry] of Object.entries(index))
  if (!firstModelOfFile.has(entry.file)) firstModelOfFile.set(entry.file, modelId);

describe.each(Object.entries(index))('the corpus bigram of %s', (modelId, entry) => {
  const counts = decodeCorpusBigram(new Uint8Array(readFileSync(join(ROOT, 'public', 'bigram', entry.file))));
  const config = JSON.parse(readFileSync(join(ROOT, 'public', 'models', modelId, 'config.json'), 'utf8')) as {
    vocab_size: number;
    bos_token_id: number;
  };

  it("has the model's vocabulary and one count per training pair", () => {
    expect(counts.vocabSize).toBe(config.vocab_size);
    expect(counts.tokenCount).toBe(entry.tokens);
    expect(counts.contextCounts.reduce((s, c) => s + c, 0)).toBe(entry.tokens - 1);
  });

  it.runIf(firstModelOfFile.get(entry.file) === modelId)(
    `equals counting the train split again, encoded with ${modelId}'s tokenizer`,
    () => {
      const tokens = encodeTrainSplit(modelId, config.bos_token_id);
      expect(tokens.length).toBe(entry.tokens);
      const recount = countBigrams(tokens, config.vocab_size);
      expect(Array.from(recount.contextCounts)).toEqual(Array.from(counts.contextCounts));
      for (const w of [0, 1, 32, 101, config.vocab_size - 1])
        expect(Array.from(bigramDistribution(counts, w))).toEqual(Array.from(bigramDistribution(recount, w)));
    },
    600_000,
  ); // sotu-sp: transformers.js runs BPE over each whole address (no pre-tokenizer): minutes under load
});
