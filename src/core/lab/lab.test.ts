import { describe, expect, it } from 'vitest';
import { positionSeed, softmax } from '../distribution';
import { appendStep, emptyTree, moveTo, pathTokens, ROOT_ID } from './branchTree';
import {
  histogram,
  metricHistogram,
  rankBucketCounts,
  relativeToTopHistogram,
  top10EntropyHistogram,
} from './gltrPanels';
import { meanSurprisalBits, positionMetrics, type PositionMetrics } from './positionMetrics';
import { GLTR_COLOURS, metricScale, metricValue, parseThresholds, thresholdsProblem } from './tokenColours';

function metrics(overrides: Partial<PositionMetrics>): PositionMetrics {
  return {
    tokenId: 0,
    logProb: Math.log(0.5),
    rank: 1,
    entropyNats: Math.LN2,
    top10EntropyNats: Math.LN2,
    probabilityRelativeToTop: 1,
    topTokenId: 0,
    ...overrides,
  };
}

describe('positionMetrics', () => {
  it('computes probability, rank, Frac(p) and entropies from a logits row, hand-checked', () => {
    // p = [0.5, 0.25, 0.125, 0.125]
    const logits = [Math.log(4), Math.log(2), 0, 0];
    const m = positionMetrics(logits, 2);
    expect(Math.exp(m.logProb)).toBeCloseTo(0.125, 12);
    expect(m.rank).toBe(3);
    expect(m.probabilityRelativeToTop).toBeCloseTo(0.25, 12);
    const h = -(0.5 * Math.log(0.5) + 0.25 * Math.log(0.25) + 2 * 0.125 * Math.log(0.125));
    expect(m.entropyNats).toBeCloseTo(h, 12);
    expect(m.top10EntropyNats).toBeCloseTo(h, 12);
    expect(m.topTokenId).toBe(0);
  });

  it('keeps -Infinity logits out of the entropy and gives the top-10 entropy of a big vocabulary', () => {
    const logits = new Array(50).fill(0);
    logits[7] = -Infinity;
    const m = positionMetrics(logits, 7);
    expect(m.logProb).toBe(-Infinity);
    expect(m.rank).toBe(50);
    expect(m.entropyNats).toBeCloseTo(Math.log(49), 12);
    expect(m.top10EntropyNats).toBeCloseTo(Math.log(10), 12);
    expect(softmax(logits)[7]).toBe(0);
  });
});

describe('meanSurprisalBits', () => {
  it('averages −log₂ p over the scored tokens', () => {
    expect(meanSurprisalBits([{ logProb: Math.log(0.5) }, { logProb: Math.log(0.125) }])).toBeCloseTo(2, 12);
  });

  it('is null, not 0 bits, when no token was scored', () => {
    expect(meanSurprisalBits([])).toBeNull();
  });
});

describe('token colours', () => {
  it('gives each metric its value: surprisal in bits, rank as GLTR bucket', () => {
    const m = metrics({ logProb: Math.log(0.25), rank: 11, entropyNats: 2 * Math.LN2, probabilityRelativeToTop: 0.5 });
    expect(metricValue(m, 'surprisal', [10, 100, 1000])).toBeCloseTo(2, 12);
    expect(metricValue(m, 'probability', [10, 100, 1000])).toBeCloseTo(0.25, 12);
    expect(metricValue(m, 'rank', [10, 100, 1000])).toBe(1);
    expect(metricValue(m, 'rank', [20])).toBe(0);
    expect(metricValue(m, 'entropy', [10])).toBeCloseTo(2, 12);
    expect(metricValue(m, 'relativeToTop', [10])).toBe(0.5);
  });

  it('uses GLTR colours for buckets, "beyond" always purple, and a legend per scale', () => {
    const scale = metricScale('rank', [10, 100]);
    expect(scale.legend.map((s) => s.label)).toEqual(['top 10', 'top 100', 'beyond 100']);
    expect(scale.colour(0)).toBe(GLTR_COLOURS[0]);
    expect(scale.colour(2)).toBe(GLTR_COLOURS[3]);
    const surprisal = metricScale('surprisal', [10]);
    expect(surprisal.legend).toHaveLength(5);
    expect(surprisal.colour(0)).not.toBe(surprisal.colour(16));
    expect(surprisal.colour(100)).toBe(surprisal.colour(16));
  });

  it('parses editable thresholds and refuses bad ones', () => {
    expect(parseThresholds('10, 100, 1000')).toEqual([10, 100, 1000]);
    expect(parseThresholds('5 50')).toEqual([5, 50]);
    expect(parseThresholds('100, 10')).toBeNull();
    expect(parseThresholds('0')).toBeNull();
    expect(parseThresholds('1,2,3,4')).toBeNull();
    expect(parseThresholds('')).toBeNull();
  });

  it('says why thresholds are refused and what is valid, instead of keeping the old buckets without a word', () => {
    expect(thresholdsProblem('10, 100, 1000')).toBeNull();
    expect(thresholdsProblem('')).toBe('Type 1 to 3 rank limits, like 10, 100, 1000.');
    expect(thresholdsProblem('1,2,3,4')).toBe('At most 3 rank limits (4 colours), like 10, 100, 1000; this has 4.');
    expect(thresholdsProblem('10, 0')).toBe(
      'Rank limits are whole numbers of 1 or more, like 10, 100, 1000; “0” is not.',
    );
    expect(thresholdsProblem('10, 2.5')).toBe(
      'Rank limits are whole numbers of 1 or more, like 10, 100, 1000; “2.5” is not.',
    );
    expect(thresholdsProblem('100, 10')).toBe('The rank limits must go up, like 10, 100, 1000.');
  });
});

