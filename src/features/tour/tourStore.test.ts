import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useView } from '../../state/viewStore';
import { closeTour, markTourSeen, moveTour, openTour, readTourStored, useTour } from './tourStore';
import { TOUR_DONE, TOUR_STEPS, TOUR_STORAGE_KEY } from './tourSteps';

/** A Map behind the Storage calls the store makes (Node has no localStorage). */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
    key: (i) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
}

describe('tourStore', () => {
  beforeEach(() => {
    Object.defineProperty(globalThis, 'localStorage', { value: memoryStorage(), configurable: true });
    closeTour();
  });
  afterEach(() => {
    delete (globalThis as { localStorage?: Storage }).localStorage;
  });

  it('opens at the first step on the lab, wherever the user was', () => {
    useView.setState({ view: 'batch' });
    useTour.setState({ step: 3 });
    openTour();
    expect(useTour.getState()).toEqual({ open: true, step: 0 });
    expect(useView.getState().view).toBe('lab');
  });

  it('steps forward and back, not before the first step, and closes after the last', () => {
    openTour();
    moveTour(-1);
    expect(useTour.getState().step).toBe(0);
    for (let i = 1; i < TOUR_STEPS.length; i++) {
      moveTour(1);
      expect(useTour.getState()).toEqual({ open: true, step: i });
    }
    moveTour(-1);
    expect(useTour.getState().step).toBe(TOUR_STEPS.length - 2);
    moveTour(1);
    moveTour(1);
    expect(useTour.getState().open).toBe(false);
  });

  it('remembers that the tour was seen under its versioned key', () => {
    expect(readTourStored()).toBeNull();
    markTourSeen();
    expect(localStorage.getItem(TOUR_STORAGE_KEY)).toBe(TOUR_DONE);
    expect(readTourStored()).toBe(TOUR_DONE);
  });

  it('works without storage: nothing is remembered, nothing throws', () => {
    delete (globalThis as { localStorage?: Storage }).localStorage;
    expect(() => markTourSeen()).not.toThrow();
    expect(readTourStored()).toBeNull();
  });
});
