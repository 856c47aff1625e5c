/**
 * The lemma against a brute-force oracle, on bytes: two tiny tokenizers written here (a
 * byte-level BPE with a GPT-2 pre-tokenizer, and a SentencePiece-style BPE with byte fallback),
 * a deterministic model whose next-token weights are a fixed function of the prefix, and every
 * token sequence that model can produce, listed by walking it. The oracle sums the probability
 * of the sequences whose bytes extend the prompt; it never builds a cover.
 *
 * The model puts its mass on the canonical encodings of a finite set of texts: the prompt's
 * complete characters followed by every string of up to three characters from a small alphabet
 * (so each text extends, or stops short of, or leaves the prompt inside its last character).
 * Merges make tokens that end inside characters (`\xE6\x97`, ` \xE6`, `a\xC3`, the first three
 * bytes of an emoji), as real byte-level vocabularies have; unknown characters fall back to
 * `<0xNN>` bytes in the SentencePiece one.
 */
import { describe, expect, it } from 'vitest';
import { stableBoundary } from './biasLens';
import {
  exactNextByteDistribution,
  exactNextCharacters,
  memoizeNextTokenLogProbs,
  type ByteTokenizer,
  type NextTokenLogProbs,
} from './byteLemma';

const utf8 = (s: string) => new TextEncoder().encode(s);
const strict = new TextDecoder('utf-8', { fatal: true });
const key = (bytes: ArrayLike<number>) => Array.from(bytes).join(',');

interface TinyTokenizer extends ByteTokenizer {
  name: string;
  /** Token ids of a text, as the tokenizer cuts it. */
  encodeText(text: string): number[];
  /** The byte-space form of a text: what the lemma sees (SentencePiece: the dummy prefix space first). */
  textBytes(text: string): Uint8Array;
  eos: number;
}

