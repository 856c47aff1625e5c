import { describe, expect, it } from 'vitest';
import { createRng } from '../distribution/rng';
import { InfiniGramIndex } from './infiniGram';

/** Uniform floats in [0, 1) from the project's seeded generator. */
function makeRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.nextFloat64();
}

// ---- The oracle: brute force over the documents, no suffix array. ----

/** Every (document, offset) where the n-gram starts inside one document; the empty n-gram: every token. */
function naiveOccurrences(documents: number[][], ngram: number[]): [number, number][] {
  const out: [number, number][] = [];
  documents.forEach((document, d) => {
    for (let k = 0; k + ngram.length <= document.length; k++) {
      if (ngram.length === 0 && k === document.length) break;
      if (ngram.every((token, j) => document[k + j] === token)) out.push([d, k]);
    }
  });
  return out;
}

function naiveDistribution(documents: number[][], context: number[]) {
  const occurrences = naiveOccurrences(documents, context);
  const counts = new Map<number, number>();
  let endOfDocumentCount = 0;
  for (const [d, k] of occurrences) {
    const next = documents[d][k + context.length];
    if (next === undefined) endOfDocumentCount++;
    else counts.set(next, (counts.get(next) ?? 0) + 1);
  }
  const contextCount = occurrences.length;
  const entries = [...counts]
    .map(([token, count]) => ({ token, count, probability: count / contextCount }))
    .sort((a, b) => b.count - a.count || a.token - b.token);
  return { contextCount, entries, endOfDocumentCount, approximate: false };
}

function naiveInfiniGram(documents: number[][], context: number[], token: number) {
  let suffixLength = context.length;
  while (suffixLength > 0 && naiveOccurrences(documents, context.slice(context.length - suffixLength)).length === 0)
    suffixLength--;
  const distribution = naiveDistribution(documents, context.slice(context.length - suffixLength));
  const count = distribution.entries.find((e) => e.token === token)?.count ?? 0;
  return {
    suffixLength,
    effectiveN: suffixLength + 1,
    contextCount: distribution.contextCount,
    sparse: distribution.entries.length === 1 && distribution.endOfDocumentCount === 0,
    count,
    probability: distribution.contextCount > 0 ? count / distribution.contextCount : null,
    argmax: distribution.entries.length > 0 ? distribution.entries[0].token : -1,
    distribution,
  };
}

// ---- Random corpora with small alphabets, so that long matches happen. ----

/** Token ids: small ones, and huge ones that force the build's rank compression. */
const ID_SETS = [
  [0, 1],
  [0, 1, 2],
  [3, 5, 8, 13],
  [0, 7, 2 ** 31 - 1],
  [10, 11, 12, 13, 14],
];

function randomCorpus(random: () => number) {
  const alphabet = ID_SETS[Math.floor(random() * ID_SETS.length)];
  const pick = () => alphabet[Math.floor(random() * alphabet.length)];
  const documents = Array.from({ length: Math.floor(random() * 6) }, () =>
    Array.from({ length: Math.floor(random() * 30) }, pick),
  );
  return { alphabet, pick, documents };
}

/** Half the time a piece of the corpus, else random tokens, sometimes with a foreign token. */
function randomQuery(random: () => number, documents: number[][], pick: () => number, maxLength: number): number[] {
  const length = Math.floor(random() * (maxLength + 1));
  const source = documents[Math.floor(random() * documents.length)];
  if (random() < 0.5 && source && source.length >= length) {
    const start = Math.floor(random() * (source.length - length + 1));
    return source.slice(start, start + length);
  }
  return Array.from({ length }, () => (random() < 0.05 ? 99 : pick()));
}

