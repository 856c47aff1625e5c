import { describe, expect, it } from 'vitest';
import { detectPromptFormat, parsePrompts, PromptParseError } from './prompts';

function errorOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(PromptParseError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('prompt parser', () => {
  it('reads pasted text one prompt per line, blank lines skipped', () => {
    expect(parsePrompts('First prompt\n\n  \nSecond, with a comma\r\n', 'lines')).toEqual([
      { id: 'p1', prompt: 'First prompt' },
      { id: 'p2', prompt: 'Second, with a comma' },
    ]);
  });

  it('reads JSONL with ids, one or several answers, and a match mode', () => {
    const text =
      '{"id": "s1", "prompt": "Sally will look in the", "expected": "basket"}\n\n{"text": "Two", "expected": ["a", "b"], "match": "regex"}\n{"id": 3, "prompt": "x"}';
    expect(parsePrompts(text, 'jsonl')).toEqual([
      { id: 's1', prompt: 'Sally will look in the', expected: ['basket'] },
      { id: 'p2', prompt: 'Two', expected: ['a', 'b'], match: 'regex' },
      { id: '3', prompt: 'x' },
    ]);
  });

  it('names the line of a JSONL error', () => {
    expect(errorOf(() => parsePrompts('{"prompt": "a"}\n{"prompt": "b",}', 'jsonl'))).toMatch(
      /^Line 2: not valid JSON/,
    );
    expect(errorOf(() => parsePrompts('{"prompt": "a"}\n\n["b"]', 'jsonl'))).toMatch(/^Line 3: must be a JSON object/);
    expect(errorOf(() => parsePrompts('{"id": "x"}', 'jsonl'))).toBe('Line 1: needs a "prompt" (or "text") string.');
    expect(errorOf(() => parsePrompts('{"prompt": "a", "expected": [1]}', 'jsonl'))).toMatch(
      /^Line 1: "expected" must be a string or an array/,
    );
    expect(errorOf(() => parsePrompts('{"prompt": "a", "match": "fuzzy"}', 'jsonl'))).toMatch(
      /^Line 1: "match" must be one of exact, normalised, prefix, regex/,
    );
    expect(errorOf(() => parsePrompts('{"id": "a", "prompt": "1"}\n{"id": "a", "prompt": "2"}', 'jsonl'))).toBe(
      'Line 2: the id "a" is already used on line 1.',
    );
    expect(errorOf(() => parsePrompts('{"prompt": "a", "expected": "[", "match": "regex"}', 'jsonl'))).toMatch(
      /^Line 1: "\[" is not a valid regular expression/,
    );
  });

  it('reads CSV with a header, quoted fields, doubled quotes, line breaks in quotes, and | between answers', () => {
    const text =
      '\uFEFFid,prompt,expected\nq1,"Anne said ""hi"", then left. She is in the","garden | park"\r\nq2,"Two\nlines",\nq3,Plain,box\n';
    expect(parsePrompts(text, 'csv')).toEqual([
      { id: 'q1', prompt: 'Anne said "hi", then left. She is in the', expected: ['garden', 'park'] },
      { id: 'q2', prompt: 'Two\nlines' },
      { id: 'q3', prompt: 'Plain', expected: ['box'] },
    ]);
    // With match regex the field is one pattern, | and all.
    expect(parsePrompts('prompt,expected,match\nx,"^ (box|bag)",regex', 'csv')[0].expected).toEqual(['^ (box|bag)']);
  });

  it('names the line of a CSV error', () => {
    expect(errorOf(() => parsePrompts('id,question\n1,x', 'csv'))).toMatch(
      /^Line 1: the header row must name a "prompt"/,
    );
    expect(errorOf(() => parsePrompts('prompt,extra\nx,y', 'csv'))).toBe(
      'Line 1: unknown column "extra" (expected id, prompt, expected, match).',
    );
    expect(errorOf(() => parsePrompts('id,prompt\n1,a\n2,b,c', 'csv'))).toBe('Line 3: has 3 fields; the header has 2.');
    expect(errorOf(() => parsePrompts('id,prompt\n1,"never closed\n2,b', 'csv'))).toBe(
      'Line 2: a quoted field is never closed.',
    );
    expect(errorOf(() => parsePrompts('id,prompt\n1,ab"c', 'csv'))).toMatch(
      /^Line 2: a quote inside an unquoted field/,
    );
    expect(errorOf(() => parsePrompts('id,prompt\n1,"a"b', 'csv'))).toMatch(/^Line 2: text after a closing quote/);
    expect(errorOf(() => parsePrompts('id,prompt\n"x y",a', 'csv'))).toMatch(
      /^Line 2: id must start with a letter or digit/,
    );
    expect(errorOf(() => parsePrompts('\n\n', 'lines'))).toBe('Line 1: no prompts found.');
  });

  it('detects the format from the file name or the text', () => {
    expect(detectPromptFormat('', 'set.JSONL')).toBe('jsonl');
    expect(detectPromptFormat('', 'set.csv')).toBe('csv');
    expect(detectPromptFormat('{"prompt": "x"}')).toBe('jsonl');
    expect(detectPromptFormat('id,prompt,expected\n1,a,b')).toBe('csv');
    expect(detectPromptFormat('The prompt, with a comma\nanother')).toBe('lines');
  });
});