/** Applies merges by rank, leftmost first among equal ranks (BPE). */
function applyMerges(symbols: string[], ranks: Map<string, number>): string[] {
  const word = [...symbols];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < word.length; i++) {
      const rank = ranks.get(`${word[i]}\u0000${word[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        best = i;
        bestRank = rank;
      }
    }
    if (best < 0) return word;
    word.splice(best, 2, word[best] + word[best + 1]);
  }
}

/**
 * Byte-level BPE: GPT-2's pre-tokenizer regex, then merges over bytes (symbols are latin1
 * strings, one character per byte). Ids 0–255 are the bytes, then one per merge, then EOS.
 */
function byteLevelBpe(): TinyTokenizer {
  const b = (s: string) => String.fromCharCode(...utf8(s));
  const x = (...bytes: number[]) => String.fromCharCode(...bytes);
  const merges: [string, string][] = [
    [b('a'), b('b')],
    [b(' '), b('a')],
    [x(0xc3), x(0xa9)], // é
    [x(0xe6), x(0x97)], // the first two bytes of 日 and 早: a token inside a character
    [x(0xe6, 0x97), x(0xa5)], // 日
    [x(0xe6), x(0x9c)],
    [x(0xe6, 0x9c), x(0xac)], // 本
    [b('日'), b('本')],
    [x(0xf0), x(0x9f)],
    [x(0xf0, 0x9f), x(0x91)],
    [x(0xf0, 0x9f, 0x91), x(0xa8)], // 👨 (👩 stays [\xF0\x9F\x91][\xA9])
    [x(0xe2), x(0x80)],
    [x(0xe2, 0x80), x(0x8d)], // ZWJ
    [x(0xd7), x(0xa9)], // ש
    [x(0xd7), x(0x9c)], // ל
    [b('ש'), b('ל')],
    [b(' '), b('ש')],
    [x(0xd8), x(0xb3)], // س
    [x(0xd9), x(0x84)], // ل
    [b('س'), b('ل')],
    [x(0xcc), x(0x81)], // combining acute
    [b('e'), b('\u0301')], // never applied: the mark is its own pre-token
    [b(' '), b(' ')],
    [b(' '), x(0xe6)], // space + lead byte: ` 明` is [ \xE6][\x98][\x8E]
    [b('a'), x(0xc3)], // 'a' + lead byte: "aè" is [a\xC3][\xA8], "aé" is [a][é]
    [b('b'), x(0xd7)], // "bם" is [b\xD7][\x9D], "bש" is [b][ש]
    [b('b'), b('a')],
    [b(' '), b('b')],
    [b('ab'), b('a')],
  ];
  const ranks = new Map(merges.map(([l, r], i) => [`${l}\u0000${r}`, i]));
  const pieces = [...Array.from({ length: 256 }, (_, byte) => x(byte)), ...merges.map(([l, r]) => l + r)];
  const ids = new Map(pieces.map((p, id) => [p, id]));
  const vocabulary = [...pieces.map((p) => Uint8Array.from(p, (c) => c.charCodeAt(0))), new Uint8Array(0)];
  const PRETOKEN = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
  const encodeText = (text: string) =>
    (text.match(PRETOKEN) ?? []).flatMap((pretoken) =>
      applyMerges(Array.from(b(pretoken)), ranks).map((p) => ids.get(p)!),
    );
  return {
    name: 'byte-level BPE',
    vocabulary,
    eos: vocabulary.length - 1,
    encodeText,
    textBytes: utf8,
    encode: (bytes) => {
      try {
        return encodeText(strict.decode(bytes));
      } catch {
        return null;
      }
    },
  };
}

/**
 * SentencePiece-style BPE with byte fallback: `▁` for spaces and one `▁` before the text, merges
 * over characters, and a character outside the alphabet as `<0xNN>` tokens. Ids 0–255 are the
 * byte tokens, then the alphabet, then one per merge, then EOS.
 */
function sentencePieceBpe(): TinyTokenizer {
  const alphabet = ['▁', 'a', 'b', 'e', 'é', '日', 'ש', 'ל', 'ا', 'ل', '\u0301', '\u200D', '👨'];
  const merges: [string, string][] = [
    ['▁', 'a'],
    ['a', 'b'],
    ['▁a', 'b'],
    ['▁', '日'],
    ['e', '\u0301'], // a piece of two code points
    ['ש', 'ל'],
    ['▁', 'ש'],
    ['👨', '\u200D'],
    ['▁', 'é'],
    ['a', 'é'],
    ['b', '▁'], // no pre-tokenizer: a merge may cross a space
    ['ا', 'ل'],
    ['▁', 'b'],
    ['b', 'a'],
  ];
  const ranks = new Map(merges.map(([l, r], i) => [`${l}\u0000${r}`, i]));
  const pieces = [...alphabet, ...merges.map(([l, r]) => l + r)];
  const ids = new Map(pieces.map((p, i) => [p, 256 + i]));
  const vocabulary = [
    ...Array.from({ length: 256 }, (_, byte) => Uint8Array.of(byte)),
    ...pieces.map((p) => utf8(p.replaceAll('▁', ' '))),
    new Uint8Array(0),
  ];
  const encodeText = (text: string) => {
    if (text === '') return [];
    const symbols = applyMerges(Array.from(`▁${text.replaceAll(' ', '▁')}`), ranks);
    return symbols.flatMap((s) => (ids.has(s) ? [ids.get(s)!] : Array.from(utf8(s))));
  };
  const bytesOf = (tokens: number[]) => tokens.flatMap((id) => Array.from(vocabulary[id]));
  return {
    name: 'SentencePiece BPE with byte fallback',
    vocabulary,
    eos: vocabulary.length - 1,
    encodeText,
    textBytes: (text) => utf8(` ${text}`),
    encode: (bytes) => {
      if (bytes.length === 0) return [];
      if (bytes[0] !== 0x20) return null;
      let text: string;
      try {
        text = strict.decode(bytes.subarray(1));
      } catch {
        return null;
      }
      const tokens = encodeText(text);
      return key(bytesOf(tokens)) === key(bytes) ? tokens : null;
    },
  };
}

interface OracleCase {
  name: string;
  /** The prompt as text; `cut` bytes are taken off its end (a prompt inside a character). */
  text: string;
  cut?: number;
  /** Characters the texts continue with (up to three of them). */
  alphabet: string[];
}

const CASES: OracleCase[] = [
  { name: 'ASCII, mid-word', text: 'ba a', alphabet: ['a', 'b', ' '] },
  { name: 'ending in a space', text: 'ab ', alphabet: ['a', 'b', ' ', 'é'] },
  { name: 'ending in two spaces', text: 'b  ', alphabet: ['a', ' ', '日'] },
  { name: 'empty prompt', text: '', alphabet: ['a', ' ', 'é', '日', 'ש'] },
  { name: 'inside é (its lead byte)', text: 'aé', cut: 1, alphabet: ['é', 'è', 'a', ' '] },
  { name: 'CJK, inside 日 (two of three bytes)', text: 'a日', cut: 1, alphabet: ['日', '早', '明', '本'] },
  { name: 'CJK, inside 明 after a space (its lead byte)', text: ' 明', cut: 2, alphabet: ['日', '明', '本', ' '] },
  { name: 'CJK', text: '日本', alphabet: ['日', '本', '早', 'a'] },
  { name: 'combining mark', text: 'ae\u0301', alphabet: ['e', '\u0301', 'é', 'a'] },
  { name: 'inside a combining mark', text: 'e\u0301', cut: 1, alphabet: ['\u0301', '\u0300', 'e'] },
  { name: 'ZWJ emoji', text: '👨\u200D👩', alphabet: ['👨', '👩', '\u200D', ' '] },
  { name: 'inside the ZWJ', text: '👨\u200D', cut: 1, alphabet: ['\u200D', '👩', '👨'] },
  { name: 'inside an emoji (three of four bytes)', text: '👨\u200D👩', cut: 1, alphabet: ['👨', '👩', '\u200D'] },
  { name: 'inside an emoji (its lead byte)', text: ' 👩', cut: 3, alphabet: ['👨', '👩', ' '] },
  { name: 'right-to-left: Hebrew', text: ' של', alphabet: ['ש', 'ל', 'ם', ' '] },
  { name: 'right-to-left: Hebrew, inside ם after b', text: 'bם', cut: 1, alphabet: ['ש', 'ם', 'ל'] },
  { name: 'right-to-left: Arabic', text: 'سل', alphabet: ['س', 'ل', 'ا', ' '] },
];

/** The prompt's bytes, and the text of its complete characters. */
function promptOf(tokenizer: TinyTokenizer, c: OracleCase): { x: Uint8Array; stem: string } {
  const whole = tokenizer.textBytes(c.text);
  const x = whole.subarray(0, whole.length - (c.cut ?? 0));
  let stem = c.text;
  while (stem && tokenizer.textBytes(stem).length > x.length) stem = Array.from(stem).slice(0, -1).join('');
  return { x, stem };
}

/** Every string of up to `length` characters over the alphabet. */
function strings(alphabet: string[], length: number): string[] {
  const out = [''];
  for (let k = 0, level = ['']; k < length; k++) {
    level = level.flatMap((s) => alphabet.map((a) => s + a));
    out.push(...level);
  }
  return out;
}

/**
 * The canonical model: after a prefix, the tokens that continue some text's encoding (and EOS
 * where a text's encoding ends), weighted by a hash of the prefix and the token.
 */
function canonicalModel(tokenizer: TinyTokenizer, texts: string[], seed: number): NextTokenLogProbs {
  const encodings = texts.map((t) => [...tokenizer.encodeText(t), tokenizer.eos]);
  const size = tokenizer.vocabulary.length;
  return (prefix) => {
    const allowed = new Set<number>();
    for (const ids of encodings)
      if (ids.length > prefix.length && prefix.every((id, i) => ids[i] === id)) allowed.add(ids[prefix.length]);
    let h = seed >>> 0;
    for (const id of prefix) h = Math.imul(h ^ (id + 1), 2654435761) >>> 0;
    const weights = new Float64Array(size);
    let total = 0;
    for (const t of allowed) {
      const w = 0.05 + ((Math.imul(h ^ (t + 17), 2246822519) >>> 0) % 1000) / 1000;
      weights[t] = w;
      total += w;
    }
    return weights.map((w) => (w > 0 ? Math.log(w / total) : Number.NEGATIVE_INFINITY));
  };
}

/** Brute force: every token sequence the model produces before EOS, with its bytes and probability. */
function allSequences(tokenizer: TinyTokenizer, lm: NextTokenLogProbs): { bytes: number[]; p: number }[] {
  const out: { bytes: number[]; p: number }[] = [];
  const walk = (ids: number[], bytes: number[], p: number) => {
    const next = lm(ids);
    for (let t = 0; t < next.length; t++) {
      if (next[t] === Number.NEGATIVE_INFINITY) continue;
      const q = p * Math.exp(next[t]);
      if (t === tokenizer.eos) out.push({ bytes, p: q });
      else walk([...ids, t], [...bytes, ...tokenizer.vocabulary[t]], q);
    }
  };
  walk([], [], 1);
  return out;
}

const extendsPrompt = (bytes: number[], x: Uint8Array) => bytes.length >= x.length && x.every((b, i) => bytes[i] === b);

/** The oracle's next byte, end and prefix probability after x. */
function oracleNextByte(sequences: { bytes: number[]; p: number }[], x: Uint8Array) {
  const next = new Float64Array(256);
  let prefix = 0;
  let end = 0;
  for (const { bytes, p } of sequences) {
    if (!extendsPrompt(bytes, x)) continue;
    prefix += p;
    if (bytes.length === x.length) end += p;
    else next[bytes[x.length]] += p;
  }
  const continuing = prefix - end;
  return { probabilities: next.map((p) => p / continuing), end: end / prefix, prefix };
}

/** The oracle's next character: the bytes after x up to the end of the character they are in. */
function oracleNextCharacter(sequences: { bytes: number[]; p: number }[], x: Uint8Array): Map<string, number> {
  const out = new Map<string, number>();
  let continuing = 0;
  for (const { bytes, p } of sequences) {
    if (!extendsPrompt(bytes, x) || bytes.length === x.length) continue;
    continuing += p;
    // The first offset after x where the decoded text has a character boundary.
    let end = x.length + 1;
    for (; end <= bytes.length; end++) {
      try {
        strict.decode(Uint8Array.from(bytes.slice(0, end)));
        break;
      } catch {
        // inside a character: go on
      }
    }
    const k = key(bytes.slice(x.length, end));
    out.set(k, (out.get(k) ?? 0) + p);
  }
  for (const [k, p] of out) out.set(k, p / continuing);
  return out;
}

describe.each([byteLevelBpe(), sentencePieceBpe()])('the lemma against brute-force enumeration: $name', (tokenizer) => {
  it('round-trips its texts and makes tokens that end inside characters', () => {
    for (const text of ['ab a', 'aè 明', '👨\u200D👩', 'bם', 'e\u0301', 'سل ש']) {
      const ids = tokenizer.encodeText(text);
      expect(key(ids.flatMap((id) => Array.from(tokenizer.vocabulary[id])))).toBe(key(tokenizer.textBytes(text)));
      expect(tokenizer.encode(tokenizer.textBytes(text))).toEqual(ids);
    }
    const splitsCharacters = (text: string) => {
      const ids = tokenizer.encodeText(text);
      return ids.some((id) => {
        try {
          strict.decode(tokenizer.vocabulary[id]);
          return false;
        } catch {
          return true;
        }
      });
    };
    expect(splitsCharacters('aè 明')).toBe(true);
    expect(splitsCharacters('👨\u200D👩')).toBe(true);
  });

  it.each(CASES)('next byte and next character: $name', (c) => {
    const { x, stem } = promptOf(tokenizer, c);
    const texts = strings(c.alphabet, 3).map((s) => stem + s);
    const lm = memoizeNextTokenLogProbs(canonicalModel(tokenizer, texts, 7 + c.name.length));
    const sequences = allSequences(tokenizer, lm);
    expect(sequences.reduce((s, q) => s + q.p, 0)).toBeCloseTo(1, 12);

    const oracle = oracleNextByte(sequences, x);
    expect(oracle.prefix).toBeGreaterThan(0);
    const exact = exactNextByteDistribution(x, tokenizer, lm, { endToken: tokenizer.eos });
    for (let b = 0; b < 256; b++) {
      if (Math.abs(exact.probabilities[b] - oracle.probabilities[b]) > 1e-12)
        expect.fail(`P(0x${b.toString(16)}) = ${exact.probabilities[b]}, oracle ${oracle.probabilities[b]}`);
    }
    expect(Math.abs(exact.endProbability! - oracle.end)).toBeLessThan(1e-12);
    expect(Math.abs(Math.exp(exact.logPrefixProbability) - oracle.prefix)).toBeLessThan(1e-12);
    expect(exact.errorBound).toBe(0);

    const characters = exactNextCharacters(x, tokenizer, lm, { minProbability: 0 });
    const expected = oracleNextCharacter(sequences, x);
    const got = new Map(characters.characters.map((ch) => [key(ch.bytes), ch.probability]));
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, p] of expected) expect(Math.abs(got.get(k)! - p), `next character ${k}`).toBeLessThan(1e-12);
    expect(characters.otherProbability).toBeLessThan(1e-12);
  });

  it('gives the same distribution with the bytes before a stable boundary encoded on their own', () => {
    for (const text of ['ab 日本', 'ba ab', 'a של', 'a 👨\u200D']) {
      const x = tokenizer.textBytes(text);
      const boundary = stableBoundary(x, tokenizer);
      const dummy = tokenizer.textBytes('').length;
      expect(boundary, text).toBeGreaterThan(dummy);
      const stem = new TextDecoder().decode(x.subarray(dummy, boundary));
      const rest = Array.from(text.slice(stem.length));
      const texts = strings([...new Set([...rest, 'a'])], rest.length + 1).map((s) => stem + s);
      const lm = memoizeNextTokenLogProbs(canonicalModel(tokenizer, texts, 11));
      const oracle = oracleNextByte(allSequences(tokenizer, lm), x);
      const split = exactNextByteDistribution(x, tokenizer, lm, { boundary });
      for (let b = 0; b < 256; b++)
        expect(Math.abs(split.probabilities[b] - oracle.probabilities[b]), `${text}: 0x${b.toString(16)}`).toBeLessThan(
          1e-12,
        );
    }
  });
});