describe('GLTR panels', () => {
  const positions = [
    metrics({ rank: 1, probabilityRelativeToTop: 1, top10EntropyNats: 0 }),
    metrics({ rank: 10, probabilityRelativeToTop: 0.05, top10EntropyNats: Math.log(10) }),
    metrics({ rank: 11, probabilityRelativeToTop: 0.55 }),
    metrics({ rank: 5000, probabilityRelativeToTop: 0 }),
  ];

  it('counts tokens per rank bucket', () => {
    expect(rankBucketCounts(positions, [10, 100, 1000])).toEqual([2, 1, 0, 1]);
  });

  it('bins Frac(p) in 10 bins on [0, 1] and top-10 entropy in 8, the maxima in the last bin', () => {
    const frac = relativeToTopHistogram(positions);
    expect(frac).toHaveLength(10);
    expect(frac.map((b) => b.count)).toEqual([2, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    const entropy = top10EntropyHistogram(positions);
    expect(entropy).toHaveLength(8);
    expect(entropy[0].count).toBe(1);
    expect(entropy[7].count).toBe(1);
    expect(entropy.reduce((s, b) => s + b.count, 0)).toBe(4);
  });

  it('clamps values outside the range into the end bins', () => {
    expect(histogram([-1, 0.5, 9], 0, 1, 2).map((b) => b.count)).toEqual([1, 2]);
  });

  it('gives the colouring metric a histogram, with infinite surprisal left out', () => {
    const withInfinite = [...positions, metrics({ logProb: -Infinity })];
    const bins = metricHistogram(withInfinite, 'surprisal', [10]);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(metricHistogram(positions, 'rank', [10, 100, 1000]).map((b) => b.count)).toEqual([2, 1, 0, 1]);
  });
});

describe('branch tree', () => {
  it('appends, reuses a child with the same token, walks back and branches', () => {
    let tree = emptyTree();
    const step = (tokenId: number) => ({
      tokenId,
      probability: 0.5,
      sampledProbability: null,
      how: 'click' as const,
      seed: null,
    });
    tree = appendStep(tree, step(5));
    tree = appendStep(tree, step(6));
    expect(pathTokens(tree)).toEqual([5, 6]);
    const leaf = tree.currentId;
    tree = moveTo(tree, tree.nodes[leaf].parentId!);
    tree = appendStep(tree, step(6));
    expect(tree.currentId).toBe(leaf);
    tree = moveTo(tree, tree.nodes[leaf].parentId!);
    tree = appendStep(tree, step(7));
    expect(pathTokens(tree)).toEqual([5, 7]);
    expect(tree.nodes[tree.nodes[leaf].parentId!].childIds).toHaveLength(2);
    tree = moveTo(tree, ROOT_ID);
    expect(pathTokens(tree)).toEqual([]);
    expect(() => moveTo(tree, 99)).toThrow(RangeError);
  });
});

describe('positionSeed', () => {
  it('uses the seed itself for the first token and a different stream for each position', () => {
    expect(positionSeed(42, 0)).toBe(42);
    const seeds = new Set(Array.from({ length: 100 }, (_, i) => positionSeed(42, i)));
    expect(seeds.size).toBe(100);
    expect(positionSeed(0xffffffff, 3)).toBeLessThan(2 ** 32);
    expect(positionSeed(0xffffffff, 3)).toBeGreaterThanOrEqual(0);
  });
});
