/**
 * The index on real text: the State of the Union training split (`npm run corpus` writes
 * .cache/corpus/*.json, in about a second; `npm test` runs it first), tokenised crudely by words
 * and punctuation with a Map to ids. Skipped when the corpus has not been prepared (a bare
 * `npx vitest`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InfiniGramIndex } from './infiniGram';

const CORPUS_DIR = new URL('../../../.cache/corpus/', import.meta.url);
const hasCorpus = existsSync(new URL('train.json', CORPUS_DIR)) && existsSync(new URL('test.json', CORPUS_DIR));

const ids = new Map<string, number>();
function tokenize(text: string): number[] {
  return (text.match(/[A-Za-z]+|[0-9]+|[^\sA-Za-z0-9]/g) ?? []).map((word) => {
    let id = ids.get(word);
    if (id === undefined) ids.set(word, (id = ids.size));
    return id;
  });
}
const readSplit = (name: string): { text: string }[] => JSON.parse(readFileSync(new URL(name, CORPUS_DIR), 'utf8'));

/**
 * An oracle for the ∞-gram at each position that matches backwards from every corpus position
 * holding the context's last token (an inverted index, no suffix array).
 */
class BackwardOracle {
  /** Documents joined with −1 between them. */
  private corpus: Int32Array;
  private postings = new Map<number, number[]>();

  constructor(documents: number[][]) {
    this.corpus = Int32Array.from(documents.flatMap((d) => [...d, -1]));
    this.corpus.forEach((token, position) => {
      if (token < 0) return;
      const list = this.postings.get(token) ?? [];
      list.push(position);
      this.postings.set(token, list);
    });
  }

  infiniGram(tokens: number[], i: number) {
    const corpus = this.corpus;
    const next = new Map<number, number>(); // next token (−1: end of document) → count
    let suffixLength = 0;
    if (i > 0) {
      const candidates = this.postings.get(tokens[i - 1]) ?? [];
      const lengths = candidates.map((q) => {
        let j = 0;
        while (j < i && q - j >= 0 && corpus[q - j] === tokens[i - 1 - j]) j++;
        return j;
      });
      suffixLength = lengths.reduce((a, b) => Math.max(a, b), 0);
      candidates.forEach((q, k) => {
        if (lengths[k] >= suffixLength) next.set(corpus[q + 1], (next.get(corpus[q + 1]) ?? 0) + 1);
      });
    }
    if (suffixLength === 0) for (const [token, list] of this.postings) next.set(token, list.length);
    let contextCount = 0;
    let argmax = -1;
    for (const [token, count] of next) {
      contextCount += count;
      if (token >= 0 && (argmax < 0 || count > next.get(argmax)! || (count === next.get(argmax) && token < argmax)))
        argmax = token;
    }
    const tokenRuns = [...next.keys()].filter((t) => t >= 0).length;
    return {
      suffixLength,
      contextCount,
      count: next.get(tokens[i]) ?? 0,
      sparse: tokenRuns === 1 && !next.has(-1),
      argmax,
    };
  }

  count(ngram: number[]): number {
    if (ngram.length === 0) return this.corpus.length - this.corpus.filter((t) => t < 0).length;
    return (this.postings.get(ngram[0]) ?? []).filter((q) => ngram.every((t, j) => this.corpus[q + j] === t)).length;
  }
}

describe.skipIf(!hasCorpus)('InfiniGramIndex on the SOTU training split', () => {
  const documents = hasCorpus ? readSplit('train.json').map((d) => tokenize(d.text)) : [];
  const index = InfiniGramIndex.build(documents);
  const oracle = new BackwardOracle(documents);

  it('counts n-grams of the corpus and of unseen text like a scan', () => {
    const unseen = hasCorpus ? tokenize(readSplit('test.json')[0].text) : [];
    for (let k = 0; k < 60; k++) {
      const source = k % 2 === 0 ? documents[(k * 37) % documents.length] : unseen;
      const start = (k * 7919) % Math.max(1, source.length - 8);
      const ngram = source.slice(start, start + 1 + (k % 8));
      expect(index.count(ngram), `${ngram}`).toBe(oracle.count(ngram));
    }
    expect(index.count([])).toBe(oracle.count([]));
  });

  it('scores held-out text like the backward oracle', () => {
    const text = tokenize(readSplit('test.json')[1].text).slice(0, 400);
    const scores = index.scoreText(text);
    for (let i = 0; i < text.length; i++) {
      const expected = oracle.infiniGram(text, i);
      expect(
        [scores.suffixLength[i], scores.contextCount[i], scores.count[i], scores.sparse[i], scores.argmaxToken[i]],
        `position ${i}`,
      ).toEqual([
        expected.suffixLength,
        expected.contextCount,
        expected.count,
        expected.sparse ? 1 : 0,
        expected.argmax,
      ]);
    }
    // Real text has long matches: some effective n well above a 5-gram's.
    expect(scores.effectiveN.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(5);
  });

  it('degenerates on text from the corpus: the suffix is the whole prefix', () => {
    const text = documents[5].slice(0, 300);
    const scores = index.scoreText(text);
    for (let i = 0; i < text.length; i++) expect(scores.suffixLength[i]).toBe(i);
    const match = index.longestMatch(text, 300, 5);
    expect(match.length).toBe(300);
    expect(match.occurrences).toContainEqual({ documentIndex: 5, tokenOffset: 0 });
  });
});
