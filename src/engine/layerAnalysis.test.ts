/**
 * The layer view's table before its statistics (lensSelected, then lens) on the real embedded
 * model under Node: the one window read for the selected position holds the very rows the
 * whole stretch's read gives, and the stretch analysis that reuses it gives what a fresh
 * analysis (the path without it) gives, bit for bit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { Engine } from './engine';
import { analysedStretch, collectHiddenStates, type HiddenStates } from './layerAnalysis';

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

  async function read(position: number, extra: { onlyIndex?: number; known?: HiddenStates } = {}) {
    const analyzer = engine.bigramAnalyzer();
    const read = analyzer.internals();
    if (!read.ok) throw new Error(read.reason);
    const L = read.internals.layerCount;
    const { first, count } = analysedStretch(ids.length, position, 512);
    const hidden = await collectHiddenStates(engine['require']().runnable, [start, ...ids.slice(0, first + count)], L, {
      firstIndex: first + 1,
      layers: Array.from({ length: L + 1 }, (_, l) => l),
      withLogits: true,
      outputNames: read.internals.hiddenStateNames,
      ...extra,
    });
    return { hidden, first, L };
  }

  it('one window holds the same rows as the whole stretch, and a known window is copied, not run', async () => {
    expect(ids.length).toBeGreaterThan(600);
    const position = 300;
    const whole = await read(position);
    const { hidden: window } = await read(position, { onlyIndex: position + 1 });
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

    // With the window known the stretch is the same, bit for bit…
    const reused = await read(position, { known: window });
    expect(sameRows(reused.hidden, whole.hidden)).toBe(true);
    // …and it is the known rows that land there: marked ones show up where that window's rows go.
    const marked: HiddenStates = {
      ...window,
      layers: new Map([...window.layers].map(([l, rows]) => [l, rows.map(() => 7)])),
      logits: window.logits!.map(() => 7),
    };
    const copied = await read(position, { known: marked });
    expect(
      copied.hidden.layers
        .get(1)!
        .slice(offset * d, (offset + window.count) * d)
        .every((v) => v === 7),
    ).toBe(true);
    expect(copied.hidden.layers.get(1)![0]).toBe(whole.hidden.layers.get(1)![0]);
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
});
