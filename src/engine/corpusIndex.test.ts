/**
 * The corpus view's service on the real embedded models under Node: the shipped training
 * split equals what the model's own tokenizer (transformers.js) makes of the addresses, the
 * index is built once and read back from the store, and the numbers beside the model equal a
 * brute-force count over the same token ids and the model's own step.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAddresses, splitOf } from '../../tools/corpus/corpus';
import { createNodeRuntime } from './nodeRuntime';
import { softmax } from '../core/distribution';
import { memoryCorpusIndexStore } from '../storage/corpusIndexStore';
import { CorpusIndexService, type CorpusModel } from './corpusIndex';
import type { CorpusSourceParams, TrainingSplitEntry } from '../protocol/corpus';
import { Engine } from './engine';

const CORPUS_DIR = new URL('../../public/corpus/', import.meta.url);
const filesIndex = JSON.parse(readFileSync(new URL('index.json', CORPUS_DIR), 'utf8')) as {
  models: Record<string, string>;
  corpora: Record<string, TrainingSplitEntry>;
};
const readLocal = async (url: string, onFraction: (fraction: number) => void) => {
  const bytes = new Uint8Array(readFileSync(new URL(url)));
  onFraction(1);
  return bytes;
};
const trainingSplit = (modelId: string): CorpusSourceParams & { kind: 'training-split' } => {
  const entry = filesIndex.corpora[filesIndex.models[modelId]];
  return {
    kind: 'training-split',
    url: new URL(entry.file, CORPUS_DIR).href,
    entry,
    label: `${modelId} training split`,
  };
};
const trainAddresses = readAddresses().filter((_, i) => splitOf(i) === 'train');

/**
 * Occurrences of `pattern` followed by each next token, by scanning every document. An
 * occurrence at a document's end counts in contextCount; the empty pattern occurs once per
 * token (the index's unigram counts no separators).
 */
function bruteForceNext(
  documents: ArrayLike<number>[],
  pattern: number[],
): { contextCount: number; next: Map<number, number> } {
  let contextCount = 0;
  const next = new Map<number, number>();
  for (const doc of documents) {
    for (let i = 0; i + pattern.length <= doc.length - (pattern.length === 0 ? 1 : 0); i++) {
      let k = 0;
      while (k < pattern.length && doc[i + k] === pattern[k]) k++;
      if (k < pattern.length) continue;
      contextCount++;
      if (i + pattern.length < doc.length)
        next.set(doc[i + pattern.length], (next.get(doc[i + pattern.length]) ?? 0) + 1);
    }
  }
  return { contextCount, next };
}

