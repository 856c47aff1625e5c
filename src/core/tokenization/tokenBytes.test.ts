import { describe, expect, it } from 'vitest';
import { bytesToTokenString } from './byteLevel';
import { byteSchemeOfDecoder, bytesToHex, isCompleteUtf8, renderTokenBytes, tokenBytes } from './tokenBytes';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('tokenBytes', () => {
  it('reads byte-level tokens through the GPT-2 alphabet', () => {
    expect(Array.from(tokenBytes('Ġthe', 'byte-level'))).toEqual(Array.from(utf8(' the')));
    const emoji = utf8('😀');
    expect(Array.from(tokenBytes(bytesToTokenString(emoji.subarray(0, 2)), 'byte-level'))).toEqual([0xf0, 0x9f]);
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
    expect(byteSchemeOfDecoder({ type: 'WordPiece' })).toBe('plain');
    expect(byteSchemeOfDecoder(null)).toBe('plain');
  });
});
