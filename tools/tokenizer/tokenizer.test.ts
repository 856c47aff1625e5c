import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countPretokens,
  toTokenizerConfig,
  toTokenizerJson,
  trainByteLevelBpe,
} from '../../src/core/tokenization/bpeTrainer';
import { byteToChar } from '../../src/core/tokenization/byteLevel';
import { readAddresses, splitOf } from '../corpus/corpus';
import { embeddedModelsDir } from '../models/evaluationProtocol';
import {
  countTrainingPieces,
  toMetaspaceTokenizerConfig,
  toMetaspaceTokenizerJson,
  trainMetaspaceBpe,
} from '../../src/core/tokenization/metaspaceBpe';
import { BPE_VOCAB_SIZE, MODEL_MAX_LENGTH, SP_MIN_CHAR_COUNT, SP_VOCAB_SIZE } from './settings';

const committed = (model: string, file: string) => readFileSync(join(embeddedModelsDir, model, file), 'utf8');
const asWritten = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

describe('the shipped tokenizers rebuild byte for byte', () => {
  it('sotu-bpe: training on the train split gives the committed tokenizer.json', () => {
    const train = readAddresses()
      .filter((_, i) => splitOf(i) === 'train')
      .map((d) => d.text);
    const { tokens, merges } = trainByteLevelBpe(countPretokens(train), {
      vocabSizeWithoutSpecials: BPE_VOCAB_SIZE - 1,
    });
    expect(merges).toHaveLength(BPE_VOCAB_SIZE - 257);
    expect(asWritten(toTokenizerJson(tokens, merges))).toBe(committed('sotu-gpt-long', 'tokenizer.json'));
    expect(asWritten(toTokenizerConfig(MODEL_MAX_LENGTH))).toBe(committed('sotu-gpt-long', 'tokenizer_config.json'));
  });

  it("sotu-sp: training on the train split gives sotu-llama's committed tokenizer.json", () => {
    const train = readAddresses()
      .filter((_, i) => splitOf(i) === 'train')
      .map((d) => d.text);
    const { tokens, merges } = trainMetaspaceBpe(countTrainingPieces(train), {
      vocabSize: SP_VOCAB_SIZE,
      minCharCount: SP_MIN_CHAR_COUNT,
    });
    expect(tokens).toHaveLength(SP_VOCAB_SIZE);
    expect(asWritten(toMetaspaceTokenizerJson(tokens, merges))).toBe(committed('sotu-llama', 'tokenizer.json'));
    expect(asWritten(toMetaspaceTokenizerConfig(MODEL_MAX_LENGTH))).toBe(
      committed('sotu-llama', 'tokenizer_config.json'),
    );
  });

  it('sotu-bytes: 256 bytes and end-of-text, no merges', () => {
    expect(asWritten(toTokenizerJson(byteToChar.slice(), []))).toBe(committed('sotu-bytes', 'tokenizer.json'));
  });
});
