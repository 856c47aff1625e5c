import { describe, expect, it } from 'vitest';
import { presentingFromQuery, setPresenting, togglePresenting, usePresenter } from './presenterStore';

describe('presentingFromQuery', () => {
  it('reads ?present=1 and its spellings', () => {
    expect(presentingFromQuery('?present=1')).toBe(true);
    expect(presentingFromQuery('?backend=wasm&present=true')).toBe(true);
    expect(presentingFromQuery('?present')).toBe(true);
  });

  it('is off without the flag or with present=0', () => {
    expect(presentingFromQuery('')).toBe(false);
    expect(presentingFromQuery('?present=0')).toBe(false);
    expect(presentingFromQuery('?presentation=1')).toBe(false);
  });
});

describe('the toggle', () => {
  it('switches presenter mode on and off', () => {
    setPresenting(false);
    togglePresenting();
    expect(usePresenter.getState().presenting).toBe(true);
    togglePresenting();
    expect(usePresenter.getState().presenting).toBe(false);
  });
});
