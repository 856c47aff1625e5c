import { describe, expect, it } from 'vitest';
import {
  exactNextByteDistribution,
  exactNextCharacters,
  memoizeNextTokenLogProbs,
  type ByteTokenizer,
  type NextTokenLogProbs,
} from './byteLemma';
import { naiveNextByteDistribution } from './tokenHealing';

/*
 * A toy world small enough to enumerate: bytes 'a', 'b', ' '; a GPT-2-like tokenizer (words
 * with their leading space, trailing spaces on their own) with longest-match encoding; a byte
 * source of at most MAX_BYTES bytes; and token models whose every sequence can be listed.
 */
const A = 0x61;
const B = 0x62;
const SP = 0x20;
const ALPHABET = [A, B, SP];
const MAX_BYTES = 5;
const PIECES = ['a', 'b', ' ', 'aa', 'ab', ' a', ' b'];
const EOS = PIECES.length;
const utf8 = (s: string) => new TextEncoder().encode(s);
const vocabulary: Uint8Array[] = [...PIECES.map(utf8), new Uint8Array(0)];
const PRETOKEN = /[ ]?[ab]+|[ ]+(?![^ ])|[ ]+/g;

function encodeText(text: string): number[] {
  const ids: number[] = [];
  for (const piece of text.match(PRETOKEN) ?? []) {
    let i = 0;
    while (i < piece.length) {
      let best = -1;
      for (let id = 0; id < PIECES.length; id++)
        if (piece.startsWith(PIECES[id], i) && (best < 0 || PIECES[id].length > PIECES[best].length)) best = id;
      ids.push(best);
      i += PIECES[best].length;
    }
  }
  return ids;
}

const tokenizer: ByteTokenizer = { vocabulary, encode: (bytes) => encodeText(String.fromCharCode(...bytes)) };
const bytesOf = (ids: readonly number[]) => Uint8Array.from(ids.flatMap((id) => [...vocabulary[id]]));
const startsWith = (seq: readonly number[], prefix: readonly number[]) => prefix.every((v, i) => seq[i] === v);

/** Every byte string of the source with its probability: a first-order Markov chain with a stop symbol, forced to stop at MAX_BYTES. */
function byteSource(): { bytes: number[]; p: number }[] {
  // next[prev] = [P(a), P(b), P(space), P(stop)]; prev = -1 at the start, where the text cannot stop yet.
  const next: Record<number, number[]> = {
    [-1]: [0.5, 0.3, 0.2, 0],
    [A]: [0.45, 0.25, 0.2, 0.1],
    [B]: [0.3, 0.1, 0.4, 0.2],
    [SP]: [0.35, 0.35, 0.2, 0.1],
  };
  const out: { bytes: number[]; p: number }[] = [];
  const walk = (bytes: number[], p: number) => {
    if (bytes.length === MAX_BYTES) {
      out.push({ bytes, p });
      return;
    }
    const row = next[bytes.length ? bytes[bytes.length - 1] : -1];
    if (row[3] > 0) out.push({ bytes, p: p * row[3] });
    ALPHABET.forEach((b, k) => walk([...bytes, b], p * row[k]));
  };
  walk([], 1);
  return out;
}

const SOURCE = byteSource();
const CANONICAL = SOURCE.map(({ bytes, p }) => ({ ids: [...encodeText(String.fromCharCode(...bytes)), EOS], p }));

/** The token model the byte source induces: exact conditionals by enumeration (canonical by construction). */
const sourceModel: NextTokenLogProbs = (prefix) => {
  const out = new Float64Array(vocabulary.length);
  let total = 0;
  for (const { ids, p } of CANONICAL) {
    if (ids.length > prefix.length && startsWith(ids, prefix)) {
      out[ids[prefix.length]] += p;
      total += p;
    }
  }
  return out.map((p) => Math.log(p / total));
};

/** A canonical model of another shape: seeded weights per prefix, masked to continuations that stay canonical. */
function maskedRandomModel(seed: number): NextTokenLogProbs {
  return (prefix) => {
    let h = seed;
    for (const id of prefix) h = Math.imul(h ^ (id + 1), 2654435761) >>> 0;
    const out = new Float64Array(vocabulary.length);
    let total = 0;
    for (let t = 0; t < vocabulary.length; t++) {
      const extendable = CANONICAL.some(
        ({ ids }) => ids.length > prefix.length && startsWith(ids, prefix) && ids[prefix.length] === t,
      );
      h = Math.imul(h ^ (t + 17), 2246822519) >>> 0;
      const w = extendable ? 0.05 + (h % 1000) / 1000 : 0;
      out[t] = w;
      total += w;
    }
    return out.map((w) => Math.log(w / total));
  };
}

