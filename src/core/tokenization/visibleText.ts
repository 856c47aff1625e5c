/**
 * Token text made visible, for every label and chip: a token's rendering is byte-exact text,
 * and some of its characters draw nothing (a space, a newline, U+FEFF, a no-break space).
 * Two tokens that differ only there would look the same, so they are shown as markers:
 * - space ␣, newline ↵, tab ⇥, carriage return ␍;
 * - any other control, format or space character as `\uXXXX` (`\u{XXXXX}` above U+FFFF),
 *   e.g. "\uFEFFusing" and "\u00A0»".
 * Zero-width joiners (U+200C, U+200D) between two characters stay as they are: they shape
 * the letters or the emoji around them (Persian, the Indic scripts, 👩‍💻). At a token's edge
 * they draw nothing, so there they are marked too. The marker characters themselves are real
 * tokens in some vocabularies (Qwen3, Gemma 3 and DeepSeek-V3 have "␣" and "↵"): they are
 * escaped too, so a marker always means what it marks.
 * `\xNN` is already in the text: the bytes of a split character (tokenBytes.ts).
 */

export type VisiblePieceKind = 'text' | 'space' | 'newline' | 'tab' | 'return' | 'escape' | 'bytes';

const MARKERS: Record<string, { kind: VisiblePieceKind; value: string }> = {
  ' ': { kind: 'space', value: '␣' },
  '\n': { kind: 'newline', value: '↵' },
  '\t': { kind: 'tab', value: '⇥' },
  '\r': { kind: 'return', value: '␍' },
};

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}]/u;
/** The character each marker stands for ('␣' → ' '). */
const CHARACTER_OF_MARKER = new Map(Object.entries(MARKERS).map(([character, marker]) => [marker.value, character]));
const MARKER_CLASS = `[${[...CHARACTER_OF_MARKER.keys()].join('')}]`;
const JOINERS = new Set(['\u200C', '\u200D']);
/** The pieces a text splits into: `\xNN` bytes, and single invisible characters. */
const PIECES = new RegExp(`(\\\\x[0-9A-F]{2}|${INVISIBLE.source})`, 'u');
const BYTE_ESCAPE = /^\\x[0-9A-F]{2}$/;
/** An escape (`\uXXXX`, `\u{XXXXX}`) or a marker, in what a person typed. */
const READ_BACK = new RegExp(`\\\\u\\{([0-9A-Fa-f]{1,6})\\}|\\\\u([0-9A-Fa-f]{4})|${MARKER_CLASS}`, 'g');
/** Text with none of these shows as itself, in one piece (nearly every token). */
const NEEDS_PIECES = new RegExp(`\\\\|${INVISIBLE.source}|${MARKER_CLASS}`, 'u');

function codePointEscape(character: string): string {
  const code = character.codePointAt(0)!;
  const hex = code.toString(16).toUpperCase();
  return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/** Whether a joiner at `index` stands between two characters that draw. */
function joinsNeighbours(characters: readonly string[], index: number): boolean {
  const before = characters[index - 1];
  const after = characters[index + 1];
  return before !== undefined && after !== undefined && !INVISIBLE.test(before) && !INVISIBLE.test(after);
}

/**
 * The text in visible pieces, each with its kind for styling.
 *
 * @example
 * visiblePieces(' a\uFEFF') // [{ kind: 'space', value: '␣' }, { kind: 'text', value: 'a' }, { kind: 'escape', value: '\\uFEFF' }]
 */
export function visiblePieces(text: string): { kind: VisiblePieceKind; value: string }[] {
  if (!NEEDS_PIECES.test(text)) return text === '' ? [] : [{ kind: 'text', value: text }];
  const pieces: { kind: VisiblePieceKind; value: string }[] = [];
  const pushText = (value: string) => {
    const last = pieces[pieces.length - 1];
    if (last?.kind === 'text') last.value += value;
    else pieces.push({ kind: 'text', value });
  };
  const characters = text.split(PIECES).flatMap((part) => (PIECES.test(part) ? [part] : Array.from(part)));
  characters.forEach((character, index) => {
    if (BYTE_ESCAPE.test(character)) pieces.push({ kind: 'bytes', value: character });
    else if (MARKERS[character]) pieces.push({ ...MARKERS[character] });
    else if (!INVISIBLE.test(character) && !CHARACTER_OF_MARKER.has(character)) pushText(character);
    else if (JOINERS.has(character) && joinsNeighbours(characters, index)) pushText(character);
    else pieces.push({ kind: 'escape', value: codePointEscape(character) });
  });
  return pieces;
}

/** The text with its invisible characters as markers, for labels that are plain text. */
export function visibleToken(text: string): string {
  return visiblePieces(text)
    .map((piece) => piece.value)
    .join('');
}

/**
 * What a person typed, read back to token text: the markers ␣ ↵ ⇥ ␍ and `\uXXXX` or
 * `\u{XXXXX}` escapes become the characters they show (`\xNN` stays: it is in the text).
 */
export function readVisibleToken(typed: string): string {
  // One pass, so the "␣" an escape stands for is not read again as a space.
  return typed.replace(READ_BACK, (match, long?: string, short?: string) => {
    if (long === undefined && short === undefined) return CHARACTER_OF_MARKER.get(match)!;
    const code = parseInt(long ?? short!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : match;
  });
}
