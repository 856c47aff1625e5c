/**
 * Per-tokenizer metrics for one text (docs/PAPERS.md section 8, issue 5), computed from a
 * tokenization with byte offsets so that every tokenizer is measured on the same words:
 * - characters per token, bytes per token (UTF-8): compression;
 * - fertility: the mean number of tokens per word, where a token counts for a word when their
 *   byte spans overlap (a "␣word" token counts once for "word"), over the words of
 *   words.ts' definition (default: Unicode word-like segments);
 * - split-word share: the share of words that overlap two or more tokens (Rust et al. 2021
 *   call it the proportion of continued words);
 * - numbers: for each run of decimal digits (\p{Nd}; "12,345" is two runs), how many digits
 *   each token holds, in order ("12345" → [3, 2] for Llama 3, [1, 1, 1, 1, 1] for Qwen3).
 */
import { findWords, type TextSpan, type WordDefinition } from './words';

/** What the metrics need of a token: its byte span in the text. */
export interface SpannedToken {
  start: number;
  end: number;
}

export interface DigitRun extends TextSpan {
  /** Digits held by each token that holds digits of this run, left to right. */
  pieces: number[];
}

export interface DigitMetrics {
  runs: DigitRun[];
  digits: number;
  /** Token pieces over all runs (a token holding digits of one run counts once for it). */
  pieces: number;
  /** digits / pieces; 0 without digits. */
  digitsPerPiece: number;
  /** pieces / runs; 0 without digits. */
  piecesPerRun: number;
  /** pieceLengthCounts[n]: how many pieces hold exactly n digits. */
  pieceLengthCounts: Record<number, number>;
}

export interface TokenizationMetrics {
  tokens: number;
  /** Unicode code points. */
  characters: number;
  /** UTF-8 bytes. */
  bytes: number;
  charactersPerToken: number;
  bytesPerToken: number;
  wordDefinition: WordDefinition;
  words: number;
  /** Mean tokens overlapping a word; 0 for a text without words. */
  fertility: number;
  /** Share of words overlapping at least two tokens, in [0, 1]. */
  splitWordShare: number;
  numbers: DigitMetrics;
}

/** Index of the first token whose end is past `byte` (tokens sorted by offset). */
function firstEndingAfter(tokens: readonly SpannedToken[], byte: number, from: number): number {
  let j = from;
  while (j < tokens.length && tokens[j].end <= byte) j++;
  return j;
}

/** Tokens overlapping each span, for spans in text order. */
export function tokensPerSpan(spans: readonly TextSpan[], tokens: readonly SpannedToken[]): number[] {
  const counts: number[] = [];
  let j = 0;
  for (const span of spans) {
    j = firstEndingAfter(tokens, span.start, j);
    let count = 0;
    for (let k = j; k < tokens.length && tokens[k].start < span.end; k++)
      if (tokens[k].end > tokens[k].start) count += 1;
    counts.push(count);
  }
  return counts;
}

const DIGIT_RUN = /\p{Nd}+/gu;

/** How the text's digit runs are cut into tokens. */
export function digitMetrics(text: string, tokens: readonly SpannedToken[]): DigitMetrics {
  const encoder = new TextEncoder();
  const runs: DigitRun[] = [];
  let bytes = 0;
  let last = 0;
  let j = 0;
  for (const match of text.matchAll(DIGIT_RUN)) {
    bytes += encoder.encode(text.slice(last, match.index)).length;
    const start = bytes;
    const pieces: number[] = [];
    let current = -1;
    for (const digit of match[0]) {
      j = firstEndingAfter(tokens, bytes, j);
      while (j < tokens.length && tokens[j].end === tokens[j].start) j++;
      if (j !== current) pieces.push(0);
      pieces[pieces.length - 1] += 1;
      current = j;
      bytes += encoder.encode(digit).length;
    }
    runs.push({ text: match[0], start, end: bytes, pieces });
    last = match.index + match[0].length;
  }
  const pieceLengthCounts: Record<number, number> = {};
  let digits = 0;
  let pieces = 0;
  for (const run of runs) {
    for (const length of run.pieces) {
      pieceLengthCounts[length] = (pieceLengthCounts[length] ?? 0) + 1;
      digits += length;
      pieces += 1;
    }
  }
  return {
    runs,
    digits,
    pieces,
    digitsPerPiece: pieces ? digits / pieces : 0,
    piecesPerRun: runs.length ? pieces / runs.length : 0,
    pieceLengthCounts,
  };
}

/**
 * Metrics of one tokenization of `text`.
 *
 * @example
 * const t = tokenizer.tokenize('Tokenizers split words.');
 * tokenizationMetrics(t.text, t.tokens).fertility // 1.33 when "Tokenizers" is two tokens
 */
export function tokenizationMetrics(
  text: string,
  tokens: readonly SpannedToken[],
  wordDefinition: WordDefinition = 'unicode-words',
): TokenizationMetrics {
  const characters = [...text].length;
  const bytes = new TextEncoder().encode(text).length;
  const words = findWords(text, wordDefinition);
  const perWord = tokensPerSpan(words, tokens);
  const sum = perWord.reduce((s, n) => s + n, 0);
  const split = perWord.filter((n) => n >= 2).length;
  const n = tokens.length;
  return {
    tokens: n,
    characters,
    bytes,
    charactersPerToken: n ? characters / n : 0,
    bytesPerToken: n ? bytes / n : 0,
    wordDefinition,
    words: words.length,
    fertility: words.length ? sum / words.length : 0,
    splitWordShare: words.length ? split / words.length : 0,
    numbers: digitMetrics(text, tokens),
  };
}