describe('the corpus view on sotu-gpt (Node)', () => {
  const engine = new Engine(createNodeRuntime());
  const store = memoryCorpusIndexStore();
  const source = trainingSplit('sotu-gpt');
  const all = new Uint16Array(readFileSync(new URL(source.url)).buffer.slice(0));
  const documents = source.entry.documents.map((d) => all.subarray(d.start, d.start + d.length));

  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
  });
  afterAll(() => engine.unload());

  it("ships the training split as the model's own tokenizer encodes each address", () => {
    expect(documents).toHaveLength(trainAddresses.length);
    for (const i of [0, 57, trainAddresses.length - 1]) {
      expect(source.entry.documents[i].year).toBe(trainAddresses[i].year);
      expect(Array.from(documents[i])).toEqual(engine.tokenize({ text: trainAddresses[i].text }).ids);
    }
  });

  it('builds the index once and reads it back from the store', async () => {
    const phases = new Set<string>();
    const first = await new CorpusIndexService(engine, store, readLocal).open(source, {
      onProgress: (p) => phases.add(p.phase),
    });
    expect(first).toMatchObject({
      fromStore: false,
      documentCount: 210,
      tokenCount: source.entry.tokens,
      source: 'training-split',
      storageProblem: null,
    });
    expect([...phases]).toEqual(expect.arrayContaining(['fetching', 'building', 'storing']));
    const again = await new CorpusIndexService(engine, store, readLocal).open(source);
    expect(again).toMatchObject({ fromStore: true, key: first.key, tokenCount: first.tokenCount });
  });

  it('scores a text: P∞ and the suffix lengths equal a brute-force count, the model equals its own step', async () => {
    const service = new CorpusIndexService(engine, store, readLocal);
    await service.open(source);
    const ids = engine.tokenize({ text: 'The state of the Union is strong, and our people are free.' }).ids;
    const scored = await service.score({ ids });
    for (const i of [0, 1, 3, ids.length - 1]) {
      const suffix = ids.slice(i - scored.suffixLength[i], i);
      const { contextCount, next } = bruteForceNext(documents, suffix);
      expect(contextCount).toBeGreaterThan(0);
      // One token longer never occurs (or the context starts at the text's start).
      if (scored.suffixLength[i] < i)
        expect(bruteForceNext(documents, ids.slice(i - scored.suffixLength[i] - 1, i)).contextCount).toBe(0);
      expect(scored.infiniGramProbability[i]).toBeCloseTo((next.get(ids[i]) ?? 0) / contextCount, 12);
    }
    const start = engine.startTokenId();
    const stepped = softmax((await engine.step({ ids: [start, ...ids.slice(0, 4)] })).logits);
    expect(scored.modelProbability[4]).toBeCloseTo(stepped[ids[4]], 5);
    expect(scored.matchLength.slice(0, -1)).toEqual(scored.suffixLength.slice(1));

    const position = await service.position({ ids, position: 5, topK: 5, occurrences: 3 });
    const suffix = ids.slice(5 - position.infiniGram.suffixLength, 5);
    const { contextCount, next } = bruteForceNext(documents, suffix);
    expect(position.infiniGram.contextCount).toBe(contextCount);
    const expectedTop = [...next].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5);
    expect(position.infiniGram.entries.map((e) => [e.id, e.count])).toEqual(expectedTop);
    expect(position.span.totalOccurrences).toBe(contextCount);
    for (const o of position.span.occurrences) {
      expect(o.match).toEqual(suffix);
      expect(Array.from(documents[o.documentIndex].subarray(o.tokenOffset, o.tokenOffset + suffix.length))).toEqual(
        suffix,
      );
      expect(o.title).toBe(
        `${source.entry.documents[o.documentIndex].year} · ${source.entry.documents[o.documentIndex].president}`,
      );
    }
    const modelTop = softmax((await engine.step({ ids: [start, ...ids.slice(0, 5)] })).logits);
    expect(position.model[0].probability).toBeCloseTo(Math.max(...modelTop), 6);
  });

  it("indexes the user's texts under their names and refuses what it cannot use", async () => {
    const service = new CorpusIndexService(engine, memoryCorpusIndexStore(), readLocal);
    const info = await service.open({
      kind: 'texts',
      label: 'two files',
      texts: [
        { name: 'a.txt', text: 'We the people, naïve café — 日本語.' },
        { name: 'b.md', text: 'We the people of the United States.' },
      ],
    });
    expect(info).toMatchObject({ documentCount: 2, source: 'texts', fromStore: false });
    const ids = engine.tokenize({ text: 'We the people of' }).ids;
    const at = await service.position({ ids, position: ids.length, topK: 3, occurrences: 5 });
    expect(at.span.length).toBe(ids.length);
    expect(at.span.occurrences.map((o) => o.title)).toEqual(['b.md']);
    await expect(service.open({ kind: 'texts', label: 'empty', texts: [{ name: 'e.txt', text: '' }] })).rejects.toThrow(
      /no tokens/,
    );
    await expect(
      service.open({ kind: 'texts', label: 'huge', texts: [{ name: 'h.txt', text: 'x'.repeat(20_000_001) }] }),
    ).rejects.toThrow(/20\.0 MB/);
    await expect(service.open({ ...source, entry: { ...source.entry, sha256: '0'.repeat(64) } })).rejects.toThrow(
      /SHA-256/,
    );
    await expect(service.open(trainingSplit('sotu-bytes'))).rejects.toThrow(/vocabulary of 257 tokens/);
    await expect(service.score({ ids: new Array(20_001).fill(ids[0]) })).rejects.toThrow(/20,000 tokens/);
  });

  it('refuses to read an index with the tokens of another model that has the same vocabulary size', async () => {
    const other = new Engine(createNodeRuntime());
    await other.load({ source: { kind: 'embedded', id: 'sotu-llama' }, backend: 'wasm', dtype: 'auto' });
    // One worker, one service: the user switches models under it.
    let active = engine;
    const switching: CorpusModel = {
      get modelInfo() {
        return active.modelInfo;
      },
      tokenize: (params) => active.tokenize(params),
      startTokenId: () => active.startTokenId(),
      score: (params, options) => active.score(params, options),
      step: (params, options) => active.step(params, options),
    };
    try {
      expect(other.modelInfo!.vocabSize).toBe(engine.modelInfo!.vocabSize);
      const service = new CorpusIndexService(switching, memoryCorpusIndexStore(), readLocal);
      await service.open({ kind: 'texts', label: 'one', texts: [{ name: 'a.txt', text: 'We the people' }] });
      active = other;
      await expect(service.score({ ids: [1, 2] })).rejects.toThrow(/another model than sotu-llama/);
      await service.open({ kind: 'texts', label: 'one', texts: [{ name: 'a.txt', text: 'We the people' }] });
      expect((await service.score({ ids: other.tokenize({ text: 'We the' }).ids })).suffixLength[1]).toBe(1);
    } finally {
      await other.unload();
    }
  });
});

describe('the corpus view on sotu-bytes (Node)', () => {
  const engine = new Engine(createNodeRuntime());
  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-bytes' }, backend: 'wasm', dtype: 'auto' });
  });
  afterAll(() => engine.unload());

  it("reads one byte an id: a document is its address's UTF-8 bytes", async () => {
    const source = trainingSplit('sotu-bytes');
    expect(source.entry.bytesPerId).toBe(1);
    const bytes = readFileSync(new URL(source.url));
    const doc = source.entry.documents[3];
    expect(bytes.subarray(doc.start, doc.start + doc.length).equals(Buffer.from(trainAddresses[3].text, 'utf8'))).toBe(
      true,
    );
    const service = new CorpusIndexService(engine, memoryCorpusIndexStore(), readLocal);
    const info = await service.open(source);
    expect(info.tokenCount).toBe(source.entry.tokens);
    const ids = engine.tokenize({ text: 'the Union' }).ids;
    const scored = await service.score({ ids });
    expect(scored.suffixLength).toEqual(ids.map((_, i) => i)); // every prefix of "the Union" occurs
  }, 120_000);
});
