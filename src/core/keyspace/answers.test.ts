import { describe, expect, it } from 'vitest';
import { canStartAcceptable, isAcceptableAnswer, normaliseAnswer, parseAnswerList } from './answers';

describe('acceptable answers', () => {
  it('normalises case, quotes, outer punctuation and spaces', () => {
    expect(normaliseAnswer('  "New   York."  ')).toBe('new york');
    expect(normaliseAnswer('ＡＢＣ')).toBe('abc');
  });

  it('reads a list by lines or commas, without empties or repeats', () => {
    expect(parseAnswerList('Japan, Korea\n\n"japan"\nChina ,')).toEqual(['japan', 'korea', 'china']);
  });

  it('accepts a whole answer only when it equals an acceptable one', () => {
    expect(isAcceptableAnswer(' Korea"', ['korea'])).toBe(true);
    expect(isAcceptableAnswer('Korean', ['korea'])).toBe(false);
    expect(isAcceptableAnswer('"', ['korea'])).toBe(false);
  });

  it('lets a first token count when it starts an acceptable answer', () => {
    expect(canStartAcceptable(' Kor', ['korea'])).toBe(true);
    expect(canStartAcceptable(' Korea', ['korea'])).toBe(true);
    expect(canStartAcceptable(' the', ['korea'])).toBe(false);
    expect(canStartAcceptable(' ', ['korea'])).toBe(false);
  });
});
