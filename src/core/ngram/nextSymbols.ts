/**
 * The symbols that follow a context, read off a suffix-array range.
 *
 * Inside the range [lo, hi) of a context of length `depth`, the next symbol
 * text[sa[r] + depth] is non-decreasing in r, so the distinct next symbols form runs. We find
 * the runs by divide and conquer, as the infini-gram engine does (`_get_freq_by_token_id_approx`):
 * a segment whose first and last next symbols agree is one run, counted without reading its
 * inside; otherwise it is halved. That reads O(D · log(range)) entries for D distinct symbols.
 *
 * Above `maxSupport` the engine samples instead (PAPERS.md §3 "ntd"): with `unit` the smallest
 * power of 2 with count ≤ unit · maxSupport, a segment shorter than 4 · unit is cut into blocks of
 * `unit` ranks, and each block's whole size goes to the symbol at its middle. The counts still
 * sum to the range size exactly; only their split between neighbouring runs is approximate.
 * With unit = 1 every block is one rank, so the same walk is exact.
 */

export interface SymbolRuns {
  /** Distinct next symbols, ascending. */
  symbols: number[];
  /** counts[k]: how many ranks (estimated when unit > 1) have symbols[k] next. Sums to hi − lo. */
  counts: number[];
}

export function collectNextSymbols(
  text: Uint32Array,
  sa: Int32Array,
  lo: number,
  hi: number,
  depth: number,
  unit: number,
): SymbolRuns {
  const symbols: number[] = [];
  const counts: number[] = [];
  // Segments are processed left to right, so symbols arrive in ascending order and a repeat
  // can only be the last one seen.
  const add = (symbol: number, count: number) => {
    const last = symbols.length - 1;
    if (last >= 0 && symbols[last] === symbol) counts[last] += count;
    else {
      symbols.push(symbol);
      counts.push(count);
    }
  };
  const stack = hi > lo ? [lo, hi] : [];
  while (stack.length > 0) {
    const end = stack.pop()!;
    const start = stack.pop()!;
    if (end - start < 4 * unit) {
      for (let rank = start; rank < end; rank += unit) {
        const size = Math.min(unit, end - rank);
        add(text[sa[rank + (size >> 1)] + depth], size);
      }
      continue;
    }
    const first = text[sa[start] + depth];
    if (first === text[sa[end - 1] + depth]) {
      add(first, end - start);
      continue;
    }
    const mid = (start + end) >>> 1;
    // Push the right half first so the left half is popped (and reported) first.
    stack.push(mid, end, start, mid);
  }
  return { symbols, counts };
}

/**
 * The most frequent next symbol that is at least `minSymbol` (ties: the smallest symbol), or −1
 * when the range has none. Exact.
 *
 * Runs come in ascending symbol order, so a later run must be strictly longer than the best so
 * far to win. Any run longer than `bestCount` that starts at or after `end` (the end of the last
 * run examined) covers rank end + bestCount, so we probe only there and skip the short runs in
 * between: O((range / bestCount + 1) · log n) reads instead of one walk over every distinct symbol.
 */
export function mostFrequentNextSymbol(
  text: Uint32Array,
  sa: Int32Array,
  lo: number,
  hi: number,
  depth: number,
  minSymbol: number,
): number {
  const symbolAt = (rank: number) => text[sa[rank] + depth];
  let best = -1;
  let bestCount = 0;
  let examinedEnd = lo;
  let probe = lo;
  while (probe < hi) {
    const symbol = symbolAt(probe);
    // The run's start: the first rank in [examinedEnd, probe] holding the symbol.
    let start = examinedEnd;
    let upper = probe;
    while (start < upper) {
      const mid = (start + upper) >>> 1;
      if (symbolAt(mid) < symbol) start = mid + 1;
      else upper = mid;
    }
    // The run's end: gallop from the probe, then bisect.
    let inside = probe;
    let step = 1;
    while (inside + step < hi && symbolAt(inside + step) === symbol) {
      inside += step;
      step *= 2;
    }
    let end = inside + 1;
    let outside = Math.min(inside + step, hi);
    while (end < outside) {
      const mid = (end + outside) >>> 1;
      if (symbolAt(mid) === symbol) end = mid + 1;
      else outside = mid;
    }
    if (symbol >= minSymbol && end - start > bestCount) {
      best = symbol;
      bestCount = end - start;
    }
    examinedEnd = end;
    probe = end + bestCount;
  }
  return best;
}
