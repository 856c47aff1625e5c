import { describe, expect, it } from 'vitest';
import { PARALLEL_SENTENCES, tokenParity, type ParallelSet } from './parity';

describe('the parallel sentences shipped with the app', () => {
  it('cover at least 10 languages in at least 10 scripts, English among them', () => {
    const { languages } = PARALLEL_SENTENCES;
    expect(languages.length).toBeGreaterThanOrEqual(10);
    expect(new Set(languages.map((l) => l.script)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(languages.map((l) => l.code)).size).toBe(languages.length);
    expect(languages.map((l) => l.code)).toContain('en');
  });

  it('give every sentence in every language, as NFC text, and nothing else', () => {
    const codes = PARALLEL_SENTENCES.languages.map((l) => l.code).sort();
    for (const sentence of PARALLEL_SENTENCES.sentences) {
      expect(Object.keys(sentence.text).sort(), sentence.id).toEqual(codes);
      for (const [code, text] of Object.entries(sentence.text)) {
        expect(text.trim().length, `${sentence.id}/${code}`).toBeGreaterThan(0);
        expect(text.normalize('NFC'), `${sentence.id}/${code}`).toBe(text);
      }
    }
  });
});

describe('tokenParity', () => {
  const set: ParallelSet = {
    languages: [
      { code: 'en', name: 'English', script: 'Latin' },
      { code: 'xx', name: 'Other', script: 'Other' },
    ],
    sentences: [
      { id: 'one', text: { en: 'ab', xx: 'ααα' } },
      { id: 'two', text: { en: 'cd e', xx: 'β' } },
    ],
  };

  it('sums tokens over the sentences and divides by the reference language', () => {
    // One token per character: en 2 + 4 = 6, xx 3 + 1 = 4.
    const rows = tokenParity((s) => [...s].length, set);
    expect(rows.map((r) => [r.code, r.tokens, r.characters, r.bytes, r.relativeTokens])).toEqual([
      ['en', 6, 6, 6, 1],
      ['xx', 4, 4, 8, 4 / 6],
    ]);
    expect(rows[1].bytesPerToken).toBe(2);
  });

  it('says which sentence lacks a language', () => {
    const broken: ParallelSet = { ...set, sentences: [{ id: 'three', text: { en: 'x' } }] };
    expect(() => tokenParity((s) => s.length, broken)).toThrow('sentence "three" has no Other (xx) text');
  });
});
