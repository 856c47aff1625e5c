/**
 * The vocabulary's display text for every token of the tokenizers the app ships (written by
 * `npm run tokenizers`), against references that do not use our byte rendering:
 * - byte-level vocabularies: transformers.js' own decoder on that one token, for every token
 *   whose bytes are whole UTF-8 (it keeps a byte-order mark, as a byte-exact view must);
 * - SentencePiece vocabularies: the piece itself with `▁` read as a space.
 * Each real tokenizer has tokens that start with U+FEFF ("\uFEFFusing", "\uFEFF//"); a decoder
 * that drops a leading byte-order mark showed them as "using" and "//", or as nothing.
 */
import { describe, expect, it } from 'vitest';
import { readTokenizerFolder } from '../../tools/lib/tokenizerFolder';
import { tokenizerFromJson } from './tokenizerClass';
import { Vocabulary } from './vocabulary';

function shipped(name: string) {
  const { tokenizerJson: json, tokenizerConfig } = readTokenizerFolder(`public/tokenizers/${name}`);
  const tokenizer = tokenizerFromJson(json, tokenizerConfig);
  return { tokenizer, json, size: tokenizer.get_vocab().size };
}

const BOM = '\uFEFF';

describe('Vocabulary display text of shipped tokenizers', () => {
  // GPT-2's vocabulary has no token with U+FEFF; the others each have several.
  it.each([
    ['gpt2', 0],
    ['gpt-4o', 1],
    ['qwen3', 1],
    ['llama-3', 1],
    ['deepseek-v3', 1],
  ])('%s (byte-level): every whole-UTF-8 token reads as transformers.js decodes it', (name, leastWithBom) => {
    const { tokenizer, json, size } = shipped(name);
    const vocabulary = new Vocabulary(tokenizer, json, size);
    expect(vocabulary.byteScheme).toBe('byte-level');
    const { tokens, specialIds } = vocabulary.all();
    const special = new Set(specialIds);
    const wrong: string[] = [];
    let compared = 0;
    let withBom = 0;
    for (let id = 0; id < size; id++) {
      if (special.has(id)) continue;
      const decoded = tokenizer.decode([id], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
      if (decoded.includes('\uFFFD') && !tokens[id].includes('\uFFFD')) {
        // Part of a character: shown as bytes, never as a replacement character.
        if (!/\\x[0-9A-F]{2}/.test(tokens[id])) wrong.push(`${id}: ${JSON.stringify(tokens[id])} shows no bytes`);
        continue;
      }
      if (tokens[id] !== decoded || vocabulary.view(id).text !== decoded)
        wrong.push(`${id}: ${JSON.stringify(tokens[id])} is ${JSON.stringify(decoded)}`);
      compared += 1;
      if (decoded.includes(BOM)) withBom += 1;
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(size * 0.9);
    expect(withBom).toBeGreaterThanOrEqual(leastWithBom);
  });

  it.each(['llama-2', 'mistral-7b', 'gemma-3'])(
    '%s (SentencePiece): every piece reads as itself with ▁ as a space',
    (name) => {
      const { tokenizer, json, size } = shipped(name);
      const vocabulary = new Vocabulary(tokenizer, json, size);
      expect(vocabulary.byteScheme).toBe('byte-fallback');
      const { tokens, specialIds } = vocabulary.all();
      const special = new Set(specialIds);
      const pieces = new Array<string>(size).fill('');
      for (const [piece, id] of tokenizer.get_vocab()) if (id < size) pieces[id] = piece;
      const wrong: string[] = [];
      let withBom = 0;
      for (let id = 0; id < size; id++) {
        if (special.has(id) || /^<0x[0-9A-F]{2}>$/.test(pieces[id])) continue;
        const expected = pieces[id].replaceAll('\u2581', ' ');
        if (/\p{Cs}/u.test(expected)) continue; // a lone surrogate has no UTF-8 bytes to show
        if (tokens[id] !== expected) wrong.push(`${id}: ${JSON.stringify(tokens[id])} is ${JSON.stringify(expected)}`);
        if (expected.includes(BOM)) withBom += 1;
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      expect(withBom).toBeGreaterThan(0);
    },
  );
});
