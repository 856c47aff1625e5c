/**
 * Ground truth without GPT-4o (docs/PAPERS.md section 1, browser version, point 3): a list of
 * acceptable answers typed by the user, matched on a normalised string.
 */

/** Lower case, NFKC, outer quotes, punctuation and whitespace trimmed, inner whitespace collapsed. */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s"'“”‘’.,;:!?()[\]]+|[\s"'“”‘’.,;:!?()[\]]+$/g, '');
}

/** The acceptable answers from a text box: one per line or comma-separated, normalised, empty ones dropped, no duplicates. */
export function parseAnswerList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]/)
        .map(normaliseAnswer)
        .filter((a) => a !== ''),
    ),
  ];
}

/** Whether a whole answer is acceptable: equal to an acceptable answer after normalisation. */
export function isAcceptableAnswer(answer: string, acceptable: readonly string[]): boolean {
  const normalised = normaliseAnswer(answer);
  return normalised !== '' && acceptable.includes(normalised);
}

/**
 * Whether a first token can begin an acceptable answer: its normalised text is a non-empty
 * prefix of one. An approximation of the paper, which expands every first token greedily
 * into a full answer before judging it.
 *
 * @example
 * canStartAcceptable(' Kor', ['korea', 'japan']); // true
 * canStartAcceptable(' the', ['korea', 'japan']); // false
 */
export function canStartAcceptable(tokenText: string, acceptable: readonly string[]): boolean {
  const prefix = normaliseAnswer(tokenText);
  return prefix !== '' && acceptable.some((answer) => answer.startsWith(prefix));
}
