import { describe, expect, it } from 'vitest';
import { showNextView, showView, useView, viewAfter, VIEW_IDS } from './viewStore';

describe('viewStore', () => {
  it('walks the views in header order and wraps both ways', () => {
    expect(viewAfter('lab', 1)).toBe('tokenizers');
    expect(viewAfter('lab', -1)).toBe('experiments');
    expect(viewAfter('experiments', 1)).toBe('lab');
    expect(viewAfter('keyspace', VIEW_IDS.length)).toBe('keyspace');
  });

  it('switches the shown view', () => {
    showView('corpus');
    expect(useView.getState().view).toBe('corpus');
    showNextView();
    expect(useView.getState().view).toBe('batch');
    showNextView(-2);
    expect(useView.getState().view).toBe('bigram');
  });
});
