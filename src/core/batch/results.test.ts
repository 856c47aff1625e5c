import { describe, expect, it } from 'vitest';
import {
  mergeResultFiles,
  parseResultFile,
  parseResultLine,
  resultLine,
  ResultFileError,
  type SampleResult,
} from './results';

function sampleResult(task: number, overrides: Partial<SampleResult> = {}): SampleResult {
  return {
    batch: '0123456789abcdef',
    task,
    promptId: `p${task % 3}`,
    modelKey: 'embedded:sotu-gpt',
    cellKey: 'embedded:sotu-gpt|t=1|k=0|p=1|minp=0',
    sample: task % 2,
    seed: 1000 + task,
    settings: { temperature: 1, topK: 0, topP: 1, minP: 0 },
    completion: ' basket',
    tokenIds: [12, 13],
    logProbs: [-0.1234567890123, -2.5],
    entropyBits: [3.25, 1e-7],
    stoppedBy: 'stop-string',
    matched: true,
    ...overrides,
  };
}

describe('result lines', () => {
  it('have a fixed key order and JSON numbers', () => {
    const line = resultLine({ ...sampleResult(4), settings: { minP: 0, topP: 1, topK: 0, temperature: 0.5 } });
    expect(line).toBe(
      '{"batch":"0123456789abcdef","task":4,"promptId":"p1","modelKey":"embedded:sotu-gpt","cellKey":"embedded:sotu-gpt|t=1|k=0|p=1|minp=0",' +
        '"sample":0,"seed":1004,"settings":{"temperature":0.5,"topK":0,"topP":1,"minP":0},"completion":" basket","tokenIds":[12,13],' +
        '"logProbs":[-0.1234567890123,-2.5],"entropyBits":[3.25,1e-7],"stoppedBy":"stop-string","matched":true}',
    );
    expect(resultLine(parseResultLine(line))).toBe(line);
  });

  it('are checked when read back', () => {
    expect(() => parseResultLine('{"task": 1}', 'a.jsonl line 3')).toThrow(
      /^a\.jsonl line 3 is not a batch result: batch /,
    );
    expect(() => parseResultLine('nope', 'a.jsonl line 3')).toThrow(/^a\.jsonl line 3 is not valid JSON/);
    expect(() => parseResultLine(resultLine(sampleResult(1, { logProbs: [-1] })))).toThrow(/differ in length/);
  });

  it("a file's cut-off last line is an error, or reported for a resume", () => {
    const text = `${resultLine(sampleResult(0))}\n${resultLine(sampleResult(1)).slice(0, 40)}`;
    expect(() => parseResultFile(text, 'r.jsonl')).toThrow(/^r\.jsonl: the last line is cut off/);
    const parsed = parseResultFile(text, 'r.jsonl', true);
    expect(parsed.results).toHaveLength(1);
    expect(parsed.partialTail).toBe(resultLine(sampleResult(1)).slice(0, 40));
    expect(parsed.completeBytes).toBe(new TextEncoder().encode(`${resultLine(sampleResult(0))}\n`).length);
  });
});

describe('mergeResultFiles', () => {
  const lines = (tasks: number[]) => tasks.map((t) => `${resultLine(sampleResult(t))}\n`).join('');

  it('sorts shards into the canonical order', () => {
    expect(mergeResultFiles([lines([1, 3, 5]), lines([0, 2, 4])])).toBe(lines([0, 1, 2, 3, 4, 5]));
    expect(mergeResultFiles([])).toBe('');
  });

  it('keeps identical duplicates once and refuses conflicting ones, naming the task', () => {
    expect(mergeResultFiles([lines([0, 1]), lines([1, 2])])).toBe(lines([0, 1, 2]));
    const other = `${resultLine(sampleResult(1, { completion: ' box' }))}\n`;
    expect(() => mergeResultFiles([lines([0, 1]), other], ['a.jsonl', 'b.jsonl'])).toThrow(
      'task 1 (prompt p1, embedded:sotu-gpt|t=1|k=0|p=1|minp=0, sample 1) differs between a.jsonl and b.jsonl',
    );
  });

  it('refuses results of different batches and names the line of a bad one', () => {
    const foreign = `${resultLine(sampleResult(9, { batch: 'ffffffffffffffff' }))}\n`;
    expect(() => mergeResultFiles([lines([0]), foreign], ['a', 'b'])).toThrow(
      /b holds results of batch ffffffffffffffff but a of batch 0123456789abcdef/,
    );
    expect(() => mergeResultFiles([`${lines([0])}{}\n`], ['a'])).toThrow(ResultFileError);
    expect(() => mergeResultFiles([`${lines([0])}{}\n`], ['a'])).toThrow(/^a line 2 is not a batch result/);
  });
});
