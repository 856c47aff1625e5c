/**
 * UTF-8 decoders for byte-exact text. A TextDecoder drops a leading byte-order mark
 * (EF BB BF) unless `ignoreBOM` is set, so a token, a character or a span of text that
 * starts with U+FEFF would silently lose it. Decoding without `stream` keeps no state
 * between calls, so one shared instance of each is safe.
 */

/** Throws on bytes that are not complete, valid UTF-8. */
export const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes invalid bytes as U+FFFD. */
export const lenientUtf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
