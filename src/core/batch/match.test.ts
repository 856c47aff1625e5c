import { describe, expect, it } from 'vitest';
import { AnswerPatternError, compileAnswerPattern, matchAnswer, normaliseAnswer } from './match';

describe('matchAnswer', () => {
  it('normalises: NFKC, lowercase, edge whitespace and punctuation stripped, inner whitespace collapsed', () => {
    expect(normaliseAnswer('  The   BASKET.')).toBe('the basket');
    expect(normaliseAnswer('«Ｂｏｘ»')).toBe('box'); // full-width letters (NFKC), guillemets (punctuation)
    expect(normaliseAnswer('\u00a0ﬁle\u2026')).toBe('file'); // no-break space, the ﬁ ligature, an ellipsis
    expect(normaliseAnswer('"living\t\nroom!"')).toBe('living room');
    expect(normaliseAnswer('Café')).toBe(normaliseAnswer('Cafe\u0301')); // composed and decomposed é
    expect(normaliseAnswer('$5')).toBe('$5'); // symbols are not punctuation
    expect(normaliseAnswer('ΣΟΦΊΑ')).toBe('σοφία');
    expect(normaliseAnswer('...')).toBe('');
  });

  it('exact compares character for character', () => {
    expect(matchAnswer(' basket', ['basket'], 'exact')).toBe(false);
    expect(matchAnswer(' basket', [' basket'], 'exact')).toBe(true);
  });

  it('normalised compares the normalised forms, any answer', () => {
    expect(matchAnswer(' Basket', ['basket'], 'normalised')).toBe(true);
    expect(matchAnswer(' ＢＯＸ!', ['bag', 'box'])).toBe(true); // normalised is the default
    expect(matchAnswer(' basket and', ['basket'], 'normalised')).toBe(false);
    expect(matchAnswer('', ['basket'], 'normalised')).toBe(false);
    expect(matchAnswer('anything', [], 'normalised')).toBe(false);
  });

  it('prefix wants the answer as whole words at the start', () => {
    expect(matchAnswer(' basket, then', ['basket'], 'prefix')).toBe(true);
    expect(matchAnswer(' basket', ['basket'], 'prefix')).toBe(true);
    expect(matchAnswer(' basketball', ['basket'], 'prefix')).toBe(false);
    expect(matchAnswer(' living room and', ['Living Room'], 'prefix')).toBe(true);
    expect(matchAnswer(' the basket', ['basket'], 'prefix')).toBe(false);
    expect(matchAnswer(' café au lait', ['cafe\u0301'], 'prefix')).toBe(true);
    expect(matchAnswer(' cafe\u0301s', ['caf'], 'prefix')).toBe(false);
    expect(matchAnswer(' x', ['...'], 'prefix')).toBe(false); // an answer that normalises to nothing matches nothing
  });

  it('regex tests the raw completion, unanchored, with the u flag; /…/flags sets flags', () => {
    expect(matchAnswer(' box.', ['^\\s*box\\b'], 'regex')).toBe(true);
    expect(matchAnswer(' Box', ['^\\s*box\\b'], 'regex')).toBe(false);
    expect(matchAnswer(' Box', ['/^\\s*box\\b/i'], 'regex')).toBe(true);
    expect(matchAnswer('😀', ['^.$'], 'regex')).toBe(true); // u: one code point
    expect(matchAnswer(' bag', ['/bag/g'], 'regex')).toBe(true);
    expect(matchAnswer(' bag', ['/bag/g'], 'regex')).toBe(true); // g dropped: no lastIndex state between calls
  });

  it('a bad regular expression is a clear error', () => {
    expect(() => matchAnswer('x', ['(unclosed'], 'regex')).toThrow(AnswerPatternError);
    expect(() => compileAnswerPattern('[z-a]')).toThrow(/^"\[z-a\]" is not a valid regular expression: /);
    expect(() => compileAnswerPattern('/a/q')).toThrow(/is not a valid regular expression/);
  });
});
