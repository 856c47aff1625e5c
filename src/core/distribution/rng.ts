/**
 * A small seeded PRNG for reproducible sampling (seeded replay in demos and experiments).
 *
 * Generator: mulberry32 (Tommy Ettinger's 32-bit generator, the widely copied JS version).
 * State is one uint32, and the seed is the initial state, so `getState()` can be stored
 * and `createRng(state)` resumes the exact stream. Each step:
 *
 *   state = (state + 0x6D2B79F5) mod 2^32
 *   t = imul(state ^ (state >>> 15), state | 1)
 *   t ^= t + imul(t ^ (t >>> 7), t | 61)
 *   output = (t ^ (t >>> 14)) >>> 0
 *
 * Period 2^32. Not cryptographic. `nextFloat64` uses two outputs for 53 random bits
 * (a >>> 5, b >>> 6; (a·2^26 + b) / 2^53, as MT19937's genrand_res53), so inverse-CDF
 * sampling can reach probabilities far below 2^-32.
 */

/** Anything that yields uniform floats in [0, 1). */
export interface UniformSource {
  nextFloat64(): number;
}

export interface Rng extends UniformSource {
  /** The next 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 53 random bits (consumes two outputs). */
  nextFloat64(): number;
  /** The current state; `createRng(getState())` continues the same stream. */
  getState(): number;
}

/**
 * A mulberry32 generator from a seed, an integer in [0, 2^32).
 *
 * @example
 * const rng = createRng(42);
 * rng.nextUint32(); // 2581720956
 */
export function createRng(seed: number): Rng {
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new RangeError(`seed must be an integer in [0, 2^32) (got ${seed})`);
  }
  let state = seed | 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    nextUint32,
    nextFloat64: () => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992,
    getState: () => state >>> 0,
  };
}
