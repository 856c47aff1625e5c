/**
 * Suffix array construction by induced sorting, SA-IS (Nong, Zhang & Chan 2009), the
 * linear-time builder behind the ∞-gram index (PAPERS.md §3, "Construction — SA-IS").
 *
 * The text must end with a unique smallest sentinel 0, as in the paper: every comparison of two
 * suffixes then stops at a difference before the end, and the sentinel is always the last LMS
 * suffix. Memory beyond the output: one byte of L/S type per symbol and two bucket arrays of
 * `alphabetSize` ints per level. The reduced problem lives in the upper half of the output
 * array, so no level allocates a second full-size int array.
 *
 * Recursion: each level at least halves the text (at most one LMS position per two symbols), so
 * the depth is at most log2(length) ≤ 31 frames; the loops inside are all iterative.
 */

const S_TYPE = 1;
const L_TYPE = 0;

/**
 * The suffix array of `text`: `sa[r]` is the start of the r-th smallest suffix.
 *
 * `text` must end with 0, hold 0 nowhere else, and every symbol must be < `alphabetSize` ≤ 2^31.
 * `onProgress` receives fractions in [0, 1], non-decreasing, ending with 1, at the stage
 * boundaries of the top level (about eight calls; the work is synchronous).
 */
export function buildSuffixArray(
  text: Uint32Array,
  alphabetSize: number,
  onProgress?: (fraction: number) => void,
): Int32Array {
  const n = text.length;
  if (!Number.isInteger(alphabetSize) || alphabetSize < 1 || alphabetSize > 2 ** 31) {
    throw new RangeError(`buildSuffixArray: alphabetSize must be an integer in [1, 2^31], got ${alphabetSize}`);
  }
  if (n === 0 || text[n - 1] !== 0) {
    throw new RangeError('buildSuffixArray: the text must end with the sentinel 0');
  }
  if (n > 2 ** 31 - 1)
    throw new RangeError(`buildSuffixArray: ${n} symbols exceed the 2^31 - 1 an Int32Array can index`);
  for (let i = 0; i < n - 1; i++) {
    const symbol = text[i];
    if (symbol === 0) throw new RangeError(`buildSuffixArray: the sentinel 0 occurs at ${i}, before the end`);
    if (symbol >= alphabetSize) {
      throw new RangeError(`buildSuffixArray: symbol ${symbol} at ${i} is not below alphabetSize ${alphabetSize}`);
    }
  }
  onProgress?.(0);
  const sa = new Int32Array(n);
  // Every symbol is < 2^31, so an Int32Array view over the same memory reads the same values
  // without a copy; the recursion then works on Int32Array only (one element kind for V8).
  const symbols = new Int32Array(text.buffer, text.byteOffset, n);
  sais(symbols, sa, alphabetSize, onProgress);
  onProgress?.(1);
  return sa;
}

