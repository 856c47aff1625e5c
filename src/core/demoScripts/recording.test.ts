import { describe, expect, it } from 'vitest';
import { changedSettings, recordAction, type RecordedAction } from './recording';
import type { DemoStep } from './schema';

const record = (actions: RecordedAction[]) => actions.reduce<DemoStep[]>(recordAction, []);

describe('recording', () => {
  it('turns actions into steps', () => {
    expect(
      record([
        { kind: 'text', text: 'The state' },
        { kind: 'append', tokenId: 5, text: ' of' },
        { kind: 'backToText' },
        { kind: 'keySpace', tokenId: 9, text: ' France' },
        { kind: 'biasPrompt', prompt: 'the Uni' },
      ]),
    ).toEqual([
      { kind: 'setText', text: 'The state' },
      { kind: 'appendToken', tokenId: 5, text: ' of' },
      { kind: 'backToText' },
      { kind: 'openKeySpace', tokenId: 9, text: ' France' },
      { kind: 'setBiasPrompt', prompt: 'the Uni' },
    ]);
  });

  it('merges consecutive settings changes, keeping the latest value of each', () => {
    expect(
      record([
        { kind: 'settings', settings: { temperature: 0.9 } },
        { kind: 'settings', settings: { temperature: 0.5 } },
        { kind: 'settings', settings: { seed: 3 } },
        { kind: 'append', tokenId: 1, text: 'a' },
        { kind: 'settings', settings: { temperature: 2 } },
      ]),
    ).toEqual([
      { kind: 'setSettings', settings: { temperature: 0.5, seed: 3 } },
      { kind: 'appendToken', tokenId: 1, text: 'a' },
      { kind: 'setSettings', settings: { temperature: 2 } },
    ]);
  });

  it('keeps the last of consecutive texts, selections and bias prompts (typing is one step)', () => {
    expect(
      record([
        { kind: 'text', text: 'T' },
        { kind: 'text', text: 'Th' },
        { kind: 'select', position: 2 },
        { kind: 'select', position: null },
        { kind: 'biasPrompt', prompt: 'a' },
        { kind: 'biasPrompt', prompt: 'ab' },
      ]),
    ).toEqual([
      { kind: 'setText', text: 'Th' },
      { kind: 'selectPosition', position: null },
      { kind: 'setBiasPrompt', prompt: 'ab' },
    ]);
  });

  it('drops a view change the step before already made, and keeps only the last of several', () => {
    expect(
      record([
        { kind: 'keySpace', tokenId: 9, text: ' France' },
        { kind: 'view', view: 'keyspace' },
        { kind: 'view', view: 'tokenizers' },
        { kind: 'view', view: 'bigram' },
        { kind: 'view', view: 'bigram' },
      ]),
    ).toEqual([
      { kind: 'openKeySpace', tokenId: 9, text: ' France' },
      { kind: 'openView', view: 'bigram' },
    ]);
  });

  it('lists only the script settings that changed', () => {
    const before = { temperature: 1, seed: 0, topK: 0 };
    expect(changedSettings(before, { temperature: 2, seed: 0, topK: 0 }, ['temperature', 'seed', 'topK'])).toEqual({
      temperature: 2,
    });
  });
});
