/**
 * The lab's whole-text analysis on the real embedded model (onnxruntime-node): one pass gives
 * the same rows as separate forward passes, an edit reuses the unchanged prefix and still
 * equals a fresh analysis, and texts past the context go through windows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { logSoftmax, tokenMetrics } from '../core/distribution';
import { LIMITS } from '../core/limits';
import { Engine } from './engine';
import type { AnalyzeResult } from '../protocol/nextToken';

const TEXT = 'We hold these truths to be self-evident, that all men are created equal. 😀 café\n';

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function expectSameMetrics(a: AnalyzeResult, b: AnalyzeResult): void {
  expect(a.positions.length).toBe(b.positions.length);
  a.positions.forEach((p, i) => {
    const q = b.positions[i];
    expect(p.tokenId).toBe(q.tokenId);
    expect(p.logProb).toBeCloseTo(q.logProb, 3);
    expect(p.entropyNats).toBeCloseTo(q.entropyNats, 3);
    expect(Math.abs(p.rank - q.rank)).toBeLessThanOrEqual(p.rank > 50 ? 2 : 0);
  });
}

describe('TextAnalyzer on sotu-gpt (Node)', () => {
  const engine = new Engine(createNodeRuntime());
  const fresh = new Engine(createNodeRuntime());

  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    await fresh.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
  });
  afterAll(async () => {
    await engine.unload();
    await fresh.unload();
  });

  it('scores every token after the start token, equal to a plain forward pass', async () => {
    const { ids } = engine.tokenize({ text: TEXT });
    const analysis = await engine.analyze({ ids });
    const start = engine.modelInfo!.bosTokenId ?? engine.modelInfo!.eosTokenId!;
    expect(analysis.startTokenId).toBe(start);
    expect(analysis.positions).toHaveLength(ids.length);
    expect(analysis.windowCount).toBe(1);
    const forward = await engine.forward({ ids: [start, ...ids] });
    const vocab = forward.vocabSize;
    for (const i of [0, 1, Math.floor(ids.length / 2), ids.length - 1]) {
      const expected = tokenMetrics(logSoftmax(forward.logits.subarray(i * vocab, (i + 1) * vocab)), ids[i]);
      expect(analysis.positions[i].logProb).toBeCloseTo(expected.logProb, 4);
      expect(analysis.positions[i].rank).toBe(expected.rank);
      expect(analysis.positions[i].entropyNats).toBeCloseTo(expected.entropyNats, 4);
      const row = await engine.row({ ids, position: i });
      expect(maxAbsDifference(row.logits, forward.logits.subarray(i * vocab, (i + 1) * vocab))).toBeLessThan(1e-3);
    }
    // The row after the text is the step's next-token distribution.
    const next = await engine.row({ ids, position: ids.length });
    const step = await engine.step({ ids: [start, ...ids], useCache: false });
    expect(maxAbsDifference(next.logits, step.logits)).toBeLessThan(1e-3);
  });

  it('after an edit reuses the unchanged prefix and equals a fresh analysis', async () => {
    const before = engine.tokenize({ text: TEXT }).ids;
    await engine.analyze({ ids: before });
    const edited = engine.tokenize({ text: TEXT.replace('equal', 'free') }).ids;
    const incremental = await engine.analyze({ ids: edited });
    const common = before.findIndex((id, i) => edited[i] !== id);
    expect(incremental.reusedPositions).toBe(common + 1);
    expect(incremental.computedTokens).toBe(edited.length + 1 - incremental.reusedPositions);
    expectSameMetrics(incremental, await fresh.analyze({ ids: edited }));
    // Appending only runs the new tokens; deleting the end runs just the last one.
    const appended = [...edited, ...engine.tokenize({ text: ' And so on.' }).ids];
    const grown = await engine.analyze({ ids: appended });
    expect(grown.computedTokens).toBe(appended.length - edited.length);
    expectSameMetrics(grown, await fresh.analyze({ ids: appended }));
    const shortened = await engine.analyze({ ids: edited.slice(0, 5) });
    expect(shortened.computedTokens).toBe(1);
    expectSameMetrics(shortened, await fresh.analyze({ ids: edited.slice(0, 5) }));
  });

  it('with rowPosition, the analysis brings the row that `row` gives after it, bit for bit', async () => {
    const ids = engine.tokenize({ text: TEXT }).ids;
    for (const rowPosition of [ids.length, 3, 0]) {
      const { row, ...analysis } = await engine.analyze({ ids, rowPosition });
      expectSameMetrics(analysis, await fresh.analyze({ ids }));
      const separate = await fresh.row({ ids, position: rowPosition });
      expect(row!.position).toBe(rowPosition);
      expect(row!.contextTokens).toBe(separate.contextTokens);
      expect(Array.from(row!.logits)).toEqual(Array.from(separate.logits));
    }
    expect((await engine.analyze({ ids })).row).toBeUndefined();
  });

  it('scores an empty text as the distribution after the start token', async () => {
    const analysis = await engine.analyze({ ids: [] });
    expect(analysis.positions).toEqual([]);
    const row = await engine.row({ ids: [], position: 0 });
    expect(row.contextTokens).toBe(1);
    expect(analysis.nextEntropyNats).toBeGreaterThan(0);
  });

  it('scores a text past the context through sliding windows, and refuses an enormous one', async () => {
    const ids = engine.tokenize({ text: TEXT.repeat(30) }).ids;
    expect(ids.length + 1).toBeGreaterThan(engine.modelInfo!.contextTokens);
    const progress: number[] = [];
    const analysis = await engine.analyze({ ids }, { onProgress: (p) => progress.push(p.doneWindows) });
    expect(analysis.windowCount).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(analysis.windowCount);
    expect(analysis.positions).toHaveLength(ids.length);
    const last = await engine.row({ ids, position: ids.length });
    expect(last.contextTokens).toBe(engine.modelInfo!.contextTokens);
    await expect(engine.analyze({ ids: new Array(LIMITS.nextTokenLab.maxTokens + 1).fill(1) })).rejects.toThrow(
      /50,001 tokens; the next-token lab takes up to 50,000 tokens/,
    );
  });

  it('past the context, an edit near the end runs only the windows after it and equals a fresh analysis', async () => {
    // A new opening, so nothing is carried over from the previous test's text.
    const ids = engine.tokenize({ text: 'In Congress, July 4. ' + TEXT.repeat(40) }).ids;
    const first = await engine.analyze({ ids });
    expect(first.windowCount).toBeGreaterThan(4);
    expect(first.reusedPositions).toBe(0);
    // Appending a sentence: at most the last two windows run (the old last one was cut short).
    const appended = [...ids, ...engine.tokenize({ text: ' And more.' }).ids];
    const grown = await engine.analyze({ ids: appended });
    expect(grown.computedTokens).toBeLessThanOrEqual(2 * grown.windowTokens);
    expect(grown.reusedPositions).toBeGreaterThan(appended.length - 2 * grown.windowTokens);
    expectSameMetrics(grown, await fresh.analyze({ ids: appended }));
    // An edit in the middle reruns the windows from the one that holds it to the end.
    const middle = Math.floor(appended.length / 2);
    const edited = [
      ...appended.slice(0, middle),
      (appended[middle] + 1) % engine.modelInfo!.vocabSize,
      ...appended.slice(middle + 1),
    ];
    const rerun = await engine.analyze({ ids: edited });
    expect(rerun.reusedPositions).toBeGreaterThan(middle - rerun.windowTokens);
    expect(rerun.reusedPositions).toBeLessThanOrEqual(middle + 1);
    expectSameMetrics(rerun, await fresh.analyze({ ids: edited }));
    // The same text again runs nothing.
    const again = await engine.analyze({ ids: edited });
    expect(again.computedTokens).toBe(0);
    expect(again.reusedPositions).toBe(edited.length + 1);
    expectSameMetrics(again, rerun);
  });

  it('stops a long text between windows when cancelled', async () => {
    const ids = engine.tokenize({ text: 'To the Senate. ' + TEXT.repeat(41) }).ids;
    const controller = new AbortController();
    const done: number[] = [];
    const run = engine.analyze(
      { ids },
      {
        signal: controller.signal,
        onProgress: (p) => {
          done.push(p.doneWindows);
          if (p.doneWindows === 2) controller.abort();
        },
      },
    );
    await expect(run).rejects.toThrow(/cancelled/);
    expect(done).toEqual([1, 2]);
  });
});
