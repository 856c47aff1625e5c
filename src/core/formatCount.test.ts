import { describe, expect, it } from 'vitest';
import { formatCount } from './formatCount';

describe('formatCount', () => {
  it('groups thousands as toLocaleString("en-US") does', () => {
    for (const value of [0, 7, 999, 1000, 44_127, 1_000_000, -12_345, 150_000]) {
      expect(formatCount(value)).toBe(value.toLocaleString('en-US'));
    }
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
