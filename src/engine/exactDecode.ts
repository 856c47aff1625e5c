/** Token ids back to text, the way every part of the app needs it: exactly. */
import type { PreTrainedTokenizer } from '@huggingface/transformers';

/**
 * The tokenizer's text for `ids`, special tokens kept, without transformers.js' space clean-up:
 * GPT-2's and Llama 3's configs turn it on, and it drops the space before `,` `.` `!` `'s`, so
 * "it 's" would come back as "it's".
 */
export function decodeExactly(tokenizer: PreTrainedTokenizer, ids: readonly number[]): string {
  return tokenizer.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
}
