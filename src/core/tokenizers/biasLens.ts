/**
 * Inputs for the tokenization-bias lens (docs/PAPERS.md section 4): demo prompts that end mid-word
 * or with a trailing space, and the split point the exact next-byte computation may encode on
 * its own (`boundary` of exactNextByteDistribution).
 */
import type { ByteTokenizer } from './byteLemma';

export interface BiasDemoPrompt {
  text: string;
  kind: 'mid-word' | 'trailing-space';
  /** What the lens should make visible. */
  note: string;
}

/**
 * Demo prompts. The last three fit the embedded models, trained on State of the Union
 * addresses; the first two are the paper's kind of example for general models. The token
 * facts in the notes were checked with the shipped tokenizers.
 */
export const BIAS_DEMO_PROMPTS: readonly BiasDemoPrompt[] = [
  {
    text: 'The Eiffel Tow',
    kind: 'mid-word',
    note: 'GPT-2, Llama 2 and Gemma 3 have " Tower" as one token, so after the token " Tow" the naive model rarely predicts "er"; the exact next byte is "e"',
  },
  {
    text: 'The capital of France is ',
    kind: 'trailing-space',
    note: 'words carry their leading space (" Paris" is one token in GPT-2, Llama 2, Gemma 3 and sotu-gpt), so a lone " " token is rare; the exact next byte is dominated by "P"',
  },
  {
    text: 'the State of the Uni',
    kind: 'mid-word',
    note: '" Union" is one token in sotu-gpt and GPT-2, so " Uni" followed by "on" is a sequence the model never saw',
  },
  {
    text: 'Mr. Speaker, Mr. Vice President, Members of Cong',
    kind: 'mid-word',
    note: '" Congress" is one token in sotu-gpt and GPT-2; after " Cong" the naive model must guess a rare continuation',
  },
  {
    text: 'My fellow citizens of the United ',
    kind: 'trailing-space',
    note: 'the trailing space belongs to the next word\'s token (" States" in sotu-gpt and GPT-2)',
  },
];

const PROBES = ['a', 'e', 'o', 'A', 'P', ' ', '.', ',', '1', '\n', 'é', '日'];
const encoder = new TextEncoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const isPrefix = (prefix: readonly number[], ids: readonly number[]) =>
  prefix.length <= ids.length && prefix.every((id, i) => ids[i] === id);

/**
 * The last split of `x` that stays a token boundary whatever is appended: a position i where a
 * space run starts (x[i] is a space, x[i-1] is not), so the word being typed and any trailing
 * spaces lie after it, and where encode(x[:i]) is a prefix of encode(x) and of encode(x + p) for
 * a dozen probe characters p. 0 when no such split passes (then every split is enumerated).
 * The probes are a check, not a proof: they catch the regex pre-tokenizer rules
 * (`\s+(?!\S)`) and SentencePiece merges across "▁" that a plain "last space" rule misses.
 */
export function stableBoundary(x: Uint8Array, tokenizer: Pick<ByteTokenizer, 'encode'>): number {
  const whole = tokenizer.encode(x);
  if (!whole) return 0;
  const extended = PROBES.map((p) => tokenizer.encode(concat(x, encoder.encode(p))));
  for (let i = x.length - 1; i > 0; i--) {
    if (x[i] !== 0x20 || x[i - 1] === 0x20) continue;
    const cond = tokenizer.encode(x.subarray(0, i));
    if (cond && isPrefix(cond, whole) && extended.every((ids) => ids !== null && isPrefix(cond, ids))) return i;
  }
  return 0;
}
