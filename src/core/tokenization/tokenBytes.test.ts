import { describe, expect, it } from 'vitest';
import { byteToChar, bytesToTokenString } from './byteLevel';
import { byteSchemeOfDecoder, bytesToHex, isCompleteUtf8, renderTokenBytes, tokenBytes } from './tokenBytes';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('tokenBytes', () => {
  it('reads byte-level tokens through the GPT-2 alphabet', () => {
    expect(Array.from(tokenBytes('Ġthe', 'byte-level'))).toEqual(Array.from(utf8(' the')));
    const emoji = utf8('😀');
    expect(Array.from(tokenBytes(bytesToTokenString(emoji.subarray(0, 2)), 'byte-level'))).toEqual([0xf0, 0x9f]);
  });

  it('reads every alphabet character as its byte, and a token with any other character as UTF-8', () => {
    byteToChar.forEach((c, b) => expect(Array.from(tokenBytes(`${c}${c}`, 'byte-level'))).toEqual([b, b]));
    // Outside the alphabet: a character below U+0144 (a space), above it, and an astral one.
    for (const token of ['<|end of text|>', 'Ġa€', '😀']) expect(tokenBytes(token, 'byte-level')).toEqual(utf8(token));
  });

  it('reads SentencePiece byte-fallback tokens', () => {
    expect(Array.from(tokenBytes('<0x0A>', 'byte-fallback'))).toEqual([0x0a]);
    expect(Array.from(tokenBytes('▁the', 'byte-fallback'))).toEqual(Array.from(utf8(' the')));
  });

  it('treats plain tokens as UTF-8 text', () => {
    expect(Array.from(tokenBytes('é', 'plain'))).toEqual([0xc3, 0xa9]);
  });
});

describe('renderTokenBytes', () => {
  it('shows complete characters as text', () => {
    expect(renderTokenBytes(utf8(' naïve 日本 😀'))).toBe(' naïve 日本 😀');
  });

  it('shows the bytes of a split character as hex, never U+FFFD', () => {
    const emoji = utf8('😀');
    expect(renderTokenBytes(emoji.subarray(0, 2))).toBe('\\xF0\\x9F');
    expect(renderTokenBytes(emoji.subarray(2))).toBe('\\x98\\x80');
    expect(renderTokenBytes(Uint8Array.of(0x61, 0xe6, 0x97))).toBe('a\\xE6\\x97');
    expect(renderTokenBytes(emoji.subarray(0, 2))).not.toContain('\uFFFD');
  });

  it('keeps U+FEFF wherever it stands (a decoder drops a leading byte-order mark unless told not to)', () => {
    for (const text of ['\uFEFF', '\uFEFFusing', 'a\uFEFF', ' \uFEFF\uFEFF'])
      expect(renderTokenBytes(utf8(text))).toBe(text);
    expect(renderTokenBytes(Uint8Array.of(0xef, 0xbb, 0xbf, 0xf0, 0x9f))).toBe('\uFEFF\\xF0\\x9F');
  });

  it('agrees with a reference built on Node Buffer on random bytes', () => {
    // The rule, written from the definition: a character is shown as itself when its bytes
    // are valid UTF-8 (Buffer decodes them to one code point and encodes it back to the same
    // bytes), and every other byte as \xNN.
    const sequenceLength = (lead: number) =>
      lead < 0x80 ? 1 : lead >> 5 === 6 ? 2 : lead >> 4 === 14 ? 3 : lead >> 3 === 30 ? 4 : 0;
    const reference = (bytes: Uint8Array): string => {
      let out = '';
      for (let i = 0; i < bytes.length;) {
        const n = sequenceLength(bytes[i]);
        const piece = n > 0 && i + n <= bytes.length ? Buffer.from(bytes.subarray(i, i + n)) : null;
        const text = piece?.toString('utf8');
        if (piece && text !== undefined && [...text].length === 1 && Buffer.from(text, 'utf8').equals(piece)) {
          out += text;
          i += n;
        } else {
          out += `\\x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}`;
          i += 1;
        }
      }
      return out;
    };
    // Bytes drawn from a pool rich in lead and continuation bytes, with BOMs and whole characters.
    const pool = [0x00, 0x20, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xbb, 0xf0, 0xf4, 0xf5, 0xff];
    const whole = ['\uFEFF', 'é', '€', '😀', 'ا', '中'].map(utf8);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 5000; trial++) {
      const bytes: number[] = [];
      const length = Math.floor(random() * 10);
      while (bytes.length < length) {
        if (random() < 0.3) bytes.push(...whole[Math.floor(random() * whole.length)]);
        else bytes.push(pool[Math.floor(random() * pool.length)]);
      }
      const array = Uint8Array.from(bytes);
      expect(renderTokenBytes(array), bytesToHex(array)).toBe(reference(array));
    }
  });

  it('rejects overlong and surrogate encodings', () => {
    expect(renderTokenBytes(Uint8Array.of(0xc0, 0xaf))).toBe('\\xC0\\xAF');
    expect(renderTokenBytes(Uint8Array.of(0xed, 0xa0, 0x80))).toBe('\\xED\\xA0\\x80');
  });

  it('reports completeness and hex', () => {
    expect(isCompleteUtf8(utf8('日'))).toBe(true);
    expect(isCompleteUtf8(utf8('日').subarray(0, 1))).toBe(false);
    expect(bytesToHex(Uint8Array.of(0x20, 0xe2))).toBe('20e2');
  });
});

describe('byteSchemeOfDecoder', () => {
  it('recognises GPT-2 and SentencePiece decoders', () => {
    expect(byteSchemeOfDecoder({ type: 'ByteLevel' })).toBe('byte-level');
    expect(byteSchemeOfDecoder({ type: 'Sequence', decoders: [{ type: 'Replace' }, { type: 'ByteFallback' }] })).toBe(
      'byte-fallback',
    );
    expect(byteSchemeOfDecoder({ type: 'Metaspace', replacement: '▁' })).toBe('byte-fallback');
    expect(byteSchemeOfDecoder({ type: 'WordPiece' })).toBe('plain');
    expect(byteSchemeOfDecoder(null)).toBe('plain');
  });
});
