/** Pearson correlation and the surprisal helpers the bigram-subnetwork paper reports (docs/PAPERS.md section 2). */

/**
 * Pearson r of two equal-length series, in float64. Infinite values are clipped to the
 * largest finite value of their series first (as the paper's code does for surprisals; docs/PAPERS.md section 2 A).
 * NaN when fewer than two points or a series is constant.
 *
 * @example
 * pearson([1, 2, 3], [2, 4, 6]); // 1
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`series differ in length (${x.length} vs ${y.length})`);
  const n = x.length;
  if (n < 2) return NaN;
  const a = clipInfinite(x);
  const b = clipInfinite(y);
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
  }
  meanA /= n;
  meanB /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - meanA;
    const db = b[i] - meanB;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Copies a series with +∞ / −∞ replaced by its largest / smallest finite value. */
export function clipInfinite(values: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === Infinity ? max : v === -Infinity ? min : v;
  }
  return out;
}
