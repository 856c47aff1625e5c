/**
 * SentencePiece without byte tokens (T5, mT5, ALBERT, XLM-R: a Unigram model, a Metaspace
 * decoder, no ByteFallback) reads `▁` as a space like the byte-fallback vocabularies do. Before,
 * its tokens kept `▁` as the bytes E2 96 81, so chips showed "▁Hello" and no token could be
 * placed on the text's bytes.
 */
import { describe, expect, it } from 'vitest';
import { ByteSpanTokenizer } from './byteSpanTokenizer';

const unigramJson = {
  version: '1.0',
  added_tokens: [
    { id: 0, content: '<unk>', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false },
  ],
  normalizer: null,
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  post_processor: null,
  decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  model: {
    type: 'Unigram',
    unk_id: 0,
    byte_fallback: false,
    vocab: [
      ['<unk>', 0],
      ['▁', -2],
      ['▁Hello', -1],
      ['▁world', -1],
      ['é', -4],
      ...[...'Hellowrdcaf'].map((c) => [c, -5]),
    ],
  },
};

describe('ByteSpanTokenizer on SentencePiece without byte fallback', () => {
  it('reads ▁ as a space and places every token on the bytes of the text', () => {
    const tokenizer = ByteSpanTokenizer.fromJson(unigramJson, {});
    expect(tokenizer.byteScheme).toBe('byte-fallback');
    expect(tokenizer.addsPrefixSpace).toBe(true);
    const text = 'Hello world café';
    const { tokens, alignment } = tokenizer.tokenize(text);
    expect(alignment).toBe('exact');
    expect(tokens.map((t) => t.text)).toEqual([' Hello', ' world', ' ', 'c', 'a', 'f', 'é']);
    // Each token covers its own bytes, in order, without gaps (the first space is the dummy prefix).
    const bytes = new TextEncoder().encode(text);
    expect(tokens[0].start).toBe(0);
    expect(tokens.at(-1)!.end).toBe(bytes.length);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i].start).toBe(tokens[i - 1].end);
  });
});
