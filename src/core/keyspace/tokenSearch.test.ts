import { describe, expect, it } from 'vitest';
import { findTokens } from './tokenSearch';

const TOKENS = ['<|endoftext|>', 'America', ' America', ' america', ' the', '1945', 'x'];

describe('finding a token from the search box', () => {
  it('reads ids with or without #', () => {
    expect(findTokens('2', TOKENS)).toEqual({ kind: 'found', tokenIds: [2] });
    expect(findTokens('#4', TOKENS)).toEqual({ kind: 'found', tokenIds: [4] });
  });

  it('lists the exact text first, then with a leading space, then other cases', () => {
    expect(findTokens('America', TOKENS)).toEqual({ kind: 'found', tokenIds: [1, 2, 3] });
    expect(findTokens(' America', TOKENS)).toEqual({ kind: 'found', tokenIds: [2, 1, 3] });
  });

  it('accepts ␣ for a space', () => {
    expect(findTokens('␣the', TOKENS)).toEqual({ kind: 'found', tokenIds: [4] });
  });

  it('takes a number that is no id but is a token as text', () => {
    expect(findTokens('1945', TOKENS)).toEqual({ kind: 'found', tokenIds: [5] });
  });

  it('says why nothing was found', () => {
    expect(findTokens('99', TOKENS)).toEqual({
      kind: 'none',
      message: 'Token id 99 is outside the vocabulary (0 to 6).',
    });
    expect(findTokens('Americas', TOKENS)).toMatchObject({
      kind: 'none',
      message: expect.stringContaining('No token is "Americas"'),
    });
    expect(findTokens('', TOKENS).kind).toBe('none');
  });
});
