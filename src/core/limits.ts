/**
 * Every input limit of the app's views and the CLI, in one place. The views state them before
 * any work starts and check bytes before tokenizing; the engine checks them again (the CLI runs
 * the same engine); the CLI's help and the README print `limitSentence` (a unit test compares).
 *
 * A byte limit is checked on the UTF-8 text before anything runs; a token limit after
 * tokenizing, before the model runs. Both exist where cost grows with tokens but a huge paste
 * should not even be tokenized.
 */
import { formatBytes } from './formatBytes';

export interface InputLimit {
  /** The view in a sentence ("the next-token lab takes …"). */
  name: string;
  /** Where it applies, as the README's table and the CLI's help name it. */
  where: string;
  /** UTF-8 bytes of the text (or prompt), checked before tokenizing. */
  maxBytes: number;
  /** Tokens of the text, checked after tokenizing and before the model runs; null when bytes alone bound the cost. */
  maxTokens: number | null;
}

/** English prose averages about 4 UTF-8 bytes per token on the GPT-2-style tokenizers here: only for "about N kB of English". */
export const ENGLISH_BYTES_PER_TOKEN = 4;

export const LIMITS = {
  nextTokenLab: { name: 'the next-token lab', where: 'Next-token lab', maxBytes: 200_000, maxTokens: 50_000 },
  bigramView: { name: 'the bigram view', where: 'Bigram view, `cli bigram`', maxBytes: 200_000, maxTokens: 20_000 },
  tokenizerLab: {
    name: 'the tokenizer lab',
    where: 'Tokenizer lab, `cli compare-tokenizers`',
    maxBytes: 1_000_000,
    maxTokens: null,
  },
  twoModels: { name: 'the two-model comparison', where: 'Two models on one text', maxBytes: 20_000, maxTokens: null },
  corpusView: {
    name: 'the corpus view',
    where: 'Corpus view (the text scored), `cli ngram score`',
    maxBytes: 200_000,
    maxTokens: 20_000,
  },
  corpusTexts: {
    name: 'a corpus of your texts',
    where: 'Corpus view (your texts indexed), `cli ngram build`',
    maxBytes: 20_000_000,
    maxTokens: null,
  },
  nextBytes: {
    name: 'the exact next byte',
    where: 'Exact next byte (bias lens), `cli next-bytes`',
    maxBytes: 200,
    maxTokens: null,
  },
} as const satisfies Record<string, InputLimit>;

/**
 * Texts longer than this are not put in a view's text box (a textarea lays out all of its text
 * on every width change): the view holds them and shows a card instead (LongTextBox).
 */
export const TEXT_BOX_MAX_BYTES = 100_000;

/** "up to 50,000 tokens (about 200 kB of English) and 200 kB": what each view and the CLI's help say. */
export function limitSentence(limit: InputLimit): string {
  if (limit.maxTokens === null) return `up to ${size(limit.maxBytes)}`;
  const english = size(limit.maxTokens * ENGLISH_BYTES_PER_TOKEN);
  return `up to ${limit.maxTokens.toLocaleString('en-US')} tokens (about ${english} of English) and ${size(limit.maxBytes)}`;
}

/** "200 bytes", "20.0 kB (20,001 bytes)": exact where rounding would hide that the text is over. */
function size(bytes: number, exact = false): string {
  if (bytes < 1000) return `${bytes} bytes`;
  return exact ? `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)` : formatBytes(bytes);
}

/** Why a text is refused before tokenizing, or null when its bytes are within the limit. */
export function bytesProblem(limit: InputLimit, bytes: number, what = 'This text'): string | null {
  if (bytes <= limit.maxBytes) return null;
  return `${what} is ${size(bytes, true)}; ${limit.name} takes ${limitSentence(limit)}.`;
}

/** Why a tokenized text is refused before the model runs, or null when its tokens are within the limit. */
export function tokensProblem(limit: InputLimit, tokens: number): string | null {
  if (limit.maxTokens === null || tokens <= limit.maxTokens) return null;
  return `The text has ${tokens.toLocaleString('en-US')} tokens; ${limit.name} takes ${limitSentence(limit)}.`;
}
