/**
 * The model's own bigram prediction (only the current token as context, after the start
 * token) against its full-context prediction, position by position, and a summary over a text.
 */
import { tokenRank } from '../distribution';

/** One position of a text: the prediction made after token `tokenId`. */
export interface BigramPositionComparison {
  /** Index of the token the predictions are made after (0-based in the text). */
  position: number;
  tokenId: number;
  /** The token that follows in the text, or null at the end. */
  nextTokenId: number | null;
  /** KL(full ‖ bigram) in nats: what the full context adds over the current token alone. */
  klNats: number;
  /** Jensen–Shannon divergence in nats, in [0, ln 2]. */
  jsNats: number;
  /** "How bigram": 1 − JS / ln 2, in [0, 1]; 1 means the context changed nothing. */
  bigramness: number;
  top1Full: number;
  top1Bigram: number;
  top1Agrees: boolean;
  /** 1-based ranks of the actual next token (null at the end of the text). */
  nextRankFull: number | null;
  nextRankBigram: number | null;
  /** Probability of the actual next token under each (null at the end). */
  nextProbabilityFull: number | null;
  nextProbabilityBigram: number | null;
}

/** A row of logits with its softmax in float64: a context-1 row is prepared once per distinct token. */
export interface PreparedRow {
  logits: ArrayLike<number>;
  /** softmax(logits), exactly as core/distribution's softmax computes it. */
  probabilities: Float64Array;
  /** ln Σ exp(z): ln p(t) = z_t − logNorm, without a Math.log per token. */
  logNorm: number;
  /** The first index of the largest logit (topNIndices' order: ties go to the lower id). */
  top1: number;
  /** Some probability is below 1e-300 (masked or underflowing): comparisons take the guarded loop. */
  hasTiny: boolean;
}

/**
 * Prepares a row for `comparePrepared`: one pass for the maximum, one for the exponentials,
 * one to normalise. Throws as softmax does on an empty row, NaN or +Infinity logits, or a row
 * of -Infinity. `into` (at least as long as the row) saves an allocation per row.
 */
export function prepareRow(logits: ArrayLike<number>, into?: Float64Array): PreparedRow {
  const n = logits.length;
  if (n === 0) throw new RangeError('logits are empty');
  if (into && into.length < n) throw new RangeError(`the buffer holds ${into.length} values, the row has ${n}`);
  let max = -Infinity;
  let top1 = 0;
  for (let i = 0; i < n; i++) {
    if (logits[i] > max) {
      max = logits[i];
      top1 = i;
    }
  }
  const probabilities = into ?? new Float64Array(n);
  let sum = 0;
  let hasTiny = false;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[i] - max);
    probabilities[i] = e;
    sum += e;
    if (e < 1e-300) hasTiny = true; // p may round to 0 below this
  }
  // A NaN or +Infinity logit, or a row of -Infinity, leaves a NaN sum: say which logit, as maxLogit does.
  if (sum !== sum) throw invalidLogits(logits);
  for (let i = 0; i < n; i++) probabilities[i] /= sum;
  return { logits, probabilities, logNorm: max + Math.log(sum), top1, hasTiny };
}

function invalidLogits(logits: ArrayLike<number>): RangeError {
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    if (z !== z || z === Infinity) return new RangeError(`logit ${i} is ${z}: logits must be finite or -Infinity`);
  }
  return new RangeError('every logit is -Infinity: no token has any probability');
}

/**
 * Compares two prepared rows at one position. The same float64 maths as softmax +
 * klDivergenceNats + jensenShannonNats + topNIndices + tokenRank (core/distribution), with
 * ln p and ln q taken from the log-sum-exp rather than a Math.log per probability: one
 * Math.log per token (for ln m) instead of five; comparing a 1,000-token text took ~0.7 s.
 */
export function comparePrepared(
  position: number,
  tokenId: number,
  nextTokenId: number | null,
  full: PreparedRow,
  bigram: PreparedRow,
): BigramPositionComparison {
  const n = full.logits.length;
  if (n !== bigram.logits.length)
    throw new RangeError(`full (${n}) and bigram (${bigram.logits.length}) rows differ in length`);
  const hasNext = nextTokenId !== null;
  if (hasNext && !(Number.isInteger(nextTokenId) && nextTokenId >= 0 && nextTokenId < n))
    throw new RangeError(`token id ${nextTokenId} is outside the vocabulary [0, ${n})`);
  const fullLogits = full.logits;
  const bigramLogits = bigram.logits;
  const p = full.probabilities;
  const q = bigram.probabilities;
  const logNormFull = full.logNorm;
  const logNormBigram = bigram.logNorm;
  // KL(full ‖ bigram) = Σ p (ln p − ln q); JS = ½ Σ p (ln p − ln m) + q (ln q − ln m), m = (p + q)/2.
  let klNats = 0;
  let js = 0;
  if (!full.hasTiny && !bigram.hasTiny) {
    // Every p and q > 0 (the usual case): no branches in the loop.
    for (let i = 0; i < n; i++) {
      const logP = fullLogits[i] - logNormFull;
      const logQ = bigramLogits[i] - logNormBigram;
      const logM = Math.log(0.5 * (p[i] + q[i]));
      klNats += p[i] * (logP - logQ);
      js += p[i] * (logP - logM) + q[i] * (logQ - logM);
    }
  } else {
    // Zero probabilities: their terms are 0, and KL is Infinity where q = 0 < p.
    for (let i = 0; i < n; i++) {
      const pi = p[i];
      const qi = q[i];
      if (pi === 0 && qi === 0) continue;
      const logM = Math.log(0.5 * (pi + qi));
      if (pi > 0) {
        const logP = fullLogits[i] - logNormFull;
        klNats += qi > 0 ? pi * (logP - (bigramLogits[i] - logNormBigram)) : Infinity;
        js += pi * (logP - logM);
      }
      if (qi > 0) js += qi * (bigramLogits[i] - logNormBigram - logM);
    }
  }
  const jsNats = Math.max(0, 0.5 * js); // rounding can leave −1e-17 for near-identical inputs
  return {
    position,
    tokenId,
    nextTokenId,
    klNats,
    jsNats,
    bigramness: Math.min(1, Math.max(0, 1 - jsNats / Math.LN2)),
    top1Full: full.top1,
    top1Bigram: bigram.top1,
    top1Agrees: full.top1 === bigram.top1,
    nextRankFull: hasNext ? tokenRank(fullLogits, nextTokenId) : null,
    nextRankBigram: hasNext ? tokenRank(bigramLogits, nextTokenId) : null,
    nextProbabilityFull: hasNext ? p[nextTokenId] : null,
    nextProbabilityBigram: hasNext ? q[nextTokenId] : null,
  };
}

