import { describe, expect, it } from 'vitest';
import { readVisibleToken, visiblePieces, visibleToken } from './visibleText';

describe('visiblePieces', () => {
  it('marks whitespace and split-character bytes apart from text', () => {
    expect(visiblePieces(' ab\n\t\\xF0\\x9F')).toEqual([
      { kind: 'space', value: '␣' },
      { kind: 'text', value: 'ab' },
      { kind: 'newline', value: '↵' },
      { kind: 'tab', value: '⇥' },
      { kind: 'bytes', value: '\\xF0' },
      { kind: 'bytes', value: '\\x9F' },
    ]);
  });

  it('shows characters that draw nothing as escapes, so "\\uFEFFusing" and "using" look different', () => {
    expect(visiblePieces('\uFEFFusing')).toEqual([
      { kind: 'escape', value: '\\uFEFF' },
      { kind: 'text', value: 'using' },
    ]);
    expect(visibleToken('\r\n')).toBe('␍↵');
    expect(visibleToken('\u00A0»')).toBe('\\u00A0»');
    expect(visibleToken('a\u200Bb\u2028\u0000')).toBe('a\\u200Bb\\u2028\\u0000');
    expect(visibleToken('\u{E0001}')).toBe('\\u{E0001}');
    expect(visibleToken('\u3000日本')).toBe('\\u3000日本');
  });

  it('leaves joiners that shape their neighbours, and marks them at an edge', () => {
    expect(visibleToken('می\u200Cخواهم')).toBe('می\u200Cخواهم');
    expect(visibleToken('👩\u200D💻')).toBe('👩\u200D💻');
    expect(visibleToken('می\u200C')).toBe('می\\u200C');
    expect(visibleToken('\u200D')).toBe('\\u200D');
    expect(visibleToken(' \u200Da')).toBe('␣\\u200Da');
  });

  it('escapes a real marker character, so "␣" always means a space', () => {
    expect(visibleToken('␣')).toBe('\\u2423');
    expect(visibleToken(' ↵\n')).toBe('␣\\u21B5↵');
    expect(visibleToken('⇥␍')).toBe('\\u21E5\\u240D');
  });

  it('leaves visible text of any script whole', () => {
    for (const text of ['Hello', 'naïve', 'Привет', 'مرحبا', 'नमस्ते', '中文', '😀', 'é'])
      expect(visiblePieces(text)).toEqual([{ kind: 'text', value: text }]);
  });
});

describe('readVisibleToken', () => {
  it('reads every marker and escape back to the text it shows', () => {
    const characters = [
      ' ',
      '\n',
      '\t',
      '␣',
      '↵',
      '⇥',
      '␍',
      '\r',
      '\uFEFF',
      '\u00A0',
      '\u200B',
      '\u200C',
      '\u200D',
      '\u{E0001}',
      'a',
      'ب',
      '😀',
    ];
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 2000; trial++) {
      let text = '';
      for (let n = Math.floor(random() * 6); n > 0; n--) text += characters[Math.floor(random() * characters.length)];
      expect(readVisibleToken(visibleToken(text)), JSON.stringify(text)).toBe(text);
    }
  });

  it('keeps \\xNN and an escape outside Unicode as typed', () => {
    expect(readVisibleToken('\\xF0\\x9F')).toBe('\\xF0\\x9F');
    expect(readVisibleToken('\\u{110000}')).toBe('\\u{110000}');
  });
});
