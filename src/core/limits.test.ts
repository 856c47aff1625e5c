/**
 * The limits users read are the limits the code applies: the README's table is compared with
 * core/limits (cli/args.test.ts compares the CLI's help), and the messages name the view and its limit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatBytes } from './formatBytes';
import { bytesProblem, LIMITS, limitSentence, TEXT_BOX_MAX_BYTES, tokensProblem } from './limits';

function readmeLimitsSection(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n### Limits\n')[1]?.split('\n## ')[0];
  if (!section) throw new Error('README.md has no "### Limits" section');
  return section;
}

function readmeLimitRows(): [string, string][] {
  return readmeLimitsSection()
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| where') && !line.startsWith('| ---'))
    .map(
      (line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()) as [string, string],
    );
}

describe('input limits', () => {
  it('are the same in the README as in the code', () => {
    expect(readmeLimitRows()).toEqual(Object.values(LIMITS).map((limit) => [limit.where, limitSentence(limit)]));
  });

  it('say in the README from what size a text is held outside the text box', () => {
    expect(readmeLimitsSection().replace(/\s+/g, ' ')).toContain(
      `A text over ${formatBytes(TEXT_BOX_MAX_BYTES)} is held outside the text box`,
    );
  });

  it('are checked at the limit, not one past it', () => {
    const lab = LIMITS.nextTokenLab;
    expect(bytesProblem(lab, lab.maxBytes)).toBeNull();
    expect(bytesProblem(lab, lab.maxBytes + 1)).toBe(
      'This text is 200 kB (200,001 bytes); the next-token lab takes up to 50,000 tokens (about 200 kB of English) and 200 kB.',
    );
    expect(tokensProblem(lab, lab.maxTokens)).toBeNull();
    expect(tokensProblem(lab, lab.maxTokens + 1)).toMatch(
      /^The text has 50,001 tokens; the next-token lab takes up to 50,000 tokens/,
    );
    expect(tokensProblem(LIMITS.tokenizerLab, 10 ** 9)).toBeNull();
    expect(bytesProblem(LIMITS.nextBytes, 201, 'The prompt')).toBe(
      'The prompt is 201 bytes; the exact next byte takes up to 200 bytes.',
    );
  });
});
