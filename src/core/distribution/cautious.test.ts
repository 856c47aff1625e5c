import { describe, expect, it } from 'vitest';
import {
  CNTP_ENTROPY_HIGH_NATS,
  CNTP_ENTROPY_LOW_NATS,
  CNTP_MAX_TRIALS,
  CNTP_STOP_TEXTS,
  cautiousEntropyNats,
  cautiousShouldBranch,
  cautiousStopTokenIds,
  cautiousTrialCount,
  chooseTrial,
  isCautiousStopText,
  trialPerplexity,
} from './cautious';

// Expected values from an independent Python/mpmath computation of the formulas in
// docs/PAPERS.md section 5 and the released code (wyzjack/CNTP README).

describe('CNTP constants', () => {
  it('are the defaults of every released script', () => {
    expect([CNTP_MAX_TRIALS, CNTP_ENTROPY_LOW_NATS, CNTP_ENTROPY_HIGH_NATS]).toEqual([10, 0.01, 1.5]);
    expect(CNTP_STOP_TEXTS).toEqual(['.', ',', '\n', '?', '!', ':', ';', ')', ']', '}']);
  });
});

describe('cautiousEntropyNats', () => {
  it('is −Σ p ln(p + 1e−10), as the code measures it', () => {
    expect(cautiousEntropyNats([0.5, 0.5])).toBeCloseTo(0.6931471803599453, 15);
    const tiny = cautiousEntropyNats(new Float64Array([1 - 1e-10, 1e-10, 0]));
    expect(Math.abs(tiny - 2.2332703832120884e-9)).toBeLessThan(1e-6 * 2.2332703832120884e-9);
  });
});

describe('cautiousTrialCount', () => {
  const entropies = [0, 0.01, 0.1755, 0.1756, 0.2, 0.3079, 0.3081, 0.75, 1.5, 5];

  it('follows the code: ⌊1 + (N_max − 1)·clip((H − H_min)/(H_max − H_min), 0, 1)⌋', () => {
    expect(entropies.map((h) => cautiousTrialCount(h))).toEqual([1, 1, 1, 2, 2, 2, 2, 5, 10, 10]);
  });

  it('follows the paper on request: max(1, min(N_max, ⌊(H − H_min)/(H_max − H_min)·N_max⌋))', () => {
    expect(entropies.map((h) => cautiousTrialCount(h, { rule: 'paper' }))).toEqual([1, 1, 1, 1, 1, 1, 2, 4, 10, 10]);
  });

  it('takes other N_max and thresholds', () => {
    expect(cautiousTrialCount(1, { maxTrials: 4 })).toBe(2);
    expect(cautiousTrialCount(1, { maxTrials: 4, rule: 'paper' })).toBe(2);
    expect(cautiousTrialCount(0.5, { entropyLowNats: 0, entropyHighNats: 1 })).toBe(5);
  });

  it('rejects NaN entropy and inconsistent settings', () => {
    expect(() => cautiousTrialCount(Number.NaN)).toThrow(/NaN/);
    expect(() => cautiousTrialCount(1, { maxTrials: 0 })).toThrow(/maxTrials/);
    expect(() => cautiousTrialCount(1, { entropyLowNats: 2 })).toThrow(/greater than/);
  });
});

describe('cautiousShouldBranch (the entropy threshold test)', () => {
  it('branches from H ≈ 0.1756 nats under the code rule and from 0.308 under the paper rule', () => {
    expect([0.17, 0.18].map((h) => cautiousShouldBranch(h))).toEqual([false, true]);
    expect([0.3, 0.31].map((h) => cautiousShouldBranch(h, { rule: 'paper' }))).toEqual([false, true]);
  });
});

describe('trial selection', () => {
  it('scores a trial by perplexity exp(−mean ln p)', () => {
    expect(trialPerplexity([Math.log(0.5), Math.log(0.125)])).toBeCloseTo(4, 14);
    expect(trialPerplexity(new Float64Array([Math.log(0.9), Math.log(0.8)]))).toBeCloseTo(1.1785113019775793, 14);
    expect(trialPerplexity([-Infinity, 0])).toBe(Infinity);
    expect(() => trialPerplexity([])).toThrow(/at least one token/);
  });

  it('chooses the lowest-perplexity trial, which may be the longer one', () => {
    const choice = chooseTrial([[Math.log(0.5)], [Math.log(0.9), Math.log(0.8)], [Math.log(0.3)]]);
    expect(choice.index).toBe(1);
    expect(choice.perplexities).toHaveLength(3);
    expect(choice.perplexities[0]).toBeCloseTo(2, 14);
  });

  it('keeps the earliest trial on a tie', () => {
    expect(chooseTrial([[Math.log(0.5)], [Math.log(0.5), Math.log(0.5)]]).index).toBe(0);
    expect(chooseTrial([[-Infinity], [-Infinity]]).index).toBe(0);
    expect(() => chooseTrial([])).toThrow(RangeError);
  });
});

describe('punctuation stopping rule', () => {
  it('stops on a token whose text is exactly one of the ten stop texts', () => {
    for (const text of ['.', ',', '\n', '?', '!', ':', ';', ')', ']', '}']) expect(isCautiousStopText(text)).toBe(true);
  });

  it('does not stop on merged punctuation tokens or other text', () => {
    for (const text of [' .', '.\n', '),', '..', '(', 'a', '', '\r\n']) expect(isCautiousStopText(text)).toBe(false);
  });

  it('builds the code’s id set from the first id of each encoded stop text', () => {
    const byteLevel = (text: string) => [text.charCodeAt(0)];
    expect(cautiousStopTokenIds(byteLevel)).toEqual(new Set([46, 44, 10, 63, 33, 58, 59, 41, 93, 125]));
    // A SentencePiece-style encoder that prefixes "▁" (id 29871) to "\n": its first id is the marker.
    const sentencePiece = (text: string) => (text === '\n' ? [29871, 13] : [1000 + text.charCodeAt(0)]);
    const ids = cautiousStopTokenIds(sentencePiece);
    expect(ids.has(29871)).toBe(true);
    expect(ids.has(13)).toBe(false);
  });
});
