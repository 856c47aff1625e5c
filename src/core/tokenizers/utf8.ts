/**
 * UTF-8 structure of byte strings that may stop inside a character: where characters start,
 * whether the bytes so far can still become text, and which byte may come next. The
 * next-byte lemma works on such prefixes (a token may end inside a character), so it needs
 * these answers without decoding.
 */

/** Length of the UTF-8 sequence a lead byte starts, or 0 for a byte that cannot lead one. */
export function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * The bytes allowed right after `lead` in a character: 0x80–0xBF, narrowed after E0, ED, F0 and
 * F4 because UTF-8 has no overlong forms, no surrogates and nothing above U+10FFFF.
 */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

export interface Utf8Scan {
  /** No byte so far rules out every text: the bytes are text, or a prefix of text. */
  valid: boolean;
  /** Bytes still missing to complete the last character (0: the bytes end on a character boundary). */
  pending: number;
  /** Offset where the last, unfinished character starts (bytes.length when pending is 0). */
  charStart: number;
  /** The range the next byte must fall in to continue the unfinished character (null when pending is 0). */
  nextRange: [number, number] | null;
}

/**
 * Scans bytes as UTF-8 that may stop inside a character.
 *
 * @example
 * scanUtf8(Uint8Array.of(0x61, 0xe6, 0x97)) // { valid: true, pending: 1, charStart: 1, nextRange: [0x80, 0xbf] }
 * scanUtf8(Uint8Array.of(0xe6, 0x41))       // valid: false (a character cut short by another)
 */
export function scanUtf8(bytes: Uint8Array): Utf8Scan {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const length = utf8SequenceLength(bytes[i]);
    if (length === 0) return { valid: false, pending: 0, charStart: n, nextRange: null };
    for (let k = 1; k < length; k++) {
      const [lo, hi] = k === 1 ? secondByteRange(bytes[i]) : [0x80, 0xbf];
      if (i + k === n) return { valid: true, pending: length - k, charStart: i, nextRange: [lo, hi] };
      if (bytes[i + k] < lo || bytes[i + k] > hi) return { valid: false, pending: 0, charStart: n, nextRange: null };
    }
    i += length;
  }
  return { valid: true, pending: 0, charStart: n, nextRange: null };
}

/**
 * For each offset 0..n, whether a character starts (or the bytes end) there. Offsets inside a
 * character are false; a byte that cannot be UTF-8 counts as a character of its own, so text
 * that is not UTF-8 still gets boundaries (its encodings are then impossible, not an error).
 */
export function charBoundaries(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  const out = new Uint8Array(n + 1);
  out[0] = 1;
  let i = 0;
  while (i < n) {
    let length = utf8SequenceLength(bytes[i]);
    if (length === 0) length = 1;
    for (let k = 1; k < length && i + k < n; k++) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) {
        length = k;
        break;
      }
    }
    i += length;
    if (i <= n) out[i] = 1;
  }
  return out;
}

/**
 * For each offset 0..n, whether the bytes before it are text: a character boundary with no
 * byte before it that UTF-8 rules out. Offsets inside a character, and every offset after an
 * impossible byte, are false.
 */
export function textPrefixes(bytes: Uint8Array): Uint8Array {
  const out = charBoundaries(bytes);
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes[i]);
    const scan = scanUtf8(bytes.subarray(i, Math.min(bytes.length, i + Math.max(1, length))));
    if (!scan.valid) {
      out.fill(0, i + 1);
      break;
    }
    i += Math.max(1, length);
  }
  return out;
}
