/**
 * `npm run tokenizer`: trains the byte-level BPE of `sotu-gpt` on the train split only, writes
 * the byte tokenizer of `sotu-bytes` (256 bytes + end-of-text, no merges), and encodes every
 * split with `@huggingface/transformers` (the same code the app runs) into uint16 token files
 * for training: one end-of-text token before each address.
 *
 * Output: .cache/tokenizers/<name>/{tokenizer.json, tokenizer_config.json, merge_counts.json}
 *         .cache/tokens/<name>/{train,validation,test}.bin and stats.json
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { countPretokens, toTokenizerConfig, toTokenizerJson, trainByteLevelBpe } from '../../src/core/tokenization/bpeTrainer';
import { byteToChar } from '../../src/core/tokenization/byteLevel';
import { corpusDir, SPLITS, type CorpusDocument } from '../corpus/corpus';
import { cacheDir, readJson, runTool, writeFolderAtomically, writeJson } from '../lib/files';
import { BPE_VOCAB_SIZE, MODEL_MAX_LENGTH } from './settings';

export const TOKENIZERS = ['sotu-bpe', 'sotu-bytes'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

const loadSplit = (split: string) => readJson<CorpusDocument[]>(join(corpusDir, `${split}.json`), `corpus split "${split}" (run \`npm run corpus\` first)`);

async function writeTokenizer(name: TokenizerName, tokenizerJson: object, extra: (dir: string) => void) {
  await writeFolderAtomically(join(cacheDir, 'tokenizers', name), (dir) => {
    writeJson(join(dir, 'tokenizer.json'), tokenizerJson);
    writeJson(join(dir, 'tokenizer_config.json'), toTokenizerConfig(MODEL_MAX_LENGTH));
    extra(dir);
  });
}

async function encodeSplits(name: TokenizerName, tokenizerJson: object) {
  const tokenizer = new PreTrainedTokenizer(tokenizerJson, toTokenizerConfig(MODEL_MAX_LENGTH));
  const endOfText = tokenizer.convert_tokens_to_ids('<|endoftext|>');
  const stats: Record<string, unknown> = {};
  await writeFolderAtomically(join(cacheDir, 'tokens', name), (dir) => {
    for (const split of SPLITS) {
      const docs = loadSplit(split);
      const ids: number[] = [];
      let bytes = 0;
      for (const doc of docs) {
        ids.push(endOfText);
        const encoded = tokenizer.encode(doc.text, { add_special_tokens: false });
        for (const id of encoded) ids.push(id);
        bytes += Buffer.byteLength(doc.text, 'utf8');
      }
      writeFileSync(join(dir, `${split}.bin`), Uint16Array.from(ids));
      stats[split] = { documents: docs.length, tokens: ids.length, utf8Bytes: bytes, bytesPerToken: +(bytes / (ids.length - docs.length)).toFixed(4) };
      console.log(`${name} ${split}: ${ids.length.toLocaleString('en-US')} tokens for ${bytes.toLocaleString('en-US')} bytes`);
    }
    writeJson(join(dir, 'stats.json'), { endOfTextId: endOfText, vocabSize: tokenizer.get_vocab().size, ...stats });
  });
}

await runTool(async () => {
  const started = Date.now();
  const counts = countPretokens(loadSplit('train').map((d) => d.text));
  console.log(`${counts.size.toLocaleString('en-US')} distinct pre-tokens in the train split`);
  const bpe = trainByteLevelBpe(counts, {
    vocabSizeWithoutSpecials: BPE_VOCAB_SIZE - 1,
    onProgress: (done, wanted) => console.log(`  merges ${done}/${wanted}`),
  });
  console.log(`trained ${bpe.merges.length} merges in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const bpeJson = toTokenizerJson(bpe.tokens, bpe.merges);
  await writeTokenizer('sotu-bpe', bpeJson, (dir) => writeJson(join(dir, 'merge_counts.json'), bpe.mergeCounts));
  const bytesJson = toTokenizerJson(byteToChar.slice(), []);
  await writeTokenizer('sotu-bytes', bytesJson, () => {});
  await encodeSplits('sotu-bpe', bpeJson);
  await encodeSplits('sotu-bytes', bytesJson);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
