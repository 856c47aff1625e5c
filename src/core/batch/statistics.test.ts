import { describe, expect, it } from 'vitest';
import { batchTable, cellStatistics, wilsonInterval } from './statistics';
import type { SampleResult } from './results';

function sampleResult(task: number, overrides: Partial<SampleResult> = {}): SampleResult {
  return {
    batch: '0123456789abcdef',
    task,
    promptId: 'p',
    modelKey: 'embedded:sotu-gpt',
    cellKey: 'embedded:sotu-gpt|t=1|k=0|p=1|minp=0',
    sample: task,
    seed: task,
    settings: { temperature: 1, topK: 0, topP: 1, minP: 0 },
    completion: ' basket',
    tokenIds: [12, 13],
    logProbs: [-0.5, -2.5],
    entropyBits: [3, 1],
    stoppedBy: 'stop-string',
    matched: true,
    ...overrides,
  };
}

describe('wilsonInterval', () => {
  // Reference values: the Wilson score formula with z = 1.959963984540054, computed independently (Python).
  it.each([
    [0, 10, 0, 0.2775327998628892],
    [5, 10, 0.236593090512564, 0.7634069094874361],
    [1, 10, 0.017876213095072868, 0.4041500267952385],
    [10, 10, 0.7224672001371107, 1],
    [3, 7, 0.15821985525146975, 0.7495416354723428],
    [81, 263, 0.2552885198782742, 0.36620957698280004],
  ])('%i of %i', (k, n, low, high) => {
    const ci = wilsonInterval(k, n)!;
    expect(ci.low).toBeCloseTo(low, 12);
    expect(ci.high).toBeCloseTo(high, 12);
  });

  it('is null without trials and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});

describe('cellStatistics', () => {
  it('pools the samples of a cell', () => {
    const results = [
      sampleResult(0, { matched: true, completion: ' a', entropyBits: [2, 4] }),
      sampleResult(1, { matched: false, completion: ' b', entropyBits: [1, 1], logProbs: [-1, -1] }),
      sampleResult(2, { matched: true, completion: ' a', entropyBits: [3], tokenIds: [5], logProbs: [-1] }),
    ];
    const stats = cellStatistics(results);
    expect(stats).toMatchObject({
      samples: 3,
      judged: 3,
      matched: 2,
      accuracy: 2 / 3,
      distinctCompletions: 2,
      meanEntropyBits: 11 / 5,
      meanFirstEntropyBits: 2,
      meanTokens: 5 / 3,
    });
    expect(stats.ci95).toEqual(wilsonInterval(2, 3));
  });

  it('has no accuracy without expected answers', () => {
    const stats = cellStatistics([sampleResult(0, { matched: null })]);
    expect(stats).toMatchObject({ judged: 0, matched: 0, accuracy: null, ci95: null });
    expect(cellStatistics([])).toMatchObject({ samples: 0, meanEntropyBits: null, meanTokens: null });
  });
});

describe('batchTable', () => {
  it('has one row per cell in task order', () => {
    const cold = 'embedded:sotu-gpt|t=0.5|k=0|p=1|minp=0';
    const results = [
      sampleResult(3, { cellKey: cold, settings: { temperature: 0.5, topK: 0, topP: 1, minP: 0 } }),
      sampleResult(0),
      sampleResult(1, { matched: false }),
    ];
    const table = batchTable(results);
    expect(table.map((row) => [row.cellKey, row.samples, row.accuracy])).toEqual([
      ['embedded:sotu-gpt|t=1|k=0|p=1|minp=0', 2, 0.5],
      [cold, 1, 1],
    ]);
    expect(table[1].settings.temperature).toBe(0.5);
  });
});