/** Brute force over token sequences: every sequence the model can produce, each with its probability. */
function enumerateSequences(lm: NextTokenLogProbs): { ids: number[]; p: number }[] {
  const out: { ids: number[]; p: number }[] = [];
  const walk = (ids: number[], p: number) => {
    const next = lm(ids);
    for (let t = 0; t < vocabulary.length; t++) {
      const q = p * Math.exp(next[t]);
      if (q === 0) continue;
      if (t === EOS) out.push({ ids, p: q });
      else walk([...ids, t], q);
    }
  };
  walk([], 1);
  return out;
}

/** P(next byte | x) by brute force: Σ over sequences whose bytes start with x b, normalised over b. */
function bruteForceNextByte(
  sequences: { ids: number[]; p: number }[],
  x: Uint8Array,
): { probabilities: Float64Array; end: number; prefix: number } {
  const probabilities = new Float64Array(256);
  let end = 0;
  let prefix = 0;
  for (const { ids, p } of sequences) {
    const bytes = bytesOf(ids);
    if (!startsWith([...bytes], [...x])) continue;
    prefix += p;
    if (bytes.length === x.length) end += p;
    else probabilities[bytes[x.length]] += p;
  }
  const continuing = prefix - end;
  return { probabilities: probabilities.map((p) => p / continuing), end: end / prefix, prefix };
}

/** All byte strings of length 1..4 that the source can start with. */
function prompts(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (bytes: number[]) => {
    if (bytes.length > 0) out.push(Uint8Array.from(bytes));
    if (bytes.length < 4) ALPHABET.forEach((b) => walk([...bytes, b]));
  };
  walk([]);
  return out;
}

const show = (x: Uint8Array) => JSON.stringify(String.fromCharCode(...x));

describe('the toy world', () => {
  it('has a canonical source model whose sequences are exactly the encoded byte strings', () => {
    const sequences = enumerateSequences(sourceModel);
    expect(sequences.length).toBe(SOURCE.length);
    expect(sequences.reduce((s, q) => s + q.p, 0)).toBeCloseTo(1, 12);
    for (const { ids } of sequences) expect(encodeText(String.fromCharCode(...bytesOf(ids)))).toEqual(ids);
  });
});

