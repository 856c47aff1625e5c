/**
 * `npm run tokenizer [-- NAME...]`: trains the byte-level BPE of `sotu-gpt` and the
 * SentencePiece-style BPE of `sotu-llama` (metaspace, byte fallback) on the train split only,
 * writes the byte tokenizer of `sotu-bytes` (256 bytes + end-of-text, no merges), and encodes
 * every split with `@huggingface/transformers` (the same code the app runs) into uint16 token
 * files for training: one document-start token before each address (`<|endoftext|>`, or `<s>`
 * for sotu-sp). Names limit the run to those tokenizers (default: all).
 *
 * Output: .cache/tokenizers/<name>/{tokenizer.json, tokenizer_config.json, merge_counts.json}
 *         .cache/tokens/<name>/{train,validation,test}.bin and stats.json
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import {
  countPretokens,
  toTokenizerConfig,
  toTokenizerJson,
  trainByteLevelBpe,
} from '../../src/core/tokenization/bpeTrainer';
import { byteToChar } from '../../src/core/tokenization/byteLevel';
import {
  countTrainingPieces,
  SP_BOS,
  toMetaspaceTokenizerConfig,
  toMetaspaceTokenizerJson,
  trainMetaspaceBpe,
} from '../../src/core/tokenization/metaspaceBpe';
import { corpusDir, SPLITS, type CorpusDocument } from '../corpus/corpus';
import { cacheDir, readJson, runTool, writeFolderAtomically, writeJson } from '../lib/files';
import { BPE_VOCAB_SIZE, MODEL_MAX_LENGTH, SP_MIN_CHAR_COUNT, SP_VOCAB_SIZE } from './settings';

export const TOKENIZERS = ['sotu-bpe', 'sotu-bytes', 'sotu-sp'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

const loadSplit = (split: string) =>
  readJson<CorpusDocument[]>(
    join(corpusDir, `${split}.json`),
    `corpus split "${split}" (run \`npm run corpus\` first)`,
  );

const configFor = (name: TokenizerName) =>
  name === 'sotu-sp' ? toMetaspaceTokenizerConfig(MODEL_MAX_LENGTH) : toTokenizerConfig(MODEL_MAX_LENGTH);
const documentStartFor = (name: TokenizerName) => (name === 'sotu-sp' ? SP_BOS : '<|endoftext|>');

async function writeTokenizer(name: TokenizerName, tokenizerJson: object, extra: (dir: string) => void) {
  await writeFolderAtomically(join(cacheDir, 'tokenizers', name), (dir) => {
    writeJson(join(dir, 'tokenizer.json'), tokenizerJson);
    writeJson(join(dir, 'tokenizer_config.json'), configFor(name));
    extra(dir);
  });
}

async function encodeSplits(name: TokenizerName, tokenizerJson: object) {
  const tokenizer = new PreTrainedTokenizer(tokenizerJson, configFor(name));
  // endOfTextId in stats.json: the token before each document (the models' start token).
  const endOfText = tokenizer.convert_tokens_to_ids(documentStartFor(name));
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
      stats[split] = {
        documents: docs.length,
        tokens: ids.length,
        utf8Bytes: bytes,
        bytesPerToken: +(bytes / (ids.length - docs.length)).toFixed(4),
      };
      console.log(
        `${name} ${split}: ${ids.length.toLocaleString('en-US')} tokens for ${bytes.toLocaleString('en-US')} bytes`,
      );
    }
    writeJson(join(dir, 'stats.json'), { endOfTextId: endOfText, vocabSize: tokenizer.get_vocab().size, ...stats });
  });
}

await runTool(async () => {
  const started = Date.now();
  const wanted = process.argv.slice(2);
  for (const name of wanted)
    if (!(TOKENIZERS as readonly string[]).includes(name))
      throw new Error(`unknown tokenizer "${name}"; known: ${TOKENIZERS.join(', ')}`);
  const build = (name: TokenizerName) => wanted.length === 0 || wanted.includes(name);
  const trainTexts = loadSplit('train').map((d) => d.text);
  if (build('sotu-bpe')) {
    const counts = countPretokens(trainTexts);
    console.log(`${counts.size.toLocaleString('en-US')} distinct pre-tokens in the train split`);
    const bpe = trainByteLevelBpe(counts, {
      vocabSizeWithoutSpecials: BPE_VOCAB_SIZE - 1,
      onProgress: (done, total) => console.log(`  merges ${done}/${total}`),
    });
    console.log(`trained ${bpe.merges.length} merges in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const bpeJson = toTokenizerJson(bpe.tokens, bpe.merges);
    await writeTokenizer('sotu-bpe', bpeJson, (dir) => writeJson(join(dir, 'merge_counts.json'), bpe.mergeCounts));
    await encodeSplits('sotu-bpe', bpeJson);
  }
  if (build('sotu-bytes')) {
    const bytesJson = toTokenizerJson(byteToChar.slice(), []);
    await writeTokenizer('sotu-bytes', bytesJson, () => {});
    await encodeSplits('sotu-bytes', bytesJson);
  }
  if (build('sotu-sp')) {
    const counts = countTrainingPieces(trainTexts);
    const sp = trainMetaspaceBpe(counts, {
      vocabSize: SP_VOCAB_SIZE,
      minCharCount: SP_MIN_CHAR_COUNT,
      onProgress: (done, total) => console.log(`  sotu-sp merges ${done}/${total}`),
    });
    console.log(`sotu-sp: ${sp.alphabet.length} characters, ${sp.merges.length} merges`);
    const spJson = toMetaspaceTokenizerJson(sp.tokens, sp.merges);
    await writeTokenizer('sotu-sp', spJson, (dir) => writeJson(join(dir, 'merge_counts.json'), sp.mergeCounts));
    await encodeSplits('sotu-sp', spJson);
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
