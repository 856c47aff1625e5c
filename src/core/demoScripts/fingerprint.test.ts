import { describe, expect, it } from 'vitest';
import { fingerprintDifference, labFingerprint, listFingerprint, numbersFingerprint } from './fingerprint';

const sampling = { temperature: 1, topK: 0, topP: 1, minP: 0 };

describe('fingerprints', () => {
  it('holds the ids, the position and the top bars after the sampling settings', () => {
    const logits = new Float32Array([0, 2, 1, -1, 3, 0.5]);
    const warm = labFingerprint({ ids: [3, 4], position: 2, logits, sampling });
    expect(warm).toMatch(/^ids 3,4 @2 \| top 4=0\.6\d{3} 1=0\.2\d{3} 2=/);
    const cold = labFingerprint({ ids: [3, 4], position: 2, logits, sampling: { ...sampling, temperature: 0.01 } });
    expect(cold).toContain('top 4=1.000');
    expect(cold).not.toBe(warm);
    expect(labFingerprint({ ids: [1], position: 1, logits: null, sampling })).toBe('ids 1 @1 | no distribution');
  });

  it('formats numbers and lists to four significant digits', () => {
    expect(numbersFingerprint({ kl: 0.123456, top: ' the' })).toBe('kl=0.1235 top= the');
    expect(listFingerprint([{ label: 'e', value: 0.5 }])).toBe('"e":0.5000');
  });
});

describe('fingerprintDifference', () => {
  const step = 'lab | ids 5727,45,327 @17 | top 259=1.000 258=0.00001599 391=4.660e-38';
  it('accepts the same words and ids with decimals within the tolerance', () => {
    expect(fingerprintDifference(step, step)).toBeNull();
    expect(fingerprintDifference(step, step.replace('4.660e-38', '4.659e-38'))).toBeNull();
  });
  it('names a different id, word or decimal', () => {
    expect(fingerprintDifference(step, step.replace('327 @17', '328 @17'))).toContain('327 ≠ 328');
    expect(fingerprintDifference(step, step.replace('lab', 'bigram'))).not.toBeNull();
    expect(fingerprintDifference(step, step.replace('4.660e-38', '4.600e-38'))).toContain('4.660e-38 ≠ 4.600e-38');
    expect(fingerprintDifference(step, step.replace('1.000', '0.9000'))).not.toBeNull();
    expect(fingerprintDifference(step, `${step} 1`)).not.toBeNull();
  });
});
