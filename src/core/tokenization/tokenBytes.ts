/**
 * Byte-exact token rendering. A byte-level BPE token can hold part of a UTF-8 character
 * (an emoji is 4 bytes and is often split in two tokens); decoding such a token alone with
 * a lenient decoder gives U+FFFD. We recover each token's bytes and show the bytes that do
 * not form a complete character as `\xNN` instead.
 */
import { byteOfAlphabetCharCode } from './byteLevel';
import { strictUtf8Decoder } from './utf8Decoders';

/**
 * How a vocabulary's token strings encode bytes:
 * - `byte-level`: GPT-2's printable byte alphabet (`Ġ` is a space);
 * - `byte-fallback`: SentencePiece style, `▁` is a space and `<0xNN>` is a raw byte (where the
 *   vocabulary has byte tokens: T5's and ALBERT's have none);
 * - `plain`: the token string is the text itself.
 */
export type TokenByteScheme = 'byte-level' | 'byte-fallback' | 'plain';

const utf8Encoder = new TextEncoder();
const BYTE_FALLBACK_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** The bytes a vocabulary token stands for under the given scheme. */
export function tokenBytes(token: string, scheme: TokenByteScheme): Uint8Array {
  if (scheme === 'byte-level') {
    // Special tokens such as `<|endoftext|>` only use alphabet characters too; anything
    // outside the alphabet (an added token with raw Unicode) is taken as its UTF-8 text.
    // Every alphabet character is one UTF-16 unit, so the string's units are its characters.
    const bytes = new Uint8Array(token.length);
    for (let i = 0; i < token.length; i++) {
      const byte = byteOfAlphabetCharCode[token.charCodeAt(i)] ?? -1;
      if (byte < 0) return utf8Encoder.encode(token);
      bytes[i] = byte;
    }
    return bytes;
  }
  if (scheme === 'byte-fallback') {
    const byte = BYTE_FALLBACK_TOKEN.exec(token);
    if (byte) return Uint8Array.of(parseInt(byte[1], 16));
    return utf8Encoder.encode(token.replaceAll('\u2581', ' '));
  }
  return utf8Encoder.encode(token);
}

/** Length of the UTF-8 sequence a lead byte starts, or 0 for a byte that cannot lead one. */
function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function hexByte(b: number): string {
  return `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Renders bytes as text, byte-exact: complete UTF-8 characters as themselves, every byte
 * of an incomplete or invalid sequence as `\xNN`. Never produces U+FFFD for bytes that
 * were not U+FFFD.
 *
 * @example
 * renderTokenBytes(new Uint8Array([0x20, 0x68, 0x69])) // " hi"
 * renderTokenBytes(new Uint8Array([0xf0, 0x9f]))       // "\\xF0\\x9F"
 */
export function renderTokenBytes(bytes: Uint8Array): string {
  // Nearly every token is valid UTF-8 throughout: one decode gives the same text as the
  // character-by-character walk below (a whole vocabulary renders several times faster).
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    // Some bytes are shown as \xNN: walk the characters.
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes[i]);
    if (length > 0 && i + length <= bytes.length) {
      try {
        out += strictUtf8Decoder.decode(bytes.subarray(i, i + length));
        i += length;
        continue;
      } catch {
        // Not a valid sequence (bad continuation, overlong or surrogate): fall through to hex.
      }
    }
    out += hexByte(bytes[i]);
    i += 1;
  }
  return out;
}

/** Whether the bytes are complete, valid UTF-8 (so the token reads as ordinary text). */
export function isCompleteUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8Decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const HEX_OF_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lowercase hex of the bytes, e.g. "20e2". */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX_OF_BYTE[bytes[i]];
  return hex;
}

/**
 * Infers the byte scheme from a `tokenizer.json` decoder description: a `ByteLevel`
 * decoder means GPT-2 style; a `ByteFallback` step or a `Metaspace` decoder (SentencePiece
 * without byte tokens: T5, ALBERT, XLM-R) means SentencePiece style.
 */
export function byteSchemeOfDecoder(decoder: unknown): TokenByteScheme {
  const types: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as { type?: unknown; decoders?: unknown };
    if (typeof record.type === 'string') types.push(record.type);
    if (Array.isArray(record.decoders)) record.decoders.forEach(visit);
  };
  visit(decoder);
  if (types.includes('ByteLevel')) return 'byte-level';
  if (types.includes('ByteFallback') || types.includes('Metaspace')) return 'byte-fallback';
  return 'plain';
}
