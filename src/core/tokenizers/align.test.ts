import { describe, expect, it } from 'vitest';
import { alignTokens } from './align';

const utf8 = (s: string) => new TextEncoder().encode(s);
const spans = (a: ReturnType<typeof alignTokens>) => Array.from(a.starts, (s, i) => [s, a.ends[i]]);

describe('alignTokens', () => {
  it('places tokens that spell the text byte for byte', () => {
    const a = alignTokens('ab c 日', ['ab', ' c', ' ', '日'].map(utf8));
    expect(a.kind).toBe('exact');
    expect(spans(a)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
      [5, 8],
    ]);
  });

  it('places the pieces of a character split across tokens', () => {
    const emoji = utf8('😀');
    const a = alignTokens('x😀', [utf8('x'), emoji.subarray(0, 3), emoji.subarray(3)]);
    expect(spans(a)).toEqual([
      [0, 1],
      [1, 4],
      [4, 5],
    ]);
  });

  it('gives a dummy prefix space no byte of the text', () => {
    const a = alignTokens('hi there', [' hi', ' there'].map(utf8));
    expect(a).toMatchObject({ kind: 'exact', dummyPrefix: true });
    expect(spans(a)).toEqual([
      [0, 2],
      [2, 8],
    ]);
  });

  it('expects a dummy prefix again after each special token', () => {
    // Llama 2 on "<s> hi": "<s>" is special, then " hi" is normalized to "▁▁hi" on its own.
    const a = alignTokens('<s> hi', ['<s>', ' ', ' hi'].map(utf8), { special: [true, false, false] });
    expect(a.kind).toBe('exact');
    expect(spans(a)).toEqual([
      [0, 3],
      [3, 3],
      [3, 6],
    ]);
  });

  it('lets a token space stand for a literal ▁ in the text under the byte-fallback scheme', () => {
    const a = alignTokens('a▁b', ['a', ' b'].map(utf8), { metaspace: true });
    expect(a.kind).toBe('exact');
    expect(spans(a)).toEqual([
      [0, 1],
      [1, 5],
    ]);
    expect(alignTokens('a▁b', ['a', ' b'].map(utf8)).kind).toBe('partial');
  });

  it('maps tokens of the NFC-normalized text back to whole characters of the original', () => {
    const a = alignTokens('e\u0301x', ['é', 'x'].map(utf8), { normalization: 'NFC' });
    expect(a.kind).toBe('normalized');
    expect(spans(a)).toEqual([
      [0, 3],
      [3, 4],
    ]);
  });

  it('skips whitespace a special token stripped', () => {
    const a = alignTokens('a <mask> b', ['a', '<mask>', 'b'].map(utf8), { special: [false, true, false] });
    expect(a.kind).toBe('exact');
    expect(spans(a)).toEqual([
      [0, 1],
      [2, 8],
      [9, 10],
    ]);
  });

  it('says so when tokens do not spell the text', () => {
    const a = alignTokens('ab', ['a', '<unk>'].map(utf8));
    expect(a).toMatchObject({ kind: 'partial', alignedTokens: 1 });
    expect(spans(a)).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});
