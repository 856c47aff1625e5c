/**
 * The layer view's table before its statistics (lensSelected, then lens) on the real embedded
 * model under Node: the one window read for the selected position holds the very rows the
 * whole stretch's read gives, and the stretch analysis that reuses it gives what a fresh
 * analysis (the path without it) gives, bit for bit.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { Engine } from './engine';
import { analysedStretch, collectHiddenStates, computeLayerContext, type HiddenStates } from './layerAnalysis';
import type { LensResult } from '../protocol/bigram';
import { WindowStatesCache } from './windowStatesCache';
import { forwardAll } from './inference';
import { softmax, topNIndices } from '../core/distribution';
import { planSlidingWindows } from '../core/context/slidingWindow';

// Long enough for several windows of the stretch (sotu-gpt's window is 256 tokens).
const TEXT = Array.from(
  { length: 30 },
  (_, i) =>
    `Fellow-Citizens of the Senate and House of Representatives, paragraph ${i}: the state of the Union is strong.`,
).join(' ');

/** The first index where two arrays differ (−1: equal, bit for bit); vitest's toEqual is slow on millions of floats. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function sameRows(a: HiddenStates, b: HiddenStates): boolean {
  if (a.firstIndex !== b.firstIndex || a.count !== b.count || a.layers.size !== b.layers.size) return false;
  for (const [l, rows] of a.layers) if (firstDifference(rows, b.layers.get(l) ?? []) !== -1) return false;
  return firstDifference(a.logits ?? [], b.logits ?? []) === -1;
}

describe('the selected position first, then the stretch (sotu-gpt, Node)', () => {
  const engine = new Engine(createNodeRuntime());
  let ids: number[] = [];
  let start = 0;

  beforeAll(async () => {
    const info = await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    start = info.bosTokenId ?? info.eosTokenId ?? 0;
    ids = engine.tokenize({ text: TEXT }).ids;
  });
  afterAll(() => engine.unload());

  async function read(
    position: number,
    extra: { onlyIndex?: number; reuseFrom?: WindowStatesCache[]; keepIn?: WindowStatesCache } = {},
  ) {
    const analyzer = engine.bigramAnalyzer();
    const read = analyzer.internals();
    if (!read.ok) throw new Error(read.reason);
    const L = read.internals.layerCount;
    const { first, count } = analysedStretch(ids.length, position, 512);
    const hidden = await collectHiddenStates(engine['require']().runnable, [start, ...ids], L, {
      firstIndex: first + 1,
      endIndex: first + count + 1,
      layers: Array.from({ length: L + 1 }, (_, l) => l),
      withLogits: true,
      outputNames: read.internals.hiddenStateNames,
      ...extra,
    });
    return { hidden, first, L };
  }

  it('one window holds the same rows as the whole stretch, and a kept window is copied, not run', async () => {
    expect(ids.length).toBeGreaterThan(600);
    const position = 300;
    const whole = await read(position);
    const kept = new WindowStatesCache(Infinity);
    const { hidden: window } = await read(position, { onlyIndex: position + 1, keepIn: kept });
    // Not the whole stretch: one window of it, holding the position.
    expect(window.count).toBeLessThan(whole.hidden.count);
    expect(window.firstIndex).toBeLessThanOrEqual(position + 1);
    expect(window.firstIndex + window.count).toBeGreaterThan(position + 1);
    const offset = window.firstIndex - whole.hidden.firstIndex;
    const d = window.layers.get(0)!.length / window.count;
    const vocab = window.logits!.length / window.count;
    for (let l = 0; l <= whole.L; l++)
      expect(
        firstDifference(
          window.layers.get(l)!,
          whole.hidden.layers.get(l)!.subarray(offset * d, (offset + window.count) * d),
        ),
      ).toBe(-1);
    expect(
      firstDifference(window.logits!, whole.hidden.logits!.subarray(offset * vocab, (offset + window.count) * vocab)),
    ).toBe(-1);

    // With the window kept the stretch is the same, bit for bit…
    expect(kept.size).toBe(1);
    const reused = await read(position, { reuseFrom: [kept] });
    expect(sameRows(reused.hidden, whole.hidden)).toBe(true);
    // …and it is the kept rows that land there: marked ones show up where that window's rows go
    // (the cache holds views of the rows the read returned).
    for (const rows of window.layers.values()) rows.fill(7);
    window.logits!.fill(7);
    const copied = await read(position, { reuseFrom: [kept] });
    expect(
      copied.hidden.layers
        .get(1)!
        .slice(offset * d, (offset + window.count) * d)
        .every((v) => v === 7),
    ).toBe(true);
    expect(copied.hidden.layers.get(1)![0]).toBe(whole.hidden.layers.get(1)![0]);
  });

  it("a stretch that ends before the text has the whole text's windows: each position's logits are the lab's", async () => {
    const runnable = engine['require']().runnable;
    const read = engine.bigramAnalyzer().internals();
    if (!read.ok) throw new Error(read.reason);
    // A stretch of 512 around position 300 ends before the text does (ids.length > 600).
    const stretch = analysedStretch(ids.length, 300, 512);
    const { first, count } = stretch;
    expect(first + count).toBeLessThan(ids.length);
    const { hidden } = await computeLayerContext(runnable, start, read.internals, ids, stretch, 8, {});
    expect([hidden.firstIndex, hidden.count]).toEqual([first + 1, count]);
    const lab = await forwardAll(runnable, [start, ...ids], { fromPosition: 1 });
    const vocab = runnable.vocabSize;
    const stretchLogits = hidden.logits!;
    expect(firstDifference(stretchLogits, lab.logits.subarray(first * vocab, (first + count) * vocab))).toBe(-1);
    // The text cut at the stretch's end plans its last window elsewhere: other numbers there.
    const cut = await forwardAll(runnable, [start, ...ids.slice(0, first + count)], { fromPosition: 1 });
    expect(firstDifference(stretchLogits, cut.logits.subarray(first * vocab))).toBeGreaterThan(0);
  });

  it("a comparison longer than one chunk has the lab's full-context rows at every position, chunk ends included", async () => {
    // Two chunks of positions on sotu-gpt (1,024 each): the first chunk's last windows used to
    // be planned over its own end, not over the text's.
    const long = engine.tokenize({ text: `${TEXT} ${TEXT}` }).ids;
    expect(long.length).toBeGreaterThan(1_100);
    const analyzer = engine.bigramAnalyzer();
    analyzer.reset();
    const { rows } = await analyzer.analyze(long);
    const runnable = engine['require']().runnable;
    // The first chunk's windows, kept for the layer view, are windows of the whole text's plan.
    const plan = planSlidingWindows(long.length + 1, 256, 128).map((w) => `${w.start}:${w.end}`);
    const kept = [...(analyzer['windowStates'] as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(kept.length).toBeGreaterThan(4);
    for (const key of kept) expect(plan).toContain(key.split(':').slice(0, 2).join(':'));
    const lab = await forwardAll(runnable, [start, ...long], { fromPosition: 1 });
    const vocab = runnable.vocabSize;
    let worst = 0;
    for (const [p, row] of rows.entries()) {
      const P = softmax(lab.logits.subarray(p * vocab, (p + 1) * vocab));
      expect(row.top1Full).toBe(topNIndices(P, 1)[0]);
      if (row.nextTokenId !== null) worst = Math.max(worst, Math.abs(row.nextProbabilityFull! - P[row.nextTokenId]));
    }
    // The comparison's float32 graph against float64 from the same logits.
    expect(worst).toBeLessThan(1e-5);
  });

  it('lensSelected then lens gives what a fresh lens gives; a position in the kept stretch reads nothing new', async () => {
    const analyzer = engine.bigramAnalyzer();
    const params = { ids, position: 300, lensPositions: 8 };
    analyzer.reset();
    const fresh = await analyzer.lens(params);
    analyzer.reset();
    const early = await analyzer.lensSelected(params);
    expect(early.selected).toEqual(fresh.selected);
    expect(early.layerCount).toBe(fresh.layerCount);
    const after = await analyzer.lens(params);
    expect(after.reusedStretch).toBe(false);
    const { elapsedMs: _a, ...afterRest } = after;
    const { elapsedMs: _f, ...freshRest } = fresh;
    expect(afterRest).toEqual(freshRest);
    // Another position of the analysed stretch: the table comes from the kept rows.
    const other = await analyzer.lensSelected({ ...params, position: 310 });
    const otherFull = await analyzer.lens({ ...params, position: 310 });
    expect(otherFull.reusedStretch).toBe(true);
    expect(other.selected).toEqual(otherFull.selected);
    // A lens at a position lensSelected was not asked about computes its own rows.
    const third = await analyzer.lens({ ...params, position: 320 });
    analyzer.reset();
    expect((await analyzer.lens({ ...params, position: 310 })).selected).toEqual(other.selected);
    expect((await analyzer.lens({ ...params, position: 320 })).selected).toEqual(third.selected);
    expect(third.selected.position).toBe(320);
  });

  /** A lens answer without its timing. */
  function numbers(result: LensResult): Omit<LensResult, 'elapsedMs'> {
    const { elapsedMs: _elapsed, ...rest } = result;
    return rest;
  }

  /** The table, then the whole view, and how many forwards the loaded session ran for each. */
  async function click(params: { ids: number[]; position: number; lensPositions: number }) {
    const analyzer = engine.bigramAnalyzer();
    const forward = vi.spyOn(engine['require']().runnable.model, 'forward');
    try {
      const table = await analyzer.lensSelected(params);
      const tableForwards = forward.mock.calls.length;
      const whole = await analyzer.lens(params);
      return { table, whole, tableForwards, wholeForwards: forward.mock.calls.length };
    } finally {
      forward.mockRestore();
    }
  }

  it("after the comparison, the layer view copies the comparison's windows: the same numbers, fewer forwards", async () => {
    const analyzer = engine.bigramAnalyzer();
    const params = { ids, position: 300, lensPositions: 8 };
    analyzer.reset();
    const fresh = await click(params);
    // Without the comparison: the table's window, then the stretch's three others.
    expect([fresh.tableForwards, fresh.wholeForwards]).toEqual([1, 4]);

    analyzer.reset();
    const compared = await analyzer.analyze(ids);
    // Every window of the comparison (its text fits the budget), dropped with the model (reset on unload).
    expect(analyzer['windowStates'].size).toBe(Math.ceil((ids.length + 1 - 256) / 128) + 1);
    const reused = await click(params);
    expect(reused.table.selected).toEqual(fresh.table.selected);
    expect(numbers(reused.whole)).toEqual(numbers(fresh.whole));
    // The stretch's windows are the whole text's, as the comparison's are: none runs again.
    expect([reused.tableForwards, reused.wholeForwards]).toEqual([0, 0]);
    analyzer.reset();
    expect(analyzer['windowStates'].size).toBe(0);

    // The comparison's own numbers are those of its previous forward (forwardAll, no hidden states kept).
    analyzer.reset();
    vi.spyOn(analyzer as unknown as { windowStatesFor: () => undefined }, 'windowStatesFor').mockReturnValue(undefined);
    try {
      const before = await analyzer.analyze(ids);
      expect(before.rows).toEqual(compared.rows);
      expect(analyzer['windowStates'].size).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a window of the comparison with one id changed, or shifted by one, is run again, not copied', async () => {
    const analyzer = engine.bigramAnalyzer();
    const params = { ids, position: 300, lensPositions: 8 };
    analyzer.reset();
    const fresh = await click(params);

    // Text position 127 is sequence index 128: the first id of window [128, 384), which holds
    // position 300, and one of window [0, 256)'s; window [256, 512) does not hold it.
    const changed = ids.slice();
    changed[127] = ids[127] === ids[126] ? ids[125] : ids[126];
    expect(changed[127]).not.toBe(ids[127]);
    analyzer.reset();
    await analyzer.analyze(changed);
    const afterChanged = await click(params);
    expect(afterChanged.table.selected).toEqual(fresh.table.selected);
    expect(numbers(afterChanged.whole)).toEqual(numbers(fresh.whole));
    // The table's window [128, 384) and [0, 256) run; [256, 512) and the last are copied.
    expect([afterChanged.tableForwards, afterChanged.wholeForwards]).toEqual([1, 2]);

    // One token more in front: every window holds the ids one index later.
    analyzer.reset();
    await analyzer.analyze([ids[0], ...ids]);
    const afterShifted = await click(params);
    expect(numbers(afterShifted.whole)).toEqual(numbers(fresh.whole));
    expect([afterShifted.tableForwards, afterShifted.wholeForwards]).toEqual([1, 4]);
  });
});
