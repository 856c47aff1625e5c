import { describe, expect, it } from 'vitest';
import { lastContextWindow, planSlidingWindows, windowedTokenCost, windowsKeeping } from './slidingWindow';

describe('planSlidingWindows', () => {
  it('uses one window when the sequence fits the context', () => {
    expect(planSlidingWindows(100, 256, 128)).toEqual([{ start: 0, end: 100, keepFrom: 0 }]);
    expect(planSlidingWindows(256, 256, 128)).toEqual([{ start: 0, end: 256, keepFrom: 0 }]);
  });

  it('returns no windows for an empty sequence', () => {
    expect(planSlidingWindows(0, 256, 128)).toEqual([]);
  });

  it('matches the documented example', () => {
    expect(planSlidingWindows(10, 4, 2)).toEqual([
      { start: 0, end: 4, keepFrom: 0 },
      { start: 2, end: 6, keepFrom: 4 },
      { start: 4, end: 8, keepFrom: 6 },
      { start: 6, end: 10, keepFrom: 8 },
    ]);
  });

  it('partitions every position exactly once and keeps the context guarantee', () => {
    for (const [count, context, stride] of [
      [2000, 256, 128],
      [257, 256, 128],
      [1000, 512, 1],
      [999, 64, 64],
      [300, 256, 200],
    ]) {
      const windows = planSlidingWindows(count, context, stride);
      const owner = new Array<number>(count).fill(-1);
      windows.forEach((w, i) => {
        expect(w.end - w.start).toBeLessThanOrEqual(context);
        expect(w.start).toBeGreaterThanOrEqual(0);
        for (let p = w.keepFrom; p < w.end; p++) {
          expect(owner[p]).toBe(-1);
          owner[p] = i;
          // Left context including the position itself.
          expect(p - w.start + 1).toBeGreaterThanOrEqual(Math.min(p + 1, context - stride + 1));
        }
      });
      expect(owner.every((o) => o >= 0)).toBe(true);
      expect(windows.at(-1)!.end).toBe(count);
    }
  });

  it('makes the final window a full context even when the remainder is short', () => {
    const windows = planSlidingWindows(300, 256, 128);
    expect(windows).toEqual([
      { start: 0, end: 256, keepFrom: 0 },
      { start: 44, end: 300, keepFrom: 256 },
    ]);
    expect(windowedTokenCost(windows)).toBe(512);
  });

  it('rejects a stride larger than the context', () => {
    expect(() => planSlidingWindows(10, 4, 5)).toThrow(RangeError);
    expect(() => planSlidingWindows(10, 0, 1)).toThrow(RangeError);
    expect(() => planSlidingWindows(-1, 4, 1)).toThrow(RangeError);
  });
});

describe('windowsKeeping', () => {
  it('keeps exactly the windows whose kept rows meet [from, to)', () => {
    const plan = planSlidingWindows(10, 4, 2); // kept: [0,4) [4,6) [6,8) [8,10)
    expect(windowsKeeping(plan, 0, 10)).toEqual(plan);
    expect(windowsKeeping(plan, 4, 6)).toEqual([plan[1]]);
    expect(windowsKeeping(plan, 3, 7)).toEqual(plan.slice(0, 3));
    expect(windowsKeeping(plan, 5, 5)).toEqual([]);
    // Every position of the range is kept by exactly one selected window.
    for (let from = 0; from < 10; from++)
      for (let to = from + 1; to <= 10; to++)
        for (let p = from; p < to; p++)
          expect(windowsKeeping(plan, from, to).filter((w) => w.keepFrom <= p && p < w.end)).toHaveLength(1);
  });
});

describe('lastContextWindow', () => {
  it('keeps the last context-length tokens', () => {
    expect(lastContextWindow(1000, 256)).toEqual({ start: 744, end: 1000 });
    expect(lastContextWindow(10, 256)).toEqual({ start: 0, end: 10 });
  });
});
