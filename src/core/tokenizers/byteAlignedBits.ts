/**
 * Two models with different tokenizers on the same text, aligned on bytes (issue 5 item 6;
 * docs/PAPERS.md section 8): bits per byte is comparable across tokenizers, per-token perplexity is
 * not (a token is a different unit in each vocabulary). Each token's surprisal is spread evenly
 * over the bytes it covers; a word's bits are the sum over its bytes.
 *
 * Words are whitespace-separated (punctuation stays with its word) and each carries the
 * whitespace before it, as byte-level BPE tokens do (" Union"): every byte of the text then
 * belongs to exactly one word, so the words' bits add up to the text's.
 */
import { findWords, utf8Length } from './words';

/** A token with its UTF-8 byte span in the text and its surprisal under a model. */
export interface ScoredSpan {
  /** UTF-8 byte offsets in the text, end exclusive. */
  start: number;
  end: number;
  /** −log2 P(token | everything before it). */
  surprisalBits: number;
}

export interface WordBits {
  text: string;
  /** UTF-8 byte span, leading whitespace included. */
  start: number;
  end: number;
  bitsA: number;
  bitsB: number;
  bitsPerByteA: number;
  bitsPerByteB: number;
  /** bitsPerByteA − bitsPerByteB: positive where model A found the word harder. */
  differenceBitsPerByte: number;
}

export interface ByteAlignedComparison {
  words: WordBits[];
  totals: {
    bytes: number;
    bitsA: number;
    bitsB: number;
    bitsPerByteA: number;
    bitsPerByteB: number;
    /** Bits of tokens that cover no byte of the text (a special token not in it); in the totals, in no word. */
    unplacedBitsA: number;
    unplacedBitsB: number;
  };
}

/**
 * Bits per byte position: each token's surprisal divided evenly among its bytes.
 * @example bitsPerBytePosition(4, [{ start: 0, end: 3, surprisalBits: 6 }, { start: 3, end: 4, surprisalBits: 1 }]).bits // [2, 2, 2, 1]
 */
export function bitsPerBytePosition(
  byteLength: number,
  tokens: readonly ScoredSpan[],
): { bits: Float64Array; unplacedBits: number } {
  const bits = new Float64Array(byteLength);
  let unplacedBits = 0;
  for (const token of tokens) {
    const start = Math.max(0, token.start);
    const end = Math.min(byteLength, token.end);
    if (end <= start) {
      unplacedBits += token.surprisalBits;
      continue;
    }
    const share = token.surprisalBits / (end - start);
    for (let b = start; b < end; b++) bits[b] += share;
  }
  return { bits, unplacedBits };
}

/** Word spans with the whitespace before each word; trailing whitespace goes to the last word. */
function wordSpans(text: string): { text: string; start: number; end: number }[] {
  const byteLength = utf8Length(text);
  const words = findWords(text, 'whitespace');
  return words.map((word, i) => ({
    text: word.text,
    start: i === 0 ? 0 : words[i - 1].end,
    end: i === words.length - 1 ? byteLength : word.end,
  }));
}

const sumRange = (values: Float64Array, start: number, end: number) => {
  let sum = 0;
  for (let b = start; b < end; b++) sum += values[b];
  return sum;
};

/** Bits per byte per word of two models over one text, from each model's scored tokens. */
export function compareOnBytes(
  text: string,
  tokensA: readonly ScoredSpan[],
  tokensB: readonly ScoredSpan[],
): ByteAlignedComparison {
  const byteLength = utf8Length(text);
  const a = bitsPerBytePosition(byteLength, tokensA);
  const b = bitsPerBytePosition(byteLength, tokensB);
  const words = wordSpans(text).map((span): WordBits => {
    const bytes = span.end - span.start;
    const bitsA = sumRange(a.bits, span.start, span.end);
    const bitsB = sumRange(b.bits, span.start, span.end);
    return {
      ...span,
      bitsA,
      bitsB,
      bitsPerByteA: bitsA / bytes,
      bitsPerByteB: bitsB / bytes,
      differenceBitsPerByte: (bitsA - bitsB) / bytes,
    };
  });
  const bitsA = sumRange(a.bits, 0, byteLength) + a.unplacedBits;
  const bitsB = sumRange(b.bits, 0, byteLength) + b.unplacedBits;
  return {
    words,
    totals: {
      bytes: byteLength,
      bitsA,
      bitsB,
      bitsPerByteA: byteLength ? bitsA / byteLength : 0,
      bitsPerByteB: byteLength ? bitsB / byteLength : 0,
      unplacedBitsA: a.unplacedBits,
      unplacedBitsB: b.unplacedBits,
    },
  };
}

/** The words where the two models disagree most (largest |bits per byte difference|), most first. */
export function largestDisagreements(words: readonly WordBits[], count: number): WordBits[] {
  return [...words]
    .sort((x, y) => Math.abs(y.differenceBitsPerByte) - Math.abs(x.differenceBitsPerByte) || x.start - y.start)
    .slice(0, count);
}
