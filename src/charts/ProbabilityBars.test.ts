import { describe, expect, it } from 'vitest';
import { formatProbability } from './ProbabilityBars';

describe('formatProbability', () => {
  it('keeps two significant digits for small percentages and one decimal above 1%', () => {
    expect(formatProbability(0.1234)).toBe('12.3%');
    expect(formatProbability(0.00086)).toBe('0.086%');
    expect(formatProbability(3.2e-7)).toBe('3.2e-5%');
    expect(formatProbability(0)).toBe('0%');
  });
});