function sortedLocations(locations: { documentIndex: number; tokenOffset: number }[]): [number, number][] {
  return locations
    .map((l): [number, number] => [l.documentIndex, l.tokenOffset])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('InfiniGramIndex against a brute-force scan', () => {
  it('counts, probabilities, distributions, ∞-grams and locations on 300 random corpora', () => {
    const random = makeRandom(2024);
    for (let c = 0; c < 300; c++) {
      const { alphabet, pick, documents } = randomCorpus(random);
      const index = InfiniGramIndex.build(documents);
      const tokenTotal = documents.reduce((sum, d) => sum + d.length, 0);
      expect(index.tokenCount).toBe(tokenTotal);
      expect(index.documentCount).toBe(documents.length);
      documents.forEach((document, d) => {
        expect(index.documentLength(d)).toBe(document.length);
        expect(Array.from(index.documentTokens(d))).toEqual(document);
      });
      for (let q = 0; q < 12; q++) {
        const ngram = randomQuery(random, documents, pick, 7);
        const label = `case ${c}, query ${ngram}`;
        const occurrences = naiveOccurrences(documents, ngram);
        expect(index.count(ngram), label).toBe(occurrences.length);
        expect(sortedLocations(index.locate(ngram, 10_000)), label).toEqual(occurrences);

        const token = random() < 0.1 ? 99 : alphabet[Math.floor(random() * alphabet.length)];
        const expected = naiveInfiniGram(documents, ngram, token);
        const direct = index.probability(ngram, token);
        const exact = naiveDistribution(documents, ngram);
        expect(direct.contextCount, label).toBe(exact.contextCount);
        expect(direct.count, label).toBe(exact.entries.find((e) => e.token === token)?.count ?? 0);
        expect(direct.probability, label).toBe(exact.contextCount ? direct.count / exact.contextCount : null);
        expect(index.nextTokenDistribution(ngram), label).toEqual(exact);

        const result = index.infiniGram(ngram, token, { distribution: true });
        expect(result, label).toEqual({
          suffixLength: expected.suffixLength,
          effectiveN: expected.effectiveN,
          contextCount: expected.contextCount,
          sparse: expected.sparse,
          count: expected.count,
          probability: expected.probability,
          distribution: expected.distribution,
        });
        const match = index.longestMatch(ngram);
        expect([match.start, match.length, match.count], label).toEqual([
          ngram.length - expected.suffixLength,
          expected.suffixLength,
          expected.contextCount,
        ]);
      }
    }
  });

  it('scores whole texts position by position like the brute force', () => {
    const random = makeRandom(99);
    for (let c = 0; c < 150; c++) {
      const { pick, documents } = randomCorpus(random);
      const index = InfiniGramIndex.build(documents);
      for (let t = 0; t < 3; t++) {
        // Pieces of the corpus glued together, with random tokens between: long matches that break.
        const tokens: number[] = [];
        while (tokens.length < 40) tokens.push(...randomQuery(random, documents, pick, 12));
        const scores = index.scoreText(tokens);
        expect(scores.length).toBe(tokens.length);
        for (let i = 0; i < tokens.length; i++) {
          const label = `case ${c}, text ${tokens}, position ${i}`;
          const expected = naiveInfiniGram(documents, tokens.slice(0, i), tokens[i]);
          const probability = expected.probability ?? NaN;
          expect(
            [
              scores.suffixLength[i],
              scores.effectiveN[i],
              scores.contextCount[i],
              scores.count[i],
              scores.probability[i],
            ],
            label,
          ).toEqual([expected.suffixLength, expected.effectiveN, expected.contextCount, expected.count, probability]);
          expect([scores.sparse[i], scores.argmaxToken[i], scores.agrees[i], scores.argmaxAgrees[i]], label).toEqual([
            expected.sparse ? 1 : 0,
            expected.argmax,
            probability > 0.5 ? 1 : 0,
            expected.argmax === tokens[i] ? 1 : 0,
          ]);
          expect(scores.matchLength[i], label).toBe(naiveInfiniGram(documents, tokens.slice(0, i + 1), 0).suffixLength);
        }
      }
    }
  });

  it('samples large contexts with a stride above maxSupport, keeping the total', () => {
    const random = makeRandom(7);
    const documents = [Array.from({ length: 6000 }, () => Math.floor(random() * 4)), [1, 2, 3, 1]];
    const index = InfiniGramIndex.build(documents);
    for (const [context, maxSupport] of [
      [[1], 100],
      [[], 50],
      [[2, 3], 7],
      [[3, 1, 2], 1],
    ] as [number[], number][]) {
      const exact = naiveDistribution(documents, context);
      const sampled = index.nextTokenDistribution(context, { maxSupport });
      let unit = 1;
      while (exact.contextCount > unit * maxSupport) unit *= 2;
      expect(sampled.approximate).toBe(unit > 1);
      expect(sampled.contextCount).toBe(exact.contextCount);
      expect(sampled.entries.reduce((s, e) => s + e.count, sampled.endOfDocumentCount)).toBe(exact.contextCount);
      for (const entry of sampled.entries) {
        const truth = exact.entries.find((e) => e.token === entry.token);
        expect(truth, `token ${entry.token}`).toBeDefined();
        // Only the blocks that straddle a run's two ends are misattributed.
        expect(Math.abs(entry.count - truth!.count)).toBeLessThanOrEqual(2 * unit);
      }
      expect(index.nextTokenDistribution(context, { maxSupport: exact.contextCount })).toEqual(exact);
    }
    expect(() => index.nextTokenDistribution([1], { maxSupport: 0 })).toThrow(/maxSupport/);
  });

  it('handles empty corpora, empty documents and foreign tokens', () => {
    const empty = InfiniGramIndex.build([]);
    expect([empty.tokenCount, empty.documentCount, empty.count([]), empty.count([1])]).toEqual([0, 0, 0, 0]);
    expect(empty.probability([], 1)).toEqual({ count: 0, contextCount: 0, probability: null });
    expect(empty.infiniGram([1, 2], 3).probability).toBeNull();
    expect(Number.isNaN(empty.scoreText([1, 2]).probability[1])).toBe(true);

    const index = InfiniGramIndex.build([[], [5, 6], [], [5]]);
    expect(index.documentStarts).toEqual(new Int32Array([0, 1, 4, 5]));
    expect(index.locatePosition(2)).toEqual({ documentIndex: 1, tokenOffset: 1 });
    expect(index.locate([5], 5)).toHaveLength(2);
    expect(index.count([])).toBe(3); // separators are not tokens
    expect(index.nextTokenDistribution([5])).toEqual({
      contextCount: 2,
      entries: [{ token: 6, count: 1, probability: 0.5 }],
      endOfDocumentCount: 1,
      approximate: false,
    });
    for (const foreign of [-1, 1.5, NaN, 2 ** 31, 7]) expect(index.count([5, foreign])).toBe(0);
    expect(() => InfiniGramIndex.build([[1, -2]])).toThrow(/document 0, token 1/);
    expect(() => InfiniGramIndex.build([[2 ** 31]])).toThrow(/not a token id/);
  });

  it('reports build progress from 0 to 1', () => {
    const fractions: number[] = [];
    InfiniGramIndex.build([[1, 2, 3, 1, 2]], { onProgress: (f) => fractions.push(f) });
    expect(fractions[0]).toBe(0);
    expect(fractions[fractions.length - 1]).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
  });
});

describe('InfiniGramIndex stored as bytes', () => {
  const random = makeRandom(31);
  const documents = Array.from({ length: 20 }, () => Array.from({ length: 50 }, () => Math.floor(random() * 6)));
  const index = InfiniGramIndex.build(documents);
  const bytes = index.toBytes();

  it('round-trips, also from an unaligned copy', () => {
    const unaligned = new Uint8Array(bytes.length + 1).subarray(1);
    unaligned.set(bytes);
    for (const copy of [InfiniGramIndex.fromBytes(bytes), InfiniGramIndex.fromBytes(unaligned)]) {
      expect([copy.tokenCount, copy.documentCount]).toEqual([index.tokenCount, index.documentCount]);
      expect(copy.documentStarts).toEqual(index.documentStarts);
      const text = documents[3].concat(documents[7]);
      expect(copy.scoreText(text)).toEqual(index.scoreText(text));
      expect(copy.nextTokenDistribution([1, 2])).toEqual(index.nextTokenDistribution([1, 2]));
    }
  });

  it('refuses corrupt files with a sentence that says why', () => {
    const mutated = (change: (b: Uint8Array) => void) => {
      const copy = bytes.slice();
      change(copy);
      return copy;
    };
    expect(() => InfiniGramIndex.fromBytes(bytes.subarray(0, 10))).toThrow(/shorter than the 32-byte header/);
    expect(() => InfiniGramIndex.fromBytes(mutated((b) => (b[0] = 0x58)))).toThrow(/wrong magic/);
    expect(() => InfiniGramIndex.fromBytes(mutated((b) => (b[8] = 9)))).toThrow(/version 9/);
    expect(() => InfiniGramIndex.fromBytes(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(() => InfiniGramIndex.fromBytes(longer)).toThrow(/unexpected bytes/);
    expect(() => InfiniGramIndex.fromBytes(mutated((b) => (b[20] ^= 1)))).toThrow(/inconsistent counts/);
    expect(() => InfiniGramIndex.fromBytes(mutated((b) => (b[b.length - 100] ^= 4)))).toThrow(/checksum/);
  });
});
