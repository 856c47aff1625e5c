import { describe, expect, it } from 'vitest';
import { describeDemoStep } from './describe';

describe('step lines', () => {
  it('says what each step does', () => {
    expect(describeDemoStep({ kind: 'setSettings', settings: { temperature: 0.5, seed: 3 } })).toBe(
      'Set temperature 0.5, seed 3',
    );
    expect(describeDemoStep({ kind: 'sampleStep', count: 8 })).toBe('Sample: 8 tokens');
    expect(describeDemoStep({ kind: 'greedyStep' })).toBe('Greedy: one token');
    expect(describeDemoStep({ kind: 'openKeySpace', tokenId: 1677, text: ' Britain' })).toBe(
      'Key space of " Britain" (id 1677)',
    );
    expect(describeDemoStep({ kind: 'appendToken', tokenId: 4 })).toBe('Append (id 4)');
    expect(describeDemoStep({ kind: 'openView', view: 'bigram' })).toBe('Open Bigram & layers');
    expect(describeDemoStep({ kind: 'setText', text: 'x'.repeat(80) })).toBe(`Text "${'x'.repeat(57)}…"`);
  });
});
