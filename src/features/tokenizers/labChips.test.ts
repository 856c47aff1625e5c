import { describe, expect, it } from 'vitest';
import { overlaps } from './labChips';

describe('overlaps', () => {
  it('is true only when two byte spans share a byte', () => {
    expect(overlaps(0, 3, 2, 5)).toBe(true);
    expect(overlaps(0, 3, 3, 5)).toBe(false);
    expect(overlaps(4, 8, 5, 6)).toBe(true);
    expect(overlaps(2, 2, 0, 5)).toBe(false);
  });
});
