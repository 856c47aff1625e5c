/**
 * The comparison's windows kept for the layer view: a window is found again only with the same
 * start, end and ids, and only for rows it holds; the budget bounds what is held.
 */
import { describe, expect, it } from 'vitest';
import { planSlidingWindows } from '../core/context/slidingWindow';
import type { HiddenStates } from './windowStatesCache';
import { WindowStatesCache } from './windowStatesCache';

const D = 3;
const V = 4;

/** Rows [from, end) whose values say where they come from: layer·1000 + index (logits: −index). */
function rowsFor(from: number, end: number, layers = [0, 1]): HiddenStates {
  const count = end - from;
  const map = new Map<number, Float32Array>();
  for (const l of layers)
    map.set(
      l,
      Float32Array.from({ length: count * D }, (_, i) => l * 1000 + from + Math.floor(i / D)),
    );
  return {
    firstIndex: from,
    count,
    layers: map,
    logits: Float32Array.from({ length: count * V }, (_, i) => -(from + Math.floor(i / V))),
  };
}

describe('WindowStatesCache', () => {
  // 0, 1, …, 19: a window [start, end) holds the ids start … end − 1.
  const seq = Array.from({ length: 20 }, (_, i) => i);
  const windows = planSlidingWindows(seq.length, 8, 4); // [0,8) [4,12) [8,16) [12,20)

  it('gives back the rows of the very window, from any index it holds on', () => {
    const cache = new WindowStatesCache(1_000);
    const w = windows[1];
    cache.put(seq, w, rowsFor(w.keepFrom, w.end));
    const all = cache.rows(seq, w, w.keepFrom, [0, 1], true)!;
    expect([all.firstIndex, all.count]).toEqual([8, 4]);
    expect(Array.from(all.layers.get(1)!)).toEqual([
      1008, 1008, 1008, 1009, 1009, 1009, 1010, 1010, 1010, 1011, 1011, 1011,
    ]);
    const part = cache.rows(seq, w, 10, [1], false)!;
    expect([part.firstIndex, part.count, part.logits]).toEqual([10, 2, null]);
    expect(Array.from(part.layers.get(1)!)).toEqual([1010, 1010, 1010, 1011, 1011, 1011]);
    expect([...part.layers.keys()]).toEqual([1]);
    expect(Array.from(cache.rows(seq, w, 11, [0], true)!.logits!)).toEqual([-11, -11, -11, -11]);
  });

  it('finds nothing for a window shifted by one, other ids, rows it does not hold, or layers it lacks', () => {
    const cache = new WindowStatesCache(1_000);
    const w = windows[1];
    cache.put(seq, w, rowsFor(w.keepFrom, w.end));
    // The same ids one index later (a sequence with one token inserted in front).
    const shiftedSeq = [99, ...seq];
    expect(cache.rows(shiftedSeq, { start: 5, end: 13, keepFrom: 9 }, 9, [0], true)).toBeNull();
    expect(cache.rows(seq, { start: 5, end: 13, keepFrom: 9 }, 9, [0], true)).toBeNull();
    expect(cache.rows(seq, { start: 3, end: 11, keepFrom: 8 }, 8, [0], true)).toBeNull();
    // One id changed: the window's first, its last, and the one just before it (not in it).
    for (const [index, found] of [
      [4, false],
      [11, false],
      [3, true],
      [12, true],
    ] as const) {
      const changed = seq.slice();
      changed[index] = 50;
      expect(cache.rows(changed, w, 8, [0], true) !== null).toBe(found);
    }
    // Rows before those kept, past the window, layers not kept.
    expect(cache.rows(seq, w, 7, [0], true)).toBeNull();
    expect(cache.rows(seq, w, 12, [0], true)).toBeNull();
    expect(cache.rows(seq, w, 8, [2], true)).toBeNull();
    const noLogits = new WindowStatesCache(1_000);
    noLogits.put(seq, w, { ...rowsFor(8, 12), logits: null });
    expect(noLogits.rows(seq, w, 8, [0], true)).toBeNull();
    expect(noLogits.rows(seq, w, 8, [0], false)).not.toBeNull();
  });

  it('holds windows while the budget has room, and nothing after clear', () => {
    // Each window's kept rows: 4 × (2 layers × 3 + 4 logits) = 40 floats (the first: 8 rows, 80).
    const cache = new WindowStatesCache(130);
    for (const w of windows) cache.put(seq, w, rowsFor(w.keepFrom, w.end));
    expect([cache.size, cache.floats]).toEqual([2, 120]);
    expect(cache.rows(seq, windows[1], 8, [0], true)).not.toBeNull();
    expect(cache.rows(seq, windows[2], 12, [0], true)).toBeNull();
    // Rows that do not end where the window ends are not a window's.
    cache.clear();
    cache.put(seq, windows[1], rowsFor(8, 11));
    expect([cache.size, cache.floats]).toEqual([0, 0]);
  });
});
