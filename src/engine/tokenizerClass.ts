/** Building a tokenizer the way AutoTokenizer does (its class from the config), from files already parsed. */
import * as transformers from '@huggingface/transformers';
import { PreTrainedTokenizer } from '@huggingface/transformers';

/** The transformers.js class AutoTokenizer would pick from `tokenizer_config.json`. */
export function tokenizerClass(config: Record<string, unknown>): typeof PreTrainedTokenizer {
  const name = typeof config.tokenizer_class === 'string' ? config.tokenizer_class.replace(/Fast$/, '') : '';
  const candidate = (transformers as unknown as Record<string, unknown>)[name];
  if (
    typeof candidate === 'function' &&
    (candidate === PreTrainedTokenizer || candidate.prototype instanceof PreTrainedTokenizer)
  ) {
    return candidate as typeof PreTrainedTokenizer;
  }
  return PreTrainedTokenizer;
}

/** A tokenizer from its parsed `tokenizer.json` and `tokenizer_config.json`, as AutoTokenizer builds it. */
export function tokenizerFromJson(
  tokenizerJson: unknown,
  tokenizerConfig: Record<string, unknown>,
): PreTrainedTokenizer {
  const Class = tokenizerClass(tokenizerConfig);
  return new Class(tokenizerJson as never, tokenizerConfig);
}
