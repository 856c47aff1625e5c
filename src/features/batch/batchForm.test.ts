import { describe, expect, it } from 'vitest';
import { bundledBatch } from '../../core/batch/examples';
import { parseResultLine } from '../../core/batch/results';
import { DEFAULT_FORM, formDefinition, numberList, readPrompts, stopStrings, type ModelOption } from './batchForm';
import {
  fileStem,
  formatAccuracy,
  formatBits,
  formatInterval,
  resultsJsonl,
  samplesCsv,
  settingsLabel,
  tableCsv,
} from './batchFormat';
import { compareTables, temperatureSeries } from './batchSeries';
import { batchTable, resultLine, type SampleResult } from '../../core/batch/results';

const gpt: ModelOption = {
  key: 'embedded:sotu-gpt',
  label: 'sotu-gpt',
  model: { id: 'sotu-gpt', source: { kind: 'embedded', fileHashes: [] } },
};

describe('batch form', () => {
  it('builds the definition the form describes', () => {
    const result = formDefinition({ ...DEFAULT_FORM, prompts: 'One\n\nTwo', models: [gpt.key], stop: '.\\n\n\\\\' }, [
      gpt,
    ]);
    expect(result.errors).toEqual([]);
    expect(result.definition).toMatchObject({
      name: 'My batch',
      seed: 1234,
      samplesPerCell: 3,
      prompts: [
        { id: 'p1', prompt: 'One' },
        { id: 'p2', prompt: 'Two' },
      ],
      grid: { temperature: [0.01, 0.5, 1, 2], topK: [0], topP: [1], minP: [0], maxNewTokens: 8, stop: ['.\n', '\\'] },
    });
    expect(result.tasks).toBe(2 * 4 * 3);
  });

  it('lists every line with a problem, by its line number', () => {
    const jsonl = '{"id":"a","prompt":"x"}\n{"prompt": 3}\n\n{oops\n{"id":"b","prompt":"y","match":"fuzzy"}';
    expect(readPrompts(jsonl, 'set.jsonl').errors).toEqual([
      'Line 2: needs a "prompt" (or "text") string.',
      expect.stringMatching(/^Line 4: not valid JSON/),
      'Line 5: "match" must be one of exact, normalised, prefix, regex (got "fuzzy").',
    ]);
    expect(readPrompts('id,prompt\na,"x', 'set.csv').errors).toEqual(['Line 2: a quoted field is never closed.']);
    expect(readPrompts('{"id":"a","prompt":"x"}\n{"id":"a","prompt":"y"}', null).errors).toEqual([
      'Line 2: the id "a" is already used on line 1.',
    ]);
    expect(readPrompts('  ', null).errors).toEqual(['Paste prompts (one per line, JSONL or CSV) or load a file.']);
  });

  it('names the field of each bad value, one sentence each', () => {
    const result = formDefinition(
      { ...DEFAULT_FORM, prompts: 'x', temperatures: '0.5, hot', samplesPerCell: '', models: [] },
      [gpt],
    );
    expect(result.definition).toBeNull();
    expect(result.errors).toEqual([
      'Models: tick at least one model.',
      'Temperatures: "hot" is not a number.',
      'Samples per cell: give at least one number.',
    ]);
    const schema = formDefinition({ ...DEFAULT_FORM, prompts: 'x', temperatures: '1, 0', models: [gpt.key] }, [gpt]);
    expect(schema.errors).toEqual([expect.stringMatching(/^Temperatures \(value 2\): /)]);
    expect(numberList('1 2,3', 'X')).toEqual([1, 2, 3]);
    expect(stopStrings('a\n\n\\t')).toEqual(['a', '\t']);
  });
});

describe('batch table, exports and series', () => {
  const tom = bundledBatch('tom');
  const result = (
    task: number,
    temperature: number,
    completion: string,
    matched: boolean,
    entropy: number,
    model = 'embedded:m',
  ): SampleResult => ({
    batch: '0123456789abcdef',
    task,
    promptId: 'p',
    modelKey: model,
    cellKey: `${model}|t=${temperature}|k=0|p=1|minp=0`,
    sample: task,
    seed: 1,
    settings: { temperature, topK: 0, topP: 1, minP: 0 },
    completion,
    tokenIds: [1, 2],
    logProbs: [-0.1, -2],
    entropyBits: [entropy, 1],
    stoppedBy: 'stop-string',
    matched,
  });
  const results = [
    result(3, 1, ' =sum', false, 2),
    result(0, 0.5, ' basket', true, 0.5),
    result(1, 0.5, ' box, "x"', false, 1.5),
    result(2, 1, ' basket', true, 3),
  ];

  it('writes the canonical JSONL lines, sorted by task', () => {
    const text = resultsJsonl(results);
    expect(text.split('\n')).toHaveLength(5);
    expect(
      text
        .split('\n')
        .slice(0, 4)
        .map((line) => parseResultLine(line).task),
    ).toEqual([0, 1, 2, 3]);
    expect(text.startsWith(`${resultLine(results[1])}\n`)).toBe(true);
    expect(tom.prompts.length).toBe(20);
  });

  it('writes CSV with quoted text and neutralised formulas', () => {
    const rows = batchTable(results);
    const table = tableCsv(rows).split('\r\n');
    expect(table[0]).toMatch(/^model,temperature,top_k/);
    expect(table[1]).toBe(`embedded:m,0.5,0,1,0,2,2,1,0.5,${rows[0].ci95!.low},${rows[0].ci95!.high},1,1,2,2`);
    const samples = samplesCsv(results).split('\r\n');
    expect(samples[2]).toContain('" box, ""x"""');
    expect(samples[4]).toContain(`" =sum"`);
    expect(samples[1]).toContain(',"[1,2]","[-0.1,-2]","[0.5,1]"');
  });

  it('formats as the table shows, and makes series per model against temperature', () => {
    expect([
      formatAccuracy(0.5),
      formatAccuracy(null),
      formatInterval({ low: 0.0945, high: 0.9056 }),
      formatBits(1.23456),
    ]).toEqual(['50.0%', '–', '9.4–90.6%', '1.235']);
    expect(settingsLabel({ temperature: 2, topK: 40, topP: 1, minP: 0.05 })).toBe('T 2 · top-k 40 · min-p 0.05');
    expect(fileStem(' ToM: false belief ')).toBe('ToM-false-belief');
    const rows = batchTable([...results, result(4, 0.5, ' box', false, 1, 'embedded:n')]);
    expect(temperatureSeries(rows, 'accuracy')).toEqual([
      {
        label: 'embedded:m',
        points: [
          { x: 0.5, y: 0.5, low: rows[0].ci95!.low, high: rows[0].ci95!.high },
          { x: 1, y: 0.5, low: rows[1].ci95!.low, high: rows[1].ci95!.high },
        ],
      },
      { label: 'embedded:n', points: [{ x: 0.5, y: 0, low: 0, high: rows[2].ci95!.high }] },
    ]);
    expect(temperatureSeries(rows, 'entropy')[0].points.map((p) => p.y)).toEqual([1, 1.75]);
    const compared = compareTables(rows.slice(0, 2), rows.slice(1));
    expect(compared.map((c) => [c.cellKey, c.a !== null, c.b !== null])).toEqual([
      [rows[0].cellKey, true, false],
      [rows[1].cellKey, true, true],
      [rows[2].cellKey, false, true],
    ]);
  });
});
