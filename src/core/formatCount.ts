/**
 * Whole numbers with thousands separators, as in 44,127. One shared formatter: each
 * `toLocaleString('en-US')` call builds a new one, which costs tens of microseconds, too much
 * for the hover text of every chip on screen.
 */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return COUNT_FORMAT.format(value);
}
