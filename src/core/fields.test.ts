import { describe, expect, it } from 'vitest';
import { checkWholeNumber } from './fields';

describe('checkWholeNumber', () => {
  it('reads whole numbers in the range', () => {
    expect(checkWholeNumber('10', 'Runs', 1, 50)).toEqual({ ok: true, value: 10 });
    expect(checkWholeNumber(' 1 ', 'Runs', 1, 50)).toEqual({ ok: true, value: 1 });
    expect(checkWholeNumber('50', 'Runs', 1, 50)).toEqual({ ok: true, value: 50 });
  });

  it('says why a value is refused and what range is valid, never falling back to a default', () => {
    expect(checkWholeNumber('', 'Tokens', 1, 500)).toEqual({
      ok: false,
      problem: 'Tokens is empty: type a whole number from 1 to 500.',
    });
    expect(checkWholeNumber('0', 'Runs', 1, 50)).toEqual({
      ok: false,
      problem: 'Runs must be a whole number from 1 to 50; “0” is not.',
    });
    expect(checkWholeNumber('-2', 'Runs', 1, 50)).toEqual({
      ok: false,
      problem: 'Runs must be a whole number from 1 to 50; “-2” is not.',
    });
    for (const text of ['51', '2.5', '1e1', 'ten']) expect(checkWholeNumber(text, 'Runs', 1, 50).ok).toBe(false);
  });
});
