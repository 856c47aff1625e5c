/**
 * Softmax and log-softmax over a vocabulary of logits, in float64 with log-sum-exp.
 *
 * Logits arrive as a `Float32Array` from the model; every intermediate here is float64,
 * because summing ~150k float32 exponentials drifts. `-Infinity` logits (masked tokens)
 * get probability exactly 0 and log-probability `-Infinity`.
 */

/** Logits or scores over the vocabulary: a `Float32Array` from the model, or any numbers. */
export type Scores = ArrayLike<number>;

/**
 * Throws unless `temperature` is a finite number > 0. Temperature 0 is not a limit this
 * code approximates: greedy decoding is a separate choice (`greedyToken`).
 */
export function assertTemperature(temperature: number): void {
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new RangeError(
      `temperature must be a finite number > 0 (got ${temperature}); for temperature 0 use greedyToken (argmax) instead`,
    );
  }
}

/** The largest logit; throws on an empty vocabulary, NaN, +Infinity, or all logits -Infinity. */
export function maxLogit(logits: Scores): number {
  if (logits.length === 0) throw new RangeError('logits are empty');
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    if (z !== z || z === Infinity) throw new RangeError(`logit ${i} is ${z}: logits must be finite or -Infinity`);
    if (z > max) max = z;
  }
  if (max === -Infinity) throw new RangeError('every logit is -Infinity: no token has any probability');
  return max;
}

/**
 * Natural-log sum of exp(logit / temperature), computed as max/T + log Σ exp((z − max)/T).
 *
 * @example
 * logSumExp(new Float32Array([0, 0])); // ln 2 ≈ 0.6931
 */
export function logSumExp(logits: Scores, temperature = 1): number {
  assertTemperature(temperature);
  const max = maxLogit(logits);
  return max / temperature + Math.log(sumShiftedExp(logits, max, temperature));
}

/** Σ exp((z − max)/T); the largest term is exactly 1, so the sum is in [1, V]. */
function sumShiftedExp(logits: Scores, max: number, temperature: number): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] - max) / temperature);
  return sum;
}

/**
 * Log-probabilities (natural log) of softmax(logits / temperature), in float64.
 * `-Infinity` logits give `-Infinity`. Throws on temperature ≤ 0, NaN or +Infinity logits.
 *
 * @example
 * logSoftmax(new Float32Array([0, 0, -Infinity])); // [-ln 2, -ln 2, -Infinity]
 */
export function logSoftmax(logits: Scores, temperature = 1): Float64Array {
  assertTemperature(temperature);
  const max = maxLogit(logits);
  const logSum = Math.log(sumShiftedExp(logits, max, temperature));
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i] - max) / temperature - logSum;
  return out;
}

/**
 * Probabilities softmax(logits / temperature) in [0, 1], in float64, summing to 1 up to
 * rounding. `-Infinity` logits give exactly 0. Throws on temperature ≤ 0.
 *
 * @example
 * softmax(new Float32Array([Math.log(3), 0])); // ≈ [0.75, 0.25]
 * softmax(new Float32Array([1, 2]), 0.01); // ≈ [3.7e-44, 1]
 */
export function softmax(logits: Scores, temperature = 1): Float64Array {
  assertTemperature(temperature);
  const max = maxLogit(logits);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}
