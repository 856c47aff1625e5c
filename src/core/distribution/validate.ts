/** Argument checks and settings merging shared by the distribution modules; checks throw a RangeError that names the problem. */

/** Throws unless `tokenId` is an integer in [0, vocabularySize). */
export function assertTokenId(vocabularySize: number, tokenId: number): void {
  if (!(Number.isInteger(tokenId) && tokenId >= 0 && tokenId < vocabularySize)) {
    throw new RangeError(`token id ${tokenId} is outside the vocabulary [0, ${vocabularySize})`);
  }
}

/** Throws unless `n` is an integer >= 0. */
export function assertCount(n: number, name = 'n'): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${name} must be an integer >= 0 (got ${n})`);
}

/** Throws unless `value` is a number in [0, 1]. */
export function assertUnitInterval(value: number, name: string): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be a number in [0, 1] (got ${value})`);
}

/** `defaults` overridden by every setting in `overrides` that is not undefined. */
export function withDefaults<T extends object>(defaults: Readonly<T>, overrides: Partial<T>): T {
  const merged: T = { ...defaults } as T;
  for (const key of Object.keys(overrides) as (keyof T)[]) {
    const value = overrides[key];
    if (value !== undefined) merged[key] = value as T[keyof T];
  }
  return merged;
}
