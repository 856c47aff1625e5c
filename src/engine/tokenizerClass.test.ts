/**
 * The model's tokenizer is built from the JSON files the loader already parsed
 * (tokenizerFromJson, with the class tokenizerClass picks). Checked against transformers.js' own AutoTokenizer.from_pretrained on
 * the same files, for every embedded model and every shipped tokenizer: the same class and the
 * same ids on a multilingual text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/lib/files';
import { mixedUnicodeStrings } from '../../tools/lib/mixedUnicode';
import { readTokenizerFolder } from '../../tools/lib/tokenizerFolder';
import { tokenizerFromJson } from './tokenizerClass';
import { configureTransformers, registerModelFiles } from './transformersBridge';

/** Folders relative to the repository root. */
const folders = [
  ...['sotu-gpt', 'sotu-bytes', 'sotu-llama'].map((id) => join('public', 'models', id)),
  ...['gpt2', 'gpt-4o', 'qwen3', 'llama-3', 'deepseek-v3', 'llama-2', 'mistral-7b', 'gemma-3'].map((id) =>
    join('public', 'tokenizers', id),
  ),
];
const TEXT = [
  'Tokenizers cut 12345 apples 😀 in 2024, naïve café!',
  '\uFEFFusing System; // déjà vu — Привет, мир! 你好，世界。 مرحبا بالعالم नमस्ते',
  ...mixedUnicodeStrings(20, { seed: 11, maxCharacters: 40, whitespaceChance: 0.2 }),
].join('\n');

describe('tokenizerClass', () => {
  it.each(folders)('%s: the same tokenizer as AutoTokenizer.from_pretrained', async (folder) => {
    const { tokenizerJson, tokenizerConfig } = readTokenizerFolder(folder);
    const built = tokenizerFromJson(tokenizerJson, tokenizerConfig);

    const bytes = new Map(
      ['tokenizer.json', 'tokenizer_config.json'].map((file) => [file, readFileSync(join(repoRoot, folder, file))]),
    );
    configureTransformers({ node: true });
    const { modelKey, unregister } = registerModelFiles(bytes);
    const reference = await AutoTokenizer.from_pretrained(modelKey).finally(unregister);
    expect(built.constructor).toBe(reference.constructor);
    expect(built.encode(TEXT)).toEqual(reference.encode(TEXT));
    expect(built.decode(built.encode(TEXT))).toBe(reference.decode(reference.encode(TEXT)));
  });
});
