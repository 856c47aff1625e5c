import { describe, expect, it } from 'vitest';
import type { LabProgress, LabRow } from '../../protocol/tokenizerLab';
import { labProgressText } from './labProgress';

const row = { tokenizerId: 'x', label: 'x', status: 'error', message: 'x', file: null } as LabRow;

describe('labProgressText', () => {
  it('never counts past the total: the last finished row of 8 is not "9 of 8"', () => {
    const lastRow: LabProgress = {
      phase: 'tokenizing',
      tokenizerId: 'deepseek-v3',
      label: 'DeepSeek-V3',
      done: 8,
      total: 8,
      row,
    };
    expect(labProgressText(lastRow)).toBe('8 of 8 tokenizers done…');
  });

  it('numbers the tokenizer being worked on from 1, through the events the lab sends (tokenizerLab.test.ts)', () => {
    const events: LabProgress[] = [
      { phase: 'tokenizing', tokenizerId: 'model', label: 'sotu-gpt', done: 0, total: 2 },
      { phase: 'tokenizing', tokenizerId: 'model', label: 'sotu-gpt', done: 1, total: 2, row },
      { phase: 'loading', tokenizerId: 'gpt2', label: 'GPT-2', done: 1, total: 2 },
      { phase: 'tokenizing', tokenizerId: 'gpt2', label: 'GPT-2', done: 1, total: 2 },
      { phase: 'tokenizing', tokenizerId: 'gpt2', label: 'GPT-2', done: 2, total: 2, row },
    ];
    expect(events.map(labProgressText)).toEqual([
      'Tokenizing with sotu-gpt (1 of 2)…',
      '1 of 2 tokenizers done…',
      'Fetching GPT-2 (2 of 2)…',
      'Tokenizing with GPT-2 (2 of 2)…',
      '2 of 2 tokenizers done…',
    ]);
  });
});
