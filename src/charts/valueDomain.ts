/**
 * A y domain for a chart's values that always spans something: [min, max] with 0 included, and
 * [v, v + 1] when every value is the same. A zero-width domain widened by a tiny epsilon would
 * print floating-point noise on the axis (ticks at 2e-10, or "0.00" four times).
 */
export function valueDomain(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  const low = Math.min(0, ...finite);
  const high = Math.max(0, ...finite);
  return high > low ? [low, high] : [low, low + 1];
}
