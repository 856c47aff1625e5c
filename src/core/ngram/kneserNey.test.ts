import { describe, expect, it } from 'vitest';
import { estimateDiscounts, trainKneserNey } from './kneserNey';

/** A deterministic Zipf-like stream over tokens 0..usedTokens-1 (mulberry32 generator). */
function zipfStream(length: number, usedTokens: number, seed: number): number[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const weights = Array.from({ length: usedTokens }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const stream: number[] = [];
  let previous = 0;
  for (let i = 0; i < length; i++) {
    // Half the time repeat a fixed successor, so the stream has real bigram structure.
    if (random() < 0.5) {
      previous = (previous * 7 + 3) % usedTokens;
    } else {
      let r = random() * total;
      previous = 0;
      while (r > weights[previous] && previous < usedTokens - 1) r -= weights[previous++];
    }
    stream.push(previous);
  }
  return stream;
}

const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

/** Counts of each k-gram in a stream, keyed by its tokens joined with spaces. */
function gramCounts(stream: number[], k: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + k <= stream.length; i++) {
    const key = stream.slice(i, i + k).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Continuation counts of k-grams: how many distinct tokens precede each one. */
function continuationCounts(stream: number[], k: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const longer of gramCounts(stream, k + 1).keys()) {
    const suffix = longer.split(' ').slice(1).join(' ');
    counts.set(suffix, (counts.get(suffix) ?? 0) + 1);
  }
  return counts;
}

function countOfCounts(counts: Map<string, number>): number[] {
  const classes = [0, 0, 0, 0];
  for (const count of counts.values()) if (count <= 4) classes[count - 1]++;
  return classes;
}

describe('trainKneserNey', () => {
  const vocabSize = 50;
  const train = zipfStream(4000, 40, 1); // tokens 40..49 never occur

  it.each([1, 2, 3, 4])('gives a distribution that sums to 1 at order %i for seen and unseen contexts', (order) => {
    const model = trainKneserNey(train, vocabSize, order);
    const contexts = [
      [],
      train.slice(100, 103),
      train.slice(0, 1),
      [45, 46, 47],
      [train[7], 48],
      [49, train[7], train[8]],
    ];
    for (const context of contexts) {
      const probabilities = model.probabilities(context);
      expect(probabilities).toHaveLength(vocabSize);
      expect(Math.abs(sum(probabilities) - 1)).toBeLessThan(1e-9);
      expect(Math.min(...probabilities)).toBeGreaterThan(0); // the uniform floor reaches unseen tokens
    }
  });

  it('matches a trigram probability worked out by hand on a tiny corpus', () => {
    // a b c a b d a b c, with a=0 b=1 c=2 d=3. Too small for n3 and n4, so D2 and D3+ use
    // the fallback 1 and 1.5; D1 comes from Y = n1 / (n1 + 2 n2), D1 = 1 - 2 Y n2 / n1.
    const model = trainKneserNey([0, 1, 2, 0, 1, 3, 0, 1, 2], 4, 3);
    // Order 1, continuation counts (distinct left neighbours): a 2 (c, d), b 1, c 1, d 1.
    // n1 = 3, n2 = 1: D1 = 1 - 2 (3/5)(1/3) = 3/5. Total 5; freed mass D2 + 3 D1 = 14/5.
    const p1c = (1 - 3 / 5) / 5 + (14 / 5 / 5) * (1 / 4); // = 11/50
    // Order 2 after b: continuation counts bc 1 (from abc), bd 1 (from abd); all bigram
    // types: ab 2, bc 1, ca 1, bd 1, da 1, so n1 = 4, n2 = 1 and D1 = 1 - 2 (2/3)(1/4) = 2/3.
    const p2c = (1 - 2 / 3) / 2 + ((2 * 2) / 3 / 2) * p1c; // = 47/150
    // Order 3 after a b: raw counts abc 2, abd 1; trigram types abc 2 and five seen once,
    // so n1 = 5, n2 = 1, D1 = 1 - 2 (5/7)(1/5) = 5/7; freed mass D2 + D1 = 12/7.
    const p3c = (2 - 1) / 3 + (12 / 7 / 3) * p2c; // = 269/525
    expect(p3c).toBeCloseTo(269 / 525, 12);
    expect(model.probabilities([0, 1])[2]).toBeCloseTo(p3c, 12);
    expect(model.discounts.map((d) => d[0])).toEqual([3 / 5, 2 / 3, 5 / 7].map((d) => expect.closeTo(d, 12)));
  });

  it('estimates D1, D2, D3+ of every order from its count-of-counts', () => {
    // 400 Zipf-distributed tokens, so every order has n-grams seen 1, 2, 3 and 4 times.
    const stream = zipfStream(6000, 400, 1);
    const order = 3;
    const model = trainKneserNey(stream, 500, order);
    for (let k = 1; k <= order; k++) {
      // The top order counts occurrences; lower orders count distinct left neighbours.
      const n = countOfCounts(k === order ? gramCounts(stream, k) : continuationCounts(stream, k));
      expect(Math.min(...n)).toBeGreaterThan(0);
      expect(model.countOfCounts[k - 1]).toEqual(n);
      const y = n[0] / (n[0] + 2 * n[1]);
      const expected = [1 - (2 * y * n[1]) / n[0], 2 - (3 * y * n[2]) / n[1], 3 - (4 * y * n[3]) / n[2]];
      model.discounts[k - 1].forEach((d, i) => {
        expect(d).toBeCloseTo(expected[i], 12);
        expect(d).toBeGreaterThan(0);
        expect(d).toBeLessThan(i + 1);
      });
    }
  });

  it('falls back to fixed discounts when a count class is empty', () => {
    expect(estimateDiscounts([10, 5, 0, 0])).toEqual([1 - (2 * 0.5 * 5) / 10, 1, 1.5]);
    expect(estimateDiscounts([100, 40, 20, 10])).toEqual([
      0.5555555555555556,
      2 - (3 * (100 / 180) * 20) / 40,
      3 - (4 * (100 / 180) * 10) / 20,
    ]);
  });

  it('gives empirical frequencies at order 1, with one pseudo-count spread over the vocabulary', () => {
    const stream = [0, 1, 1, 2, 2, 2, 2, 5];
    const model = trainKneserNey(stream, 8, 1);
    const probabilities = model.probabilities([3]);
    const counts = [1, 2, 4, 0, 0, 1, 0, 0];
    counts.forEach((count, token) =>
      expect(probabilities[token]).toBeCloseTo((count + 1 / 8) / (stream.length + 1), 14),
    );
    expect(probabilities[2]).toBeCloseTo(4 / 8, 1); // the empirical frequency, up to the floor
    expect(probabilities[7]).toBeGreaterThan(0);
    expect(model.discounts[0]).toEqual([0, 0, 0]);
  });

  it('gives lower perplexity at higher orders on repetitive text', () => {
    const encode = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0) - 32);
    const phrases = ['the cat sat on the mat. ', 'the dog sat on the log. ', 'a cat ran to the mat. '];
    const text = (offset: number) => Array.from({ length: 60 }, (_, i) => phrases[(i * 7 + offset) % 3]).join('');
    const train = encode(text(0));
    const heldOut = encode(text(1));
    const perplexity = (order: number) => {
      const { nllNats, scoredTokens } = trainKneserNey(train, 96, order).score(heldOut);
      return Math.exp(nllNats / scoredTokens);
    };
    const [unigram, bigram, trigram, fourgram] = [1, 2, 3, 4].map(perplexity);
    expect(bigram).toBeLessThan(unigram);
    expect(trigram).toBeLessThan(bigram);
    expect(fourgram).toBeLessThan(trigram);
    expect(trigram).toBeLessThan(unigram / 3);
  });

  it.each([1, 2, 3, 4])('scores a stream at order %i as the sum of -log p from the probability vectors', (order) => {
    const model = trainKneserNey(train, vocabSize, order);
    const heldOut = [...zipfStream(300, 40, 2), 45, 3, 46, 47, ...zipfStream(50, 40, 3)];
    let expectedNats = 0;
    for (let j = 1; j < heldOut.length; j++)
      expectedNats -= Math.log(model.probabilities(heldOut.slice(0, j))[heldOut[j]]);
    const { nllNats, scoredTokens } = model.score(heldOut);
    expect(scoredTokens).toBe(heldOut.length - 1);
    expect(nllNats).toBeCloseTo(expectedNats, 8);
  });

  it('rejects token ids outside the vocabulary and unsupported orders', () => {
    expect(() => trainKneserNey([0, 1, 50], vocabSize, 2)).toThrow(RangeError);
    expect(() => trainKneserNey(train, vocabSize, 2).score([0, 1, 50])).toThrow(/outside the vocabulary/);
    expect(() => trainKneserNey(train, vocabSize, 9)).toThrow(/order must be 1..8/);
  });
});
