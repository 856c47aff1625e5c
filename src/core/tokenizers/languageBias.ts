/**
 * Tokenization bias across languages (docs/PAPERS.md section 4): for prompts that end
 * mid-word in each parity language, the naive next character (the first character of the
 * next token, from the model's next-token distribution after the prompt as tokenized) against
 * the exact next character (the byte-token representation lemma), and how far apart they are.
 *
 * The prompts are cut from the parallel sentences by a fixed rule (midWordPrompts), so every
 * language gets the same kind of cut: inside the letter run nearest 40% of the sentence.
 */
import { PARALLEL_SENTENCES, type ParallelSet } from './parity';
import { utf8SequenceLength } from './utf8';
import { strictUtf8Decoder } from '../tokenization/utf8Decoders';

export interface MidWordPrompt {
  language: string;
  /** Index of the parallel sentence it was cut from. */
  sentence: number;
  text: string;
  /** The character that follows in the sentence. */
  nextInSentence: string;
}

const LETTER = /[\p{L}\p{M}]/u;
const MARK = /\p{M}/u;

/**
 * The sentence cut inside a word: the letter run (letters and marks; a whole clause in
 * scripts without spaces) whose start is nearest 40% of the sentence, cut after half of its
 * characters (at least one in, at least one left), never before a combining mark.
 * Null when the sentence has no run of three or more characters.
 *
 * @example
 * cutMidWord('Heute ist das Wetter schön, deshalb …') // { text: 'Heute ist das We', next: 't' }
 */
export function cutMidWord(sentence: string): { text: string; next: string } | null {
  const chars = [...sentence];
  const runs: { start: number; end: number }[] = [];
  for (let i = 0; i < chars.length;) {
    if (!LETTER.test(chars[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && LETTER.test(chars[j])) j++;
    if (j - i >= 3) runs.push({ start: i, end: j });
    i = j;
  }
  if (runs.length === 0) return null;
  const target = 0.4 * chars.length;
  const run = runs.reduce((best, r) => (Math.abs(r.start - target) < Math.abs(best.start - target) ? r : best));
  let cut = run.start + Math.max(1, Math.floor((run.end - run.start) / 2));
  while (cut < run.end - 1 && MARK.test(chars[cut])) cut++;
  if (MARK.test(chars[cut])) return null;
  return { text: chars.slice(0, cut).join(''), next: chars[cut] };
}

/** Up to `perLanguage` mid-word prompts for each language of the parallel set, from its first sentences. */
export function midWordPrompts(perLanguage = 3, set: ParallelSet = PARALLEL_SENTENCES): MidWordPrompt[] {
  const prompts: MidWordPrompt[] = [];
  for (const { code } of set.languages) {
    let made = 0;
    for (let s = 0; s < set.sentences.length && made < perLanguage; s++) {
      const cut = cutMidWord(set.sentences[s].text[code]);
      if (!cut) continue;
      prompts.push({ language: code, sentence: s, text: cut.text, nextInSentence: cut.next });
      made++;
    }
  }
  return prompts;
}

/** A character distribution: the listed characters and the mass of all the others. */
export interface CharacterDistribution {
  probabilities: Map<string, number>;
  /** Not listed: below the listing threshold, or (naive) tokens that hold only part of a character. */
  otherProbability: number;
}

/** The first character of a token's bytes, or null when they start with part of one (a lone lead byte, a byte-fallback token). */
export function firstCharacter(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return null;
  const length = utf8SequenceLength(bytes[0]);
  if (length === 0 || bytes.length < length) return null;
  try {
    return strictUtf8Decoder.decode(bytes.subarray(0, length));
  } catch {
    return null;
  }
}

/**
 * The naive next character: the next token's first character, summed over the vocabulary
 * (tokens with no bytes, i.e. special tokens, left out and the rest renormalised, as for the
 * naive next byte). Tokens that start with part of a character go to `otherProbability`.
 */
export function naiveNextCharacters(
  logProbs: ArrayLike<number>,
  vocabulary: readonly Uint8Array[],
): CharacterDistribution {
  const probabilities = new Map<string, number>();
  let total = 0;
  let partial = 0;
  for (let id = 0; id < vocabulary.length; id++) {
    if (vocabulary[id].length === 0) continue;
    const p = Math.exp(logProbs[id]);
    total += p;
    const character = firstCharacter(vocabulary[id]);
    if (character === null) partial += p;
    else probabilities.set(character, (probabilities.get(character) ?? 0) + p);
  }
  if (total > 0) for (const [c, p] of probabilities) probabilities.set(c, p / total);
  return { probabilities, otherProbability: total > 0 ? partial / total : 0 };
}

/**
 * Total variation distance between two character distributions whose unlisted mass is pooled
 * into one "other" outcome: ½ (Σ_c |p_c − q_c| + |p_other − q_other|). Pooling can only merge
 * differences, so this is a lower bound of the distance between the full distributions
 * (equal to it when nothing is unlisted).
 */
export function totalVariationAtLeast(p: CharacterDistribution, q: CharacterDistribution): number {
  let sum = Math.abs(p.otherProbability - q.otherProbability);
  for (const c of new Set([...p.probabilities.keys(), ...q.probabilities.keys()])) {
    sum += Math.abs((p.probabilities.get(c) ?? 0) - (q.probabilities.get(c) ?? 0));
  }
  return sum / 2;
}

/** ½ Σ_b |p_b − q_b| over the 256 next bytes: exact when both distributions are whole. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError(`distributions of ${p.length} and ${q.length} outcomes`);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - q[i]);
  return sum / 2;
}

/** The most probable listed character, or null when none is listed. */
export function topCharacter(d: CharacterDistribution): { character: string; probability: number } | null {
  let best: { character: string; probability: number } | null = null;
  for (const [character, probability] of d.probabilities) {
    if (!best || probability > best.probability || (probability === best.probability && character < best.character))
      best = { character, probability };
  }
  return best;
}

export interface LanguageBiasRow extends MidWordPrompt {
  naiveTop: { character: string; probability: number } | null;
  exactTop: { character: string; probability: number } | null;
  /** P(the sentence's own next character) under each. */
  naiveSentenceNext: number;
  exactSentenceNext: number;
  /** TVD between the naive and exact next characters, unlisted mass pooled (a lower bound). */
  characterTvdAtLeast: number;
  /** TVD between the naive and exact next bytes (both whole distributions). */
  nextByteTvd: number;
  /** How far the exact probabilities can be off (0 when every candidate was checked). */
  errorBound: number;
  forwardPasses: number;
}

export interface LanguageBiasSummary {
  language: string;
  prompts: number;
  meanCharacterTvdAtLeast: number;
  meanNextByteTvd: number;
  /** Share of prompts where the naive and exact top characters differ. */
  topDiffers: number;
}

/** Per-language means of the rows, in the order the languages first appear. */
export function summariseByLanguage(rows: readonly LanguageBiasRow[]): LanguageBiasSummary[] {
  const byLanguage = new Map<string, LanguageBiasRow[]>();
  for (const row of rows) byLanguage.set(row.language, [...(byLanguage.get(row.language) ?? []), row]);
  return [...byLanguage].map(([language, list]) => ({
    language,
    prompts: list.length,
    meanCharacterTvdAtLeast: list.reduce((s, r) => s + r.characterTvdAtLeast, 0) / list.length,
    meanNextByteTvd: list.reduce((s, r) => s + r.nextByteTvd, 0) / list.length,
    topDiffers: list.filter((r) => r.naiveTop?.character !== r.exactTop?.character).length / list.length,
  }));
}
