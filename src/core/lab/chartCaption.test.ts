import { describe, expect, it } from 'vitest';
import { chartCaption, samplingCaption } from './chartCaption';

describe('chart captions', () => {
  it('name every sampling stage, off where it keeps everything', () => {
    expect(samplingCaption({ temperature: 1, topK: 0, topP: 1, minP: 0 })).toBe(
      'temperature 1.00, top-k off, top-p off, min-p off',
    );
    expect(samplingCaption({ temperature: 0.8, topK: 40, topP: 0.9, minP: 0.05 })).toBe(
      'temperature 0.80, top-k 40, top-p 0.90, min-p 0.05',
    );
  });

  it('join only the parts that are known', () => {
    expect(chartCaption('sotu-gpt-long', null, 'position 12', undefined, '')).toBe('sotu-gpt-long · position 12');
    expect(chartCaption()).toBe('');
  });
});
