/** A tokenization with byte offsets: what the byte-span tokenizer (engine/byteSpanTokenizer.ts) returns, as plain data. */
import type { Alignment } from './align';

export interface TokenSpan {
  /** Position in the tokenization, 0-based. */
  index: number;
  id: number;
  /** UTF-8 byte offsets of the token in the text (end exclusive); see Tokenization.alignment. */
  start: number;
  end: number;
  /** The bytes the token stands for (special tokens: the UTF-8 of their content). */
  bytes: Uint8Array;
  /** Byte-exact display: complete characters as text, bytes of split characters as `\xNN`. */
  text: string;
  special: boolean;
  /** A SentencePiece byte-fallback token `<0xNN>`. */
  byteFallback: boolean;
}

export interface Tokenization {
  text: string;
  /** UTF-8 length of the text. */
  byteLength: number;
  tokens: TokenSpan[];
  /** How the offsets were found (align.ts): `exact`, `normalized` or `partial`. */
  alignment: Alignment['kind'];
  /** The first token's leading space is a dummy prefix (no byte of the text). */
  dummyPrefix: boolean;
}
