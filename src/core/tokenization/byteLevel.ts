/**
 * GPT-2's byte-level alphabet: every byte 0..255 maps to one printable Unicode character,
 * so that byte-level BPE vocabularies can be stored as JSON strings. Bytes that are already
 * printable (and not space) map to themselves; the others are shifted to 256 + n.
 */

function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const byteToChar: string[] = new Array(256);
  for (const b of printable) byteToChar[b] = String.fromCodePoint(b);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    if (byteToChar[b] === undefined) byteToChar[b] = String.fromCodePoint(256 + shifted++);
  }
  return byteToChar;
}

/** byteToChar[b] is the alphabet character standing for byte b. */
export const byteToChar: readonly string[] = buildByteToChar();

/** The inverse of byteToChar. */
export const charToByte: ReadonlyMap<string, number> = new Map(byteToChar.map((c, b) => [c, b]));

/**
 * The same inverse by UTF-16 code, for tight loops: the byte an alphabet character stands
 * for, -1 for codes below U+0144 outside the alphabet, undefined above (every alphabet
 * character is at most U+0143).
 */
export const byteOfAlphabetCharCode: Readonly<Int16Array> = (() => {
  const table = new Int16Array(Math.max(...byteToChar.map((c) => c.charCodeAt(0))) + 1).fill(-1);
  byteToChar.forEach((c, b) => (table[c.charCodeAt(0)] = b));
  return table;
})();

/** Encodes bytes as a byte-level token string, e.g. [0x20, 0x61] -> "Ġa". */
export function bytesToTokenString(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += byteToChar[bytes[i]];
  return out;
}

/** Decodes a byte-level token string back to its bytes; throws on a character outside the alphabet. */
export function tokenStringToBytes(token: string): Uint8Array {
  const chars = Array.from(token);
  const bytes = new Uint8Array(chars.length);
  chars.forEach((c, i) => {
    const b = charToByte.get(c);
    if (b === undefined)
      throw new Error(`"${token}" is not a byte-level token string (character U+${c.codePointAt(0)!.toString(16)})`);
    bytes[i] = b;
  });
  return bytes;
}

/**
 * The GPT-2 pre-tokenizer pattern, exactly as `@huggingface/tokenizers` applies it for a
 * `ByteLevel` pre-tokenizer with `use_regex: true`.
 */
export const GPT2_PRETOKENIZE_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Splits text into GPT-2 pre-tokens (words with their leading space). */
export function pretokenize(text: string): string[] {
  return text.match(new RegExp(GPT2_PRETOKENIZE_PATTERN.source, 'gu')) ?? [];
}
