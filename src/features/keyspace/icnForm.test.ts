import { describe, expect, it } from 'vitest';
import { checkIcnForm } from './icnForm';

describe('checkIcnForm', () => {
  it('gives the numbers to run with', () => {
    expect(checkIcnForm({ runs: '10', tolerance: '5', temperature: '0.7' })).toEqual({
      values: { runs: 10, tolerance: 5, temperature: 0.7 },
      problems: [],
    });
  });

  it('refuses runs of 0 or −2 with a sentence naming the range, instead of running 10', () => {
    for (const runs of ['0', '-2']) {
      expect(checkIcnForm({ runs, tolerance: '10', temperature: '1' })).toEqual({
        values: null,
        problems: [`Runs must be a whole number from 1 to 50; “${runs}” is not.`],
      });
    }
  });

  it('says what is wrong with every field at once', () => {
    const { values, problems } = checkIcnForm({ runs: '', tolerance: '51', temperature: '0' });
    expect(values).toBeNull();
    expect(problems).toEqual([
      'Runs is empty: type a whole number from 1 to 50.',
      'Probes per run must be a whole number from 1 to 50; “51” is not.',
      'The temperature must be a number above 0.',
    ]);
  });
});
