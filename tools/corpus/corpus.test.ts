import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedModelsDir } from '../models/evaluationProtocol';
import { normaliseText, readAddresses, splitOf } from './corpus';
import { ToolError } from '../lib/files';

describe('corpus preparation', () => {
  it('reads all 233 addresses in (year, file) order with their text intact', () => {
    const docs = readAddresses();
    expect(docs).toHaveLength(233);
    expect(docs[0].id).toBe('1790_george_washington_n');
    expect(docs.at(-1)!.year).toBe(2021);
    expect(docs.every((d, i) => i === 0 || docs[i - 1].year <= d.year)).toBe(true);
    expect(docs[0].text.startsWith('Fellow-Citizens of the Senate')).toBe(true);
  });

  it('splits 90/5/5 with held-out addresses from every era', () => {
    const docs = readAddresses();
    const held = { validation: [] as number[], test: [] as number[] };
    docs.forEach((d, i) => {
      const s = splitOf(i);
      if (s !== 'train') held[s].push(d.year);
    });
    expect(held.validation).toHaveLength(12);
    expect(held.test).toHaveLength(11);
    for (const years of Object.values(held)) {
      for (let century = 1790; century < 2020; century += 30)
        expect(years.some((y) => y >= century && y < century + 30)).toBe(true);
    }
  });

  it('matches the split file lists recorded in the shipped model cards', () => {
    const docs = readAddresses();
    const metrics = JSON.parse(readFileSync(join(embeddedModelsDir, 'sotu-gpt-long', 'metrics.json'), 'utf8'));
    for (const split of ['train', 'validation', 'test'] as const) {
      expect(docs.filter((_, i) => splitOf(i) === split).map((d) => d.id)).toEqual(metrics.data.files[split]);
    }
  });

  it('normalises only line endings, trailing spaces and runs of blank lines', () => {
    expect(normaliseText('A\r\nB  \rC\n\n\n\nD “q” — é')).toBe('A\nB\nC\n\nD “q” — é');
  });

  it('names the file when an address is corrupted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sotu-'));
    for (let i = 0; i < 210; i++)
      writeFileSync(
        join(dir, `${1800 + i}_x.json`),
        JSON.stringify({ year: 1800 + i, name: 'X', party: 'n', text: 'word '.repeat(30) }),
      );
    writeFileSync(join(dir, '2099_broken.json'), '{"year": 2099, "name": "Y", "text": ');
    expect(() => readAddresses(dir)).toThrow(ToolError);
    expect(() => readAddresses(dir)).toThrow(/2099_broken\.json is not valid JSON/);
    writeFileSync(join(dir, '2099_broken.json'), JSON.stringify({ year: 2099, name: 'Y', party: 'n', text: '' }));
    expect(() => readAddresses(dir)).toThrow(/2099_broken\.json is malformed: text/);
  });
});
