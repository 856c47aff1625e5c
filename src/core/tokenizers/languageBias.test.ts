import { describe, expect, it } from 'vitest';
import {
  cutMidWord,
  firstCharacter,
  midWordPrompts,
  naiveNextCharacters,
  summariseByLanguage,
  totalVariation,
  totalVariationAtLeast,
  type CharacterDistribution,
  type LanguageBiasRow,
} from './languageBias';
import { PARALLEL_SENTENCES } from './parity';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('mid-word prompts', () => {
  it('cut inside the letter run nearest 40% of the sentence, after half of it', () => {
    expect(cutMidWord('Heute ist das Wetter schön, deshalb gehen wir in den Park.')).toEqual({
      text: 'Heute ist das Wetter sc',
      next: 'h',
    });
    expect(cutMidWord('a b c')).toBeNull();
  });

  it('never cut before a combining mark, so the next character is a whole one', () => {
    // Devanagari: the vowel sign ा (U+093E) is a mark; the cut moves past it.
    const cut = cutMidWord('आज मौसम अच्छा है');
    expect(cut).not.toBeNull();
    expect(/\p{M}/u.test(cut!.next)).toBe(false);
    for (const prompt of midWordPrompts()) expect(/\p{M}/u.test(prompt.nextInSentence)).toBe(false);
  });

  it('give three prompts for each of the 17 parity languages, each a prefix of its sentence ending inside a word', () => {
    const prompts = midWordPrompts();
    expect(prompts).toHaveLength(3 * PARALLEL_SENTENCES.languages.length);
    for (const p of prompts) {
      const sentence = PARALLEL_SENTENCES.sentences[p.sentence].text[p.language];
      expect(sentence.startsWith(p.text + p.nextInSentence)).toBe(true);
      expect(/[\p{L}\p{M}]$/u.test(p.text) && /\p{L}/u.test(p.nextInSentence)).toBe(true);
    }
  });
});

describe('naive next character', () => {
  it("takes each token's first whole character; tokens that start inside a character go to other", () => {
    expect(firstCharacter(utf8('über'))).toBe('ü');
    expect(firstCharacter(utf8('東京'))).toBe('東');
    expect(firstCharacter(utf8('東').subarray(0, 2))).toBeNull();
    expect(firstCharacter(Uint8Array.of(0x80))).toBeNull();
    expect(firstCharacter(new Uint8Array(0))).toBeNull();
    const vocabulary = [utf8('a'), utf8('ab'), utf8('東').subarray(0, 1), new Uint8Array(0), utf8('ü')];
    const logProbs = [0.2, 0.3, 0.1, 0.2, 0.2].map(Math.log);
    const d = naiveNextCharacters(logProbs, vocabulary);
    // The special token (no bytes) is left out and the rest renormalised: 0.8 in all.
    expect(d.probabilities.get('a')).toBeCloseTo(0.5 / 0.8, 12);
    expect(d.probabilities.get('ü')).toBeCloseTo(0.2 / 0.8, 12);
    expect(d.otherProbability).toBeCloseTo(0.1 / 0.8, 12);
  });
});

describe('total variation', () => {
  const full = (entries: [string, number][]): CharacterDistribution => ({
    probabilities: new Map(entries),
    otherProbability: 0,
  });

  it('equals the full distance when nothing is pooled, and never exceeds it when mass is pooled', () => {
    const p = full([
      ['a', 0.5],
      ['b', 0.3],
      ['c', 0.2],
    ]);
    const q = full([
      ['a', 0.2],
      ['b', 0.3],
      ['c', 0.5],
    ]);
    expect(totalVariationAtLeast(p, q)).toBeCloseTo(0.3, 12);
    // Pool b and c into other: the differences in b and c cancel in the pool.
    const pooledP = { probabilities: new Map([['a', 0.5]]), otherProbability: 0.5 };
    const pooledQ = { probabilities: new Map([['a', 0.2]]), otherProbability: 0.8 };
    expect(totalVariationAtLeast(pooledP, pooledQ)).toBeLessThanOrEqual(totalVariationAtLeast(p, q) + 1e-15);
    expect(totalVariation([0.5, 0.5], [1, 0])).toBeCloseTo(0.5, 12);
    expect(() => totalVariation([1], [0.5, 0.5])).toThrow(RangeError);
  });

  it('summarises per language: means and the share of prompts whose top characters differ', () => {
    const row = (language: string, tvd: number, naive: string, exact: string): LanguageBiasRow => ({
      language,
      sentence: 0,
      text: '',
      nextInSentence: 'x',
      naiveTop: { character: naive, probability: 0.5 },
      exactTop: { character: exact, probability: 0.5 },
      naiveSentenceNext: 0,
      exactSentenceNext: 0,
      characterTvdAtLeast: tvd,
      nextByteTvd: tvd / 2,
      errorBound: 0,
      forwardPasses: 1,
    });
    const summary = summariseByLanguage([row('en', 0.2, 'a', 'a'), row('en', 0.4, 'a', 'b'), row('de', 0.1, 'c', 'c')]);
    expect(summary.map((s) => s.language)).toEqual(['en', 'de']);
    expect(summary[0].meanCharacterTvdAtLeast).toBeCloseTo(0.3, 12);
    expect(summary[0].meanNextByteTvd).toBeCloseTo(0.15, 12);
    expect(summary[0].topDiffers).toBe(0.5);
    expect(summary[1].prompts).toBe(1);
  });
});