/**
 * Compares the full-context logits with the context-1 logits at one position.
 *
 * @example
 * comparePosition(0, 5, 7, fullLogits, bigramLogits).bigramness; // 1 when the two are equal
 */
export function comparePosition(
  position: number,
  tokenId: number,
  nextTokenId: number | null,
  fullLogits: ArrayLike<number>,
  bigramLogits: ArrayLike<number>,
): BigramPositionComparison {
  if (fullLogits.length !== bigramLogits.length)
    throw new RangeError(`full (${fullLogits.length}) and bigram (${bigramLogits.length}) rows differ in length`);
  return comparePrepared(position, tokenId, nextTokenId, prepareRow(fullLogits), prepareRow(bigramLogits));
}

/**
 * Compares positions [from, to) of a text: `fullRow(p)` is the full-context logits after
 * token p, `bigramRow(id)` the context-1 logits of token id. Each distinct token's context-1
 * row is prepared once (a text of 1,000 tokens has ~450 distinct ones), and one buffer serves
 * every full row. Rows come back in position order.
 */
export function compareStretch(
  ids: readonly number[],
  from: number,
  to: number,
  fullRow: (position: number) => ArrayLike<number>,
  bigramRow: (tokenId: number) => ArrayLike<number>,
): BigramPositionComparison[] {
  const positionsOf = new Map<number, number[]>();
  for (let p = from; p < to; p++) {
    const list = positionsOf.get(ids[p]);
    if (list) list.push(p);
    else positionsOf.set(ids[p], [p]);
  }
  const rows = new Array<BigramPositionComparison>(to - from);
  let buffer: Float64Array | null = null;
  for (const [tokenId, positions] of positionsOf) {
    const bigram = prepareRow(bigramRow(tokenId));
    for (const p of positions) {
      const logits = fullRow(p);
      buffer ??= new Float64Array(logits.length);
      const full = prepareRow(logits, buffer);
      rows[p - from] = comparePrepared(p, tokenId, p + 1 < ids.length ? ids[p + 1] : null, full, bigram);
    }
  }
  return rows;
}

/** A text's positions, summarised. */
export interface BigramSummary {
  positions: number;
  meanKlNats: number;
  meanJsNats: number;
  meanBigramness: number;
  /** Share of positions where the top-1 tokens agree, in [0, 1]. */
  top1AgreementRate: number;
  /** Share of positions with bigramness ≥ threshold ("predicted almost from the current token alone"). */
  nearlyBigramRate: number;
  nearlyBigramThreshold: number;
  /** Share of scored positions where the actual next token is rank 1 under each. */
  nextTop1RateFull: number;
  nextTop1RateBigram: number;
  /** Mean surprisal (bits) of the actual next tokens under each, over positions with a next token. */
  meanSurprisalBitsFull: number;
  meanSurprisalBitsBigram: number;
}

/** Bigramness at or above this counts as "almost from the current token alone" (JS ≤ 0.1 ln 2). */
export const NEARLY_BIGRAM_THRESHOLD = 0.9;

export function summarizeBigram(
  rows: readonly BigramPositionComparison[],
  nearlyBigramThreshold = NEARLY_BIGRAM_THRESHOLD,
): BigramSummary {
  const n = rows.length;
  const mean = (values: number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : NaN);
  const scored = rows.filter((r) => r.nextTokenId !== null);
  return {
    positions: n,
    meanKlNats: mean(rows.map((r) => r.klNats)),
    meanJsNats: mean(rows.map((r) => r.jsNats)),
    meanBigramness: mean(rows.map((r) => r.bigramness)),
    top1AgreementRate: mean(rows.map((r) => (r.top1Agrees ? 1 : 0))),
    nearlyBigramRate: mean(rows.map((r) => (r.bigramness >= nearlyBigramThreshold ? 1 : 0))),
    nearlyBigramThreshold,
    nextTop1RateFull: mean(scored.map((r) => (r.nextRankFull === 1 ? 1 : 0))),
    nextTop1RateBigram: mean(scored.map((r) => (r.nextRankBigram === 1 ? 1 : 0))),
    meanSurprisalBitsFull: mean(scored.map((r) => -Math.log2(r.nextProbabilityFull!))),
    meanSurprisalBitsBigram: mean(scored.map((r) => -Math.log2(r.nextProbabilityBigram!))),
  };
}
