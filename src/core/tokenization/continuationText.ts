/**
 * The text that tokens add after a context, decoded together with the context so the tokenizer
 * sees each token where it stands: decoded alone, a SentencePiece token loses its leading space
 * ("▁York" → "York") and a byte-level token that holds part of a character gives U+FFFD.
 *
 * @example
 * continuationText(decode, promptIds, [york, city]) // " York City", not "York" + "City"
 */
export function continuationText(
  decode: (ids: readonly number[]) => string,
  contextIds: readonly number[],
  addedIds: readonly number[],
  contextText = decode(contextIds),
): string {
  const whole = decode([...contextIds, ...addedIds]);
  // A tokenizer that normalizes may not give the context's text back as a prefix of the whole.
  return whole.startsWith(contextText) ? whole.slice(contextText.length) : decode(addedIds);
}
