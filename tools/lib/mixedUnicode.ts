/**
 * Deterministic strings of mixed Unicode for tokenizer tests: ASCII, Latin, Greek, Cyrillic,
 * Hebrew, Arabic, Devanagari, Thai, kana, Han, Hangul, emoji, hieroglyphs and combining marks,
 * with spaces (or other whitespace runs) between characters. Seeded, so every run tests the
 * same strings.
 */
const CODE_POINT_RANGES: readonly [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x24f],
  [0x370, 0x3ff],
  [0x400, 0x4ff],
  [0x590, 0x5ff],
  [0x600, 0x6ff],
  [0x900, 0x97f],
  [0xe00, 0xe7f],
  [0x3040, 0x30ff],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0x1f300, 0x1faff],
  [0x13000, 0x1342e],
  [0x300, 0x36f],
];

export interface MixedUnicodeOptions {
  /** String i is drawn from the seed i + seed. */
  seed: number;
  /** Each string has 1..maxCharacters characters (whitespace not counted). */
  maxCharacters: number;
  /** The chance of whitespace after each character. */
  whitespaceChance: number;
  /** The whitespace runs to pick from; default a single space. */
  whitespaceRuns?: readonly string[];
  /** The chance that a string starts with a space; default never (and no draw for it). */
  leadingSpaceChance?: number;
}

export function mixedUnicodeStrings(count: number, options: MixedUnicodeOptions): string[] {
  return Array.from({ length: count }, (_, i) => {
    let h = i + options.seed;
    const random = () => (h = (Math.imul(h ^ (h >>> 15), 2246822519) + 1) >>> 0) / 2 ** 32;
    let s = options.leadingSpaceChance !== undefined && random() < options.leadingSpaceChance ? ' ' : '';
    const length = 1 + Math.floor(random() * options.maxCharacters);
    for (let k = 0; k < length; k++) {
      const [from, to] = CODE_POINT_RANGES[Math.floor(random() * CODE_POINT_RANGES.length)];
      s += String.fromCodePoint(from + Math.floor(random() * (to - from + 1)));
      if (random() < options.whitespaceChance) {
        const runs = options.whitespaceRuns;
        s += runs ? runs[Math.floor(random() * runs.length)] : ' ';
      }
    }
    return s;
  });
}