describe('exactNextByteDistribution', () => {
  for (const [name, lm] of [
    ['the model induced by a byte source', sourceModel],
    ['a random canonical model', maskedRandomModel(7)],
  ] as const) {
    it(`equals brute-force enumeration over token sequences for every prompt (${name})`, () => {
      const memo = memoizeNextTokenLogProbs(lm);
      const sequences = enumerateSequences(memo);
      let checked = 0;
      for (const x of prompts()) {
        const brute = bruteForceNextByte(sequences, x);
        if (brute.prefix === 0 || brute.end === 1) continue;
        const exact = exactNextByteDistribution(x, tokenizer, memo, { endToken: EOS });
        for (const b of ALPHABET) {
          expect(
            Math.abs(exact.probabilities[b] - brute.probabilities[b]),
            `P(${String.fromCharCode(b)} | ${show(x)})`,
          ).toBeLessThan(1e-12);
        }
        expect(Math.abs(exact.endProbability! - brute.end)).toBeLessThan(1e-12);
        expect(Math.abs(Math.exp(exact.logPrefixProbability) - brute.prefix)).toBeLessThan(1e-12);
        expect(exact.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
        checked += 1;
      }
      expect(checked).toBeGreaterThan(100);
    });
  }

  it("recovers the byte source's own next-byte probabilities", () => {
    const x = utf8('ab a');
    let prefix = 0;
    const next = new Float64Array(256);
    for (const { bytes, p } of SOURCE) {
      if (!startsWith(bytes, [...x])) continue;
      prefix += p;
      if (bytes.length > x.length) next[bytes[x.length]] += p;
    }
    const exact = exactNextByteDistribution(x, tokenizer, sourceModel);
    const continuing = next.reduce((s, p) => s + p, 0);
    for (const b of ALPHABET) expect(Math.abs(exact.probabilities[b] - next[b] / continuing)).toBeLessThan(1e-12);
    expect(Math.abs(Math.exp(exact.logPrefixProbability) - prefix)).toBeLessThan(1e-12);
  });

  it('gives the same distribution when the bytes before a pre-token boundary are encoded on their own', () => {
    const lm = maskedRandomModel(11);
    for (const [text, boundary] of [
      ['ab a', 2],
      ['ba b', 2],
      ['a ab', 1],
    ] as const) {
      const whole = exactNextByteDistribution(utf8(text), tokenizer, lm);
      const split = exactNextByteDistribution(utf8(text), tokenizer, lm, { boundary });
      for (const b of ALPHABET) expect(Math.abs(whole.probabilities[b] - split.probabilities[b])).toBeLessThan(1e-12);
    }
  });

  it('shows the tokenization bias: after the token "a" the naive model never continues with a letter', () => {
    const x = utf8('a');
    const naive = naiveNextByteDistribution(sourceModel(encodeText('a')), vocabulary);
    const exact = exactNextByteDistribution(x, tokenizer, sourceModel);
    // "aa" and "ab" are tokens of their own, so token "a" is followed only by a space or the end.
    expect(naive[A]).toBe(0);
    expect(naive[B]).toBe(0);
    expect(naive[SP]).toBeCloseTo(1, 12);
    // The source continues "a" with 'a' 45/90 of the time it continues at all.
    expect(exact.probabilities[A]).toBeCloseTo(0.45 / 0.9, 12);
    expect(exact.probabilities[B]).toBeCloseTo(0.25 / 0.9, 12);
  });

  it('drops non-canonical covers unless the fast mode is asked for', () => {
    // A model that puts mass on the non-canonical [a][a] ("aa" is one token when canonical).
    const uniform: NextTokenLogProbs = () => new Float64Array(vocabulary.length).fill(Math.log(1 / vocabulary.length));
    const x = utf8('a');
    const checked = exactNextByteDistribution(x, tokenizer, uniform);
    const fast = exactNextByteDistribution(x, tokenizer, uniform, { checkValidity: false });
    // Checked: covers [aa], [ab] (1/8 each); after ctx = [a] only [ ], [ a], [ b] are valid (1/64 each).
    expect(checked.probabilities[A]).toBeCloseTo(8 / 19, 12);
    expect(checked.probabilities[B]).toBeCloseTo(8 / 19, 12);
    expect(checked.probabilities[SP]).toBeCloseTo(3 / 19, 12);
    // Fast: after ctx = [a] all seven tokens with bytes count, [a], [aa], [ab] among them.
    expect(fast.probabilities[A]).toBeCloseTo(11 / 23, 12);
    expect(fast.probabilities[SP]).toBeCloseTo(3 / 23, 12);
  });

  it('follows splits inside a UTF-8 character, drops the non-canonical ones, and refuses a boundary a token crosses', () => {
    const emojiTokenizer: ByteTokenizer = {
      vocabulary: [Uint8Array.of(0xf0, 0x9f), Uint8Array.of(0x98, 0x80), utf8('😀')],
      encode: (bytes) => {
        try {
          const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
          return Array.from(text, () => 2);
        } catch {
          return null;
        }
      },
    };
    const lm: NextTokenLogProbs = () => [Math.log(0.25), Math.log(0.25), Math.log(0.5)];
    const d = exactNextByteDistribution(Uint8Array.of(0xf0, 0x9f, 0x98), emojiTokenizer, lm);
    // [\xF0\x9F][\x98\x80] spells the emoji too, but its encoding is the single token.
    expect(d.covers).toBe(1);
    expect(d.probabilities[0x80]).toBe(1);
    expect(() => exactNextByteDistribution(utf8('ab'), tokenizer, sourceModel, { boundary: 1 })).toThrow(/crosses/);
  });
});

describe('exactNextCharacters', () => {
  it('chains byte steps into characters whose probabilities sum to one', () => {
    const { characters, otherProbability } = exactNextCharacters(utf8('b'), tokenizer, sourceModel, {
      minProbability: 0,
    });
    expect(characters.map((c) => c.character).sort()).toEqual([' ', 'a', 'b']);
    expect(otherProbability).toBeCloseTo(0, 12);
    expect(characters.find((c) => c.character === ' ')!.probability).toBeCloseTo(0.4 / 0.8, 12);
  });
});
