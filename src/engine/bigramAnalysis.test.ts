/**
 * The bigram and layer views on the real embedded model under Node (onnxruntime-node): the
 * context-1 rows (one [B, 1] pass over the start token's KV cache) equal a direct run on
 * [start, token] and the previous [B, 2] batches, the comparison equals the previous one
 * built from core/distribution's functions, the lens at the last layer
 * equals the model's own logits, and the first-block path equals the model's hidden state
 * where attention can only see the token itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { logitLens } from '../core/bigram/layers';
import { firstBlockSelfOnly } from '../core/bigram/firstMlpPath';
import { jensenShannonNats, klDivergenceNats, softmax, tokenRank, topNIndices } from '../core/distribution';
import { Engine } from './engine';
import { forwardAll } from './inference';
import { collectHiddenStates } from './layerAnalysis';

const TEXT = 'Fellow-Citizens of the Senate and House of Representatives: the state of the Union is strong.';

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe.each(['sotu-gpt', 'sotu-bytes', 'sotu-llama'])('bigram and layers on %s (Node)', (id) => {
  const engine = new Engine(createNodeRuntime());
  let ids: number[] = [];
  let start = 0;

  beforeAll(async () => {
    const info = await engine.load({ source: { kind: 'embedded', id }, backend: 'wasm', dtype: 'auto' });
    start = info.bosTokenId ?? info.eosTokenId ?? 0;
    ids = engine.tokenize({ text: TEXT }).ids;
  });
  afterAll(() => engine.unload());

  it("context-1 rows over the start token's cache equal [start, token] run directly and in [B, 2] batches, within 1e-4", async () => {
    const analyzer = engine.bigramAnalyzer();
    analyzer.reset();
    const rows = new Map<number, Float32Array>();
    const distinct = [...new Set(ids)];
    const { batches, computed } = await analyzer.contextOneLogits(distinct, {
      onRow: (token, row) => rows.set(token, row),
    });
    expect([batches, computed]).toEqual([1, distinct.length]);
    // The path under test: every model here has past inputs, so the cache of [start] is used.
    expect(await analyzer['startTokenPast']()).not.toBeNull();
    // The previous implementation: [start, token] pairs in one batch, the second position kept.
    const pairs = await analyzer['contextOnePairs'](distinct);
    const vocab = rows.get(distinct[0])!.length;
    let maxDirect = 0;
    let maxPairs = 0;
    for (const [i, token] of distinct.entries()) {
      const direct = await engine.step({ ids: [start, token], useCache: false });
      maxDirect = Math.max(maxDirect, maxAbsDifference(rows.get(token)!, direct.logits));
      maxPairs = Math.max(maxPairs, maxAbsDifference(rows.get(token)!, pairs.subarray(i * vocab, (i + 1) * vocab)));
    }
    expect(maxDirect).toBeLessThan(1e-4);
    expect(maxPairs).toBeLessThan(1e-4);
  });

  it('every position equals the previous comparison (core/distribution) on the full logits and direct [start, token] rows', async () => {
    const analyzer = engine.bigramAnalyzer();
    analyzer.reset();
    const result = await analyzer.analyze(ids);
    const vocab = engine.modelInfo!.vocabSize;
    const full = await forwardAll(engine['require']().runnable, [start, ...ids], { fromPosition: 1 });
    for (const [p, row] of result.rows.entries()) {
      const fullLogits = full.logits.subarray(p * vocab, (p + 1) * vocab);
      const bigramLogits = (await engine.step({ ids: [start, ids[p]], useCache: false })).logits;
      const P = softmax(fullLogits);
      const Q = softmax(bigramLogits);
      const next = p + 1 < ids.length ? ids[p + 1] : null;
      expect(row).toMatchObject({
        position: p,
        tokenId: ids[p],
        nextTokenId: next,
        top1Full: topNIndices(P, 1)[0],
        top1Bigram: topNIndices(Q, 1)[0],
        nextRankFull: next === null ? null : tokenRank(fullLogits, next),
        nextRankBigram: next === null ? null : tokenRank(bigramLogits, next),
      });
      // Float32 (the comparison graph) against float64, below what the view shows: KL and JS
      // to 3 decimals, probabilities to 4 (measured: ≤ 2e-5 nats and ≤ 3e-6 on these models).
      expect(Math.abs(row.klNats - klDivergenceNats(P, Q))).toBeLessThan(1e-4);
      expect(Math.abs(row.jsNats - jensenShannonNats(P, Q))).toBeLessThan(1e-4);
      if (next !== null) {
        expect(Math.abs(row.nextProbabilityFull! - P[next])).toBeLessThan(1e-5);
        expect(Math.abs(row.nextProbabilityBigram! - Q[next])).toBeLessThan(1e-5);
      }
    }
  });

  it('compares every position; the first position sees only [start, token] so it is fully bigram', async () => {
    const result = await engine.bigramAnalyzer().analyze(ids);
    expect(result.rows).toHaveLength(ids.length);
    expect(result.rows[0].bigramness).toBeCloseTo(1, 4);
    expect(result.rows.at(-1)!.nextTokenId).toBeNull();
    expect(result.summary.positions).toBe(ids.length);
    // Context matters somewhere in a sentence.
    expect(Math.min(...result.rows.map((r) => r.bigramness))).toBeLessThan(0.9);
    expect(result.internals.available).toBe(true);
  });

  it("the logit lens at the last layer equals the model's logits within 1e-4", async () => {
    const read = engine.bigramAnalyzer().internals();
    if (!read.ok) throw new Error(read.reason);
    const { internals } = read;
    const L = internals.layerCount;
    const seq = [start, ...ids];
    const hidden = await collectHiddenStates(engine['require']().runnable, seq, L, {
      firstIndex: 1,
      layers: [L],
      withLogits: true,
    });
    const d = internals.hiddenSize;
    const vocab = internals.unembedding.rows;
    let max = 0;
    for (const k of [0, 5, ids.length - 1]) {
      const lens = logitLens(
        hidden.layers.get(L)!.subarray(k * d, (k + 1) * d),
        internals.finalNorm,
        internals.unembedding,
        internals.unembeddingBias,
      );
      max = Math.max(max, maxAbsDifference(lens, hidden.logits!.subarray(k * vocab, (k + 1) * vocab)));
    }
    expect(max).toBeLessThan(1e-4);
  });

  it('the first-block path with attention on the token itself equals hidden_states.1 of a one-token run', async () => {
    const read = engine.bigramAnalyzer().internals();
    if (!read.ok || !read.internals.firstBlock) throw new Error('no first block');
    const { internals } = read;
    const token = ids[3];
    const hidden = await collectHiddenStates(engine['require']().runnable, [token], internals.layerCount, {
      firstIndex: 0,
      layers: [1],
    });
    const path = firstBlockSelfOnly(token, 0, internals.inputEmbedding, internals.firstBlock!);
    expect(maxAbsDifference(path, hidden.layers.get(1)!)).toBeLessThan(1e-4);
  });

  it('layer statistics: KL to final is 0 at the last layer, covariance is 1 on its diagonal', async () => {
    const result = await engine.bigramAnalyzer().lens({ ids, position: 4, lensPositions: 8 });
    const L = result.layerCount;
    expect(result.layers).toHaveLength(L + 1);
    expect(result.layers[L].klToFinalMeanNats).toBeLessThan(1e-6);
    expect(result.selected.layers[L].klToFinalNats).toBeLessThan(1e-6);
    expect(result.layers[L].outSurprisalPearson).toBeCloseTo(1, 6);
    expect(result.layers[0].klToFinalMeanNats).toBeGreaterThan(result.layers[L].klToFinalMeanNats);
    for (let l = 0; l <= L; l++) expect(result.covariance[l * (L + 2)]).toBeCloseTo(1, 10);
    await expect(engine.bigramAnalyzer().lens({ ids, position: ids.length })).rejects.toThrow(/outside/);
  });

  it('another position of the same text reuses the stretch and gives what a fresh analysis gives', async () => {
    const analyzer = engine.bigramAnalyzer();
    await analyzer.lens({ ids, position: 2, lensPositions: 4 });
    const reused = await analyzer.lens({ ids, position: 6, lensPositions: 4 });
    expect(reused.reusedStretch).toBe(true);
    analyzer.reset();
    const fresh = await analyzer.lens({ ids, position: 6, lensPositions: 4 });
    expect(fresh.reusedStretch).toBe(false);
    expect(reused.selected).toEqual(fresh.selected);
    const edited = await analyzer.lens({
      ids: [...ids.slice(0, 7), ids[0], ...ids.slice(8)],
      position: 6,
      lensPositions: 4,
    });
    expect(edited.reusedStretch).toBe(false);
  });

  it('the corpus reference from a text scores each approximation and rejects a wrong file', async () => {
    const analyzer = engine.bigramAnalyzer();
    const info = analyzer.setCorpus({
      kind: 'text',
      label: 'sample',
      text: `${TEXT} ${TEXT} The Senate and the House.`,
    });
    expect(info.tokens).toBeGreaterThan(ids.length);
    const result = await analyzer.compareWithCorpus({ ids });
    expect(result.scores.map((s) => s.name)).toEqual(['full-model', 'context-1', 'early-exit-1', 'first-mlp-only']);
    expect(result.seenContextRate).toBe(1);
    for (const score of result.scores) expect(Number.isFinite(score.crossEntropyBits)).toBe(true);
    const table = await analyzer.table({ tokenIds: null, count: 5 });
    expect(table.rows).toHaveLength(5);
    expect(table.rows[0].corpusTop!.length).toBeGreaterThan(0);
    const again = await analyzer.table({ tokenIds: null, count: 5 });
    expect(again.cachedRows).toBe(5);
    expect(() =>
      analyzer.setCorpus({ kind: 'file', label: 'bad.bin', bytes: new TextEncoder().encode('<html>') }),
    ).toThrow(/bad\.bin: not a Tokenscope/);
  });
});
