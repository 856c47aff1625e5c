/**
 * Whether a batch completion matches a prompt's expected answers (issue 18). Four modes:
 *
 * - `exact`: the completion equals an answer character for character (a leading space counts).
 * - `normalised` (the default): `normaliseAnswer(completion) === normaliseAnswer(answer)`.
 * - `prefix`: the normalised completion begins with the normalised answer, followed by its end
 *   or by a character that is not a letter, digit or combining mark: " basket, and" matches
 *   "basket", " basketball" does not. For cloze prompts (the ToM set) whose next word is the
 *   answer and whose completion runs on for a few tokens.
 * - `regex`: an answer is a JavaScript regular expression tested (unanchored) on the raw
 *   completion, compiled with the `u` flag; `/pattern/flags` sets flags too (`/^\s*box\b/i`).
 *
 * A completion matches when it matches any one of the answers.
 */

export type MatchMode = 'exact' | 'normalised' | 'prefix' | 'regex';
export const MATCH_MODES: readonly MatchMode[] = ['exact', 'normalised', 'prefix', 'regex'];
/** What a prompt with expected answers but no `match` uses. */
export const DEFAULT_MATCH_MODE: MatchMode = 'normalised';

/** A regular expression answer that does not compile. */
export class AnswerPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerPatternError';
  }
}

const EDGES = /^[\s\p{P}]+|[\s\p{P}]+$/gu;
const SPACES = /\s+/gu;
const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;

/**
 * The normalised form of an answer, in this order: Unicode NFKC (full-width letters, ligatures
 * and no-break spaces become plain ones), lowercase (`toLowerCase`, locale-independent), then
 * every leading and trailing run of whitespace and punctuation (Unicode `\p{P}`: . , ; : ! ? '
 * " ( ) [ ] - … « » and the like; not symbols such as $ or +) removed, and every inner run of
 * whitespace collapsed to one space.
 *
 * @example
 * normaliseAnswer('  The   BASKET.'); // "the basket"
 * normaliseAnswer('«Ｂｏｘ»');          // "box"
 */
export function normaliseAnswer(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(EDGES, '').replace(SPACES, ' ');
}

const compiled = new Map<string, RegExp>();

/**
 * Compiles a `regex` answer: `/source/flags` or a bare source, always with `u` (or `v`).
 * `g` and `y` are dropped, since they make `test` depend on the previous call. Throws an
 * AnswerPatternError that quotes the pattern and says why.
 */
export function compileAnswerPattern(pattern: string): RegExp {
  const known = compiled.get(pattern);
  if (known) return known;
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  const source = literal ? literal[1] : pattern;
  let flags = literal ? literal[2].replace(/[gy]/g, '') : '';
  if (!flags.includes('u') && !flags.includes('v')) flags += 'u';
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (error) {
    throw new AnswerPatternError(`"${pattern}" is not a valid regular expression: ${(error as Error).message}`);
  }
  if (compiled.size > 1000) compiled.clear();
  compiled.set(pattern, regex);
  return regex;
}

function startsWithWord(text: string, word: string): boolean {
  if (!text.startsWith(word)) return false;
  const next = text.codePointAt(word.length);
  return next === undefined || !WORD_CHARACTER.test(String.fromCodePoint(next));
}

/**
 * Whether `completion` matches any of `expected` under `mode` (see the module comment).
 * An empty list matches nothing. Throws an AnswerPatternError for a bad regex answer.
 *
 * @example
 * matchAnswer(' basket', ['basket'], 'normalised'); // true
 * matchAnswer(' basket', ['basket'], 'exact');      // false
 * matchAnswer(' box and', ['box'], 'prefix');       // true
 * matchAnswer(' Box', ['/^\\s*box$/i'], 'regex');   // true
 */
export function matchAnswer(
  completion: string,
  expected: readonly string[],
  mode: MatchMode = DEFAULT_MATCH_MODE,
): boolean {
  switch (mode) {
    case 'exact':
      return expected.includes(completion);
    case 'normalised': {
      const text = normaliseAnswer(completion);
      return expected.some((answer) => normaliseAnswer(answer) === text);
    }
    case 'prefix': {
      const text = normaliseAnswer(completion);
      return expected.some((answer) => {
        const word = normaliseAnswer(answer);
        return word !== '' && startsWithWord(text, word);
      });
    }
    case 'regex':
      return expected.some((pattern) => compileAnswerPattern(pattern).test(completion));
    default:
      throw new RangeError(`Unknown match mode "${String(mode)}" (expected ${MATCH_MODES.join(', ')}).`);
  }
}
