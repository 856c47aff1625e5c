/**
 * The benchmark's text: a held-out State of the Union address (test split), so the figures
 * use real prose rather than a repeated sentence. Deterministic.
 */
import { readAddresses, splitOf } from '../corpus/corpus';

/** The first test-split address with at least `minChars` characters. */
export function benchmarkText(minChars = 14_000): { id: string; text: string } {
  const addresses = readAddresses();
  const pick = addresses.find((doc, i) => splitOf(i) === 'test' && doc.text.length >= minChars);
  if (!pick) throw new Error(`No test-split address has ${minChars} characters.`);
  return { id: pick.id, text: pick.text };
}
