import { describe, expect, it } from 'vitest';
import { readTokenizerFolder } from '../../tools/lib/tokenizerFolder';
import { decodeExactly } from './exactDecode';
import { tokenizerFromJson } from './tokenizerClass';

describe('decodeExactly', () => {
  // Both configs ask transformers.js for its space clean-up, which would change these texts.
  it.each(['gpt2', 'llama-3'])('%s: gives back the text its ids came from', (name) => {
    const { tokenizerJson, tokenizerConfig: config } = readTokenizerFolder(`public/tokenizers/${name}`);
    const tokenizer = tokenizerFromJson(tokenizerJson, config);
    expect(config.clean_up_tokenization_spaces).toBe(true);
    const text = "x = f(a , b) ; it 's 1 . 5 ! ok ? n't";
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    expect(decodeExactly(tokenizer, ids)).toBe(text);
    expect(tokenizer.decode(ids, { skip_special_tokens: false })).not.toBe(text);
  });
});