/** SA-IS on `T` (ending with a unique smallest symbol) into `SA` of the same length. */
function sais(T: Int32Array, SA: Int32Array, K: number, onProgress?: (fraction: number) => void): void {
  const n = T.length;
  if (n === 1) {
    SA[0] = 0;
    return;
  }
  // Suffix types: S if smaller than the next suffix, L if larger. The sentinel is S.
  const types = new Uint8Array(n);
  types[n - 1] = S_TYPE;
  for (let i = n - 2; i >= 0; i--) {
    const a = T[i];
    const b = T[i + 1];
    types[i] = a < b || (a === b && types[i + 1] === S_TYPE) ? S_TYPE : L_TYPE;
  }
  const isLms = (i: number) => i > 0 && types[i] === S_TYPE && types[i - 1] === L_TYPE;
  onProgress?.(0.05);

  const counts = new Int32Array(K);
  for (let i = 0; i < n; i++) counts[T[i]]++;
  const bucket = new Int32Array(K);

  // Stage 1: LMS positions at their bucket ends (any order), then induce: afterwards the LMS
  // substrings (not yet the suffixes) appear in sorted order.
  SA.fill(-1);
  bucketEnds(counts, bucket);
  for (let i = n - 1; i >= 1; i--) if (isLms(i)) SA[--bucket[T[i]]] = i;
  induceL(T, SA, types, counts, bucket);
  onProgress?.(0.2);
  induceS(T, SA, types, counts, bucket);
  onProgress?.(0.35);

  // Gather the sorted LMS positions at the front.
  let n1 = 0;
  for (let i = 0; i < n; i++) if (isLms(SA[i])) SA[n1++] = SA[i];

  // Name the LMS substrings: equal names iff same symbols and types up to the next LMS position.
  // A name goes to slot n1 + pos/2: LMS positions are ≥ 2 apart, so the slots are distinct and
  // n1 ≤ n/2 keeps them inside the array.
  SA.fill(-1, n1);
  let names = 0;
  let previous = -1;
  for (let i = 0; i < n1; i++) {
    const pos = SA[i];
    let differs = previous < 0;
    for (let d = 0; !differs; d++) {
      // The sentinel is unique, so a difference always appears before either runs off the end.
      if (T[pos + d] !== T[previous + d] || types[pos + d] !== types[previous + d]) differs = true;
      else if (d > 0 && (isLms(pos + d) || isLms(previous + d))) break;
    }
    if (differs) {
      names++;
      previous = pos;
    }
    SA[n1 + (pos >> 1)] = names - 1;
  }
  onProgress?.(0.45);
  // Compact the names, in text order, to the end: that is the reduced string s1.
  for (let i = n - 1, j = n - 1; i >= n1; i--) if (SA[i] >= 0) SA[j--] = SA[i];
  const s1 = SA.subarray(n - n1);
  const sa1 = SA.subarray(0, n1);

  // Sort the LMS suffixes: recurse when names repeat, else the names are already the ranks.
  // s1 ends with the sentinel's name 0, unique and smallest, so the recursion's contract holds.
  if (names < n1) sais(s1, sa1, names);
  else for (let i = 0; i < n1; i++) sa1[s1[i]] = i;
  onProgress?.(0.65);

  // Map the reduced ranks back to text positions (s1 is reused as the LMS position list).
  for (let i = 1, j = 0; i < n; i++) if (isLms(i)) s1[j++] = i;
  for (let i = 0; i < n1; i++) sa1[i] = s1[sa1[i]];
  SA.fill(-1, n1);

  // Stage 2: the sorted LMS suffixes at their bucket ends, right to left (each moves right or
  // stays, so nothing unread is overwritten), then induce the L and S suffixes from them.
  bucketEnds(counts, bucket);
  for (let i = n1 - 1; i >= 0; i--) {
    const pos = SA[i];
    SA[i] = -1;
    SA[--bucket[T[pos]]] = pos;
  }
  induceL(T, SA, types, counts, bucket);
  onProgress?.(0.8);
  induceS(T, SA, types, counts, bucket);
}

/** bucket[c] = first slot of symbol c. */
function bucketStarts(counts: Int32Array, bucket: Int32Array): void {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    bucket[c] = sum;
    sum += counts[c];
  }
}

/** bucket[c] = one past the last slot of symbol c. */
function bucketEnds(counts: Int32Array, bucket: Int32Array): void {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    sum += counts[c];
    bucket[c] = sum;
  }
}

/** Left to right: each placed suffix i puts its L-type predecessor i−1 at its bucket's front. */
function induceL(T: Int32Array, SA: Int32Array, types: Uint8Array, counts: Int32Array, bucket: Int32Array): void {
  bucketStarts(counts, bucket);
  const n = T.length;
  for (let i = 0; i < n; i++) {
    const j = SA[i] - 1;
    if (j >= 0 && types[j] === L_TYPE) SA[bucket[T[j]]++] = j;
  }
}

/** Right to left: each placed suffix i puts its S-type predecessor i−1 at its bucket's end. */
function induceS(T: Int32Array, SA: Int32Array, types: Uint8Array, counts: Int32Array, bucket: Int32Array): void {
  bucketEnds(counts, bucket);
  for (let i = T.length - 1; i >= 0; i--) {
    const j = SA[i] - 1;
    if (j >= 0 && types[j] === S_TYPE) SA[--bucket[T[j]]] = j;
  }
}
