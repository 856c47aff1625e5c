import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeExactly } from './exactDecode';
import { REPO_ROOT } from './nodeRuntime';
import { tokenizerClass } from './tokenizerClass';

function shippedTokenizer(name: string) {
  const read = (file: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'public', 'tokenizers', name, file), 'utf8'));
  const config = read('tokenizer_config.json') as Record<string, unknown>;
  return { tokenizer: new (tokenizerClass(config))(read('tokenizer.json'), config), config };
}

describe('decodeExactly', () => {
  // Both configs ask transformers.js for its space clean-up, which would change these texts.
  it.each(['gpt2', 'llama-3'])('%s: gives back the text its ids came from', (name) => {
    const { tokenizer, config } = shippedTokenizer(name);
    expect(config.clean_up_tokenization_spaces).toBe(true);
    const text = "x = f(a , b) ; it 's 1 . 5 ! ok ? n't";
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    expect(decodeExactly(tokenizer, ids)).toBe(text);
    expect(tokenizer.decode(ids, { skip_special_tokens: false })).not.toBe(text);
  });
});
