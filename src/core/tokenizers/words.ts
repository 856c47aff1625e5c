/**
 * Words and characters of a text with their UTF-8 byte spans, for per-word tokenizer metrics.
 *
 * Word definitions (say which one a number was computed with):
 * - `unicode-words` (default): the word-like segments of `Intl.Segmenter` (Unicode UAX #29
 *   word boundaries, with dictionary segmentation for Chinese, Japanese and Thai, which write
 *   no spaces). Punctuation and spaces are not words; "don't" and "12,345" are one word each.
 * - `whitespace`: maximal runs of non-whitespace characters, punctuation included ("park." is
 *   one word); meaningless for scripts written without spaces.
 */

export type WordDefinition = 'unicode-words' | 'whitespace';

export interface TextSpan {
  text: string;
  /** UTF-8 byte offsets in the whole text, end exclusive. */
  start: number;
  end: number;
}

const encoder = new TextEncoder();

/** UTF-8 length of a string without allocating its bytes. */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i += 1;
    } else length += 3;
  }
  return length;
}

/** Words of a text with their byte spans. */
export function findWords(text: string, definition: WordDefinition = 'unicode-words'): TextSpan[] {
  const words: TextSpan[] = [];
  if (definition === 'whitespace') {
    let bytes = 0;
    let last = 0;
    for (const match of text.matchAll(/\S+/gu)) {
      bytes += utf8Length(text.slice(last, match.index));
      const length = utf8Length(match[0]);
      words.push({ text: match[0], start: bytes, end: bytes + length });
      bytes += length;
      last = match.index + match[0].length;
    }
    return words;
  }
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
  let bytes = 0;
  for (const chunk of wordSafeChunks(text)) {
    for (const { segment, isWordLike } of segmenter.segment(chunk)) {
      const length = utf8Length(segment);
      if (isWordLike) words.push({ text: segment, start: bytes, end: bytes + length });
      bytes += length;
    }
  }
  return words;
}

/** Chunk length (UTF-16 code units) past which findWords looks for a place to cut. */
export const SEGMENT_CHUNK_LENGTH = 2000;
/** After a space, these always start a new word segment (they are not Extend, Format or ZWJ). */
const STARTS_AFTER_SPACE = /[\p{L}\p{N}\p{P}]/u;

/**
 * Cuts a text into pieces at places where UAX #29 always breaks words: after a line feed
 * (WB3a) and between a space and a letter, digit or punctuation mark (no rule joins them).
 * NOTE: V8's Intl.Segmenter iterates long strings in superlinear time (80,000 characters took
 * 36 s here, 20,000 took 0.08 s), so findWords segments these pieces one by one; the result
 * is the same as segmenting the whole text.
 */
export function* wordSafeChunks(text: string, chunkLength = SEGMENT_CHUNK_LENGTH): Generator<string> {
  let start = 0;
  let i = start + chunkLength;
  while (i < text.length) {
    const previous = text.charCodeAt(i - 1);
    if (previous === 0x0a || (previous === 0x20 && STARTS_AFTER_SPACE.test(text[i]))) {
      yield text.slice(start, i);
      start = i;
      i = start + chunkLength;
    } else {
      i += 1;
    }
  }
  yield text.slice(start);
}

/** The code points of a text with their byte spans. */
export function characterSpans(text: string): TextSpan[] {
  const out: TextSpan[] = [];
  let bytes = 0;
  for (const char of text) {
    const length = encoder.encode(char).length;
    out.push({ text: char, start: bytes, end: bytes + length });
    bytes += length;
  }
  return out;
}
