/**
 * The vocabulary sorted by bytes, so that "every token whose bytes start with s" is one
 * contiguous range found by two binary searches (docs/PAPERS.md section 4).
 */

/** Lexicographic order of byte strings (a prefix sorts before its extensions). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Whether `bytes` starts with `prefix`. */
export function startsWithBytes(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export class TokenByteIndex {
  /** Ids with non-empty bytes, sorted by their bytes. */
  private readonly sorted: Int32Array;
  /** The longest token, in bytes. */
  readonly maxLength: number;

  /** @param vocabulary bytes by token id; ids with no bytes (special tokens) are left out */
  constructor(readonly vocabulary: readonly Uint8Array[]) {
    const ids: number[] = [];
    vocabulary.forEach((bytes, id) => {
      if (bytes.length > 0) ids.push(id);
    });
    ids.sort((a, b) => compareBytes(vocabulary[a], vocabulary[b]) || a - b);
    this.sorted = Int32Array.from(ids);
    this.maxLength = ids.reduce((max, id) => Math.max(max, vocabulary[id].length), 0);
  }

  /**
   * Ids of the tokens whose bytes are exactly `bytes` (usually one; SentencePiece with byte
   * fallback has a piece and a `<0xNN>` token for the same single byte).
   */
  withBytes(bytes: Uint8Array): Int32Array {
    const range = this.startingWith(bytes);
    let end = 0;
    // Within the range a token equal to the prefix sorts before its extensions.
    while (end < range.length && this.vocabulary[range[end]].length === bytes.length) end += 1;
    return range.subarray(0, end);
  }

  /** Ids of the tokens whose bytes start with `prefix` (every indexed token for an empty prefix). */
  startingWith(prefix: Uint8Array): Int32Array {
    const { sorted, vocabulary } = this;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(vocabulary[sorted[mid]], prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (startsWithBytes(vocabulary[sorted[mid]], prefix)) lo = mid + 1;
      else hi = mid;
    }
    return sorted.subarray(first, lo);
  }
}
