import { describe, expect, it } from 'vitest';
import { chipPieces, overlaps } from './labChips';

describe('chipPieces', () => {
  it('marks whitespace and split-character bytes apart from text, like the next-token chips', () => {
    expect(chipPieces(' ab\n\t\\xF0\\x9F')).toEqual([
      { kind: 'space', value: '␣' },
      { kind: 'text', value: 'ab' },
      { kind: 'newline', value: '↵' },
      { kind: 'tab', value: '⇥' },
      { kind: 'bytes', value: '\\xF0' },
      { kind: 'bytes', value: '\\x9F' },
    ]);
  });
});

describe('overlaps', () => {
  it('is true only when two byte spans share a byte', () => {
    expect(overlaps(0, 3, 2, 5)).toBe(true);
    expect(overlaps(0, 3, 3, 5)).toBe(false);
    expect(overlaps(4, 8, 5, 6)).toBe(true);
    expect(overlaps(2, 2, 0, 5)).toBe(false);
  });
});
