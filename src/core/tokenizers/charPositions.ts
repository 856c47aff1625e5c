/**
 * CharBench's character-position data (Uzan & Pinter; docs/PAPERS.md section 8): for each
 * character of a word, the token that contains it, that token's length in characters and the
 * character's offset inside it. CharBench found intra-word positional accuracy falls as the
 * containing token grows; the lab draws these numbers over the word for every tokenizer.
 *
 * Definitions: characters are Unicode code points. A token's length counts every character of
 * the text its byte span touches, a leading space included ("␣straw" is 6 long, and 's' sits
 * at offset 1), because that is the piece the model sees. A character whose bytes fall in two
 * tokens (a split emoji) belongs to the token holding its first byte and is flagged.
 */
import type { SpannedToken } from './metrics';
import { characterSpans, type TextSpan } from './words';

export interface CharPosition {
  char: string;
  /** Position of the character in the word, 0-based. */
  index: number;
  /** Byte span of the character in the text. */
  start: number;
  end: number;
  /** Index (in the tokenization) of the token holding the character's first byte; -1 if none. */
  token: number;
  /** Characters of the text the containing token touches. */
  tokenLength: number;
  /** Position of the character among them, 0-based. */
  offsetInToken: number;
  /** The character's bytes are spread over more than one token. */
  splitAcrossTokens: boolean;
}

/** Index of the token whose (non-empty) span holds `byte`, or -1. */
function tokenAt(tokens: readonly SpannedToken[], byte: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid].end <= byte) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < tokens.length && tokens[k].start <= byte; k++) if (tokens[k].end > byte) return k;
  return -1;
}

/** Characters of `characters` (in text order) that overlap the byte span [start, end). */
function touching(characters: readonly TextSpan[], start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < characters.length; i++) {
    if (characters[i].end <= start) continue;
    if (characters[i].start >= end) break;
    out.push(i);
  }
  return out;
}

/**
 * Character positions for the word at bytes [wordStart, wordEnd) of a tokenized text.
 *
 * @example
 * // GPT-2 cuts " strawberry" as " straw" + "berry"
 * charPositions(t.text, t.tokens, 1, 11)[5] // { char: 'b', tokenLength: 5, offsetInToken: 0, ... }
 */
export function charPositions(
  text: string,
  tokens: readonly SpannedToken[],
  wordStart: number,
  wordEnd: number,
): CharPosition[] {
  const characters = characterSpans(text);
  const out: CharPosition[] = [];
  let index = 0;
  for (const c of characters) {
    if (c.start < wordStart) continue;
    if (c.start >= wordEnd) break;
    const token = tokenAt(tokens, c.start);
    let tokenLength = 0;
    let offsetInToken = 0;
    let splitAcrossTokens = false;
    if (token >= 0) {
      const inToken = touching(characters, tokens[token].start, tokens[token].end);
      tokenLength = inToken.length;
      offsetInToken = inToken.findIndex((i) => characters[i].start === c.start);
      splitAcrossTokens = tokens[token].end < c.end;
    }
    out.push({ char: c.text, index, start: c.start, end: c.end, token, tokenLength, offsetInToken, splitAcrossTokens });
    index += 1;
  }
  return out;
}

/**
 * Tokenizes a word the way it usually appears (after a space unless `prefix` says otherwise)
 * and returns its character positions.
 */
export function charPositionsOfWord(
  tokenize: (text: string) => { text: string; tokens: readonly SpannedToken[] },
  word: string,
  prefix = ' ',
): CharPosition[] {
  const t = tokenize(prefix + word);
  const start = new TextEncoder().encode(prefix).length;
  return charPositions(t.text, t.tokens, start, start + new TextEncoder().encode(word).length);
}
