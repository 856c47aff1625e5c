/**
 * Checking what a person typed in a form field. An invalid value is never replaced by a
 * default without a word: the check gives the sentence the form shows instead, and the form
 * keeps its action disabled until the value is fixed.
 */

export type FieldCheck<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A whole number from `min` to `max`, or the sentence that says what `label` takes. */
export function checkWholeNumber(text: string, label: string, min: number, max: number): FieldCheck<number> {
  const trimmed = text.trim();
  const range = `a whole number from ${min} to ${max}`;
  if (trimmed === '') return { ok: false, problem: `${label} is empty: type ${range}.` };
  // Number() reads "1e1" and "0x10" too; a person typing a count types digits.
  const value = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(Number.isInteger(value) && value >= min && value <= max))
    return { ok: false, problem: `${label} must be ${range}; “${trimmed}” is not.` };
  return { ok: true, value };
}
