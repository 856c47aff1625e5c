/** A tokenizer's files in a folder of the repository (public/models/<id>, public/tokenizers/<id>), for tests and tools. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { tokenizerFromJson } from '../../src/engine/tokenizerClass';
import { repoRoot } from './files';

/** `tokenizer.json` and `tokenizer_config.json` of `folder` (relative to the repository), parsed. */
export function readTokenizerFolder(folder: string): {
  tokenizerJson: unknown;
  tokenizerConfig: Record<string, unknown>;
} {
  const path = join(repoRoot, folder);
  if (!existsSync(join(path, 'tokenizer.json')))
    throw new Error(`${folder}/tokenizer.json is missing (public/tokenizers: npm run tokenizers)`);
  const read = (file: string) => JSON.parse(readFileSync(join(path, file), 'utf8')) as unknown;
  return {
    tokenizerJson: read('tokenizer.json'),
    tokenizerConfig: read('tokenizer_config.json') as Record<string, unknown>,
  };
}

/** The tokenizer of `folder`, built as the app builds a model's tokenizer. */
export function tokenizerInFolder(folder: string): PreTrainedTokenizer {
  const { tokenizerJson, tokenizerConfig } = readTokenizerFolder(folder);
  return tokenizerFromJson(tokenizerJson, tokenizerConfig);
}
