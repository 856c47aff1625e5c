/**
 * The bigram view's per-position comparison (compare.ts) as one small ONNX graph, so the
 * heavy part — two softmaxes over the vocabulary, KL and JS at every position — runs as
 * batched float32 maths in ONNX Runtime (both cores, SIMD) instead of JavaScript loops
 * (~0.25 s of Math.exp and Math.log for 1,000 positions at an 8k vocabulary).
 *
 * Per position i of a run, with full-context logits `full[i]` and the context-1 logits
 * `rows[rowOf[i]]` of its token (each distinct token's row is fed and normalised once):
 * - `klNats[i]` = Σ_t p(t) (ln p(t) − ln q(t)), p = softmax(full[i]), q = softmax(rows[rowOf[i]]);
 * - `jsNats[i]` = ½ Σ_t p (ln p − ln m) + q (ln q − ln m), m = (p + q)/2 (no cancellation near 0);
 * - `fullNextLogProb[i]`, `bigramNextLogProb[i]` = ln p(next), ln q(next).
 * Top-1 and ranks stay in JavaScript (`scanRow`): they only compare logits, exactly.
 * compare.ts's float64 `compareStretch` is the reference these are tested against.
 *
 * Log-probabilities come from LogSoftmax, never from the log of a float32 probability, so a
 * probability that underflows float32 only drops a term below 1e-37. Where both p and q of a
 * token underflow (a log-probability under ~−87 nats in both rows), or a logit is not finite
 * (a masked −Infinity token, NaN), the outputs are NaN: `graphOutputsFinite` then sends the
 * positions to the float64 JavaScript.
 */
import type { GraphSpec } from '../onnx/graphWriter';
import type { BigramPositionComparison } from './compare';

export const BIGRAM_COMPARE_GRAPH = {
  full: 'full', // float [n, V]: full-context logits per position
  rows: 'rows', // float [u, V]: context-1 logits of the run's distinct tokens
  rowOf: 'row_of', // int64 [n]: the row of `rows` each position compares with
  next: 'next', // int64 [n, 1]: the next token (any id where there is none)
  klNats: 'kl_nats', // float [n]
  jsNats: 'js_nats', // float [n]
  fullNextLogProb: 'full_next_log_prob', // float [n, 1]
  bigramNextLogProb: 'bigram_next_log_prob', // float [n, 1]
} as const;

export function bigramCompareGraphSpec(vocabSize: number): GraphSpec {
  const g = BIGRAM_COMPARE_GRAPH;
  const V = vocabSize;
  const sumLast = { keepdims: 0 };
  return {
    name: 'tokenscope_bigram_compare',
    inputs: [
      { name: g.full, type: 'float', shape: ['positions', V] },
      { name: g.rows, type: 'float', shape: ['tokens', V] },
      { name: g.rowOf, type: 'int64', shape: ['positions'] },
      { name: g.next, type: 'int64', shape: ['positions', 1] },
    ],
    outputs: [
      { name: g.klNats, type: 'float', shape: ['positions'] },
      { name: g.jsNats, type: 'float', shape: ['positions'] },
      { name: g.fullNextLogProb, type: 'float', shape: ['positions', 1] },
      { name: g.bigramNextLogProb, type: 'float', shape: ['positions', 1] },
    ],
    initializers: [
      { name: 'last_axis', dims: [1], values: BigInt64Array.from([-1n]) },
      { name: 'half', dims: [], values: Float32Array.from([0.5]) },
    ],
    nodes: [
      { op: 'LogSoftmax', inputs: [g.full], outputs: ['log_p'], attributes: { axis: -1 } },
      { op: 'LogSoftmax', inputs: [g.rows], outputs: ['row_log_q'], attributes: { axis: -1 } },
      { op: 'Gather', inputs: ['row_log_q', g.rowOf], outputs: ['log_q'], attributes: { axis: 0 } },
      { op: 'Exp', inputs: ['log_p'], outputs: ['p'] },
      { op: 'Exp', inputs: ['log_q'], outputs: ['q'] },
      { op: 'Sub', inputs: ['log_p', 'log_q'], outputs: ['log_ratio'] },
      { op: 'Mul', inputs: ['p', 'log_ratio'], outputs: ['kl_terms'] },
      { op: 'ReduceSum', inputs: ['kl_terms', 'last_axis'], outputs: [g.klNats], attributes: sumLast },
      { op: 'Add', inputs: ['p', 'q'], outputs: ['p_plus_q'] },
      { op: 'Mul', inputs: ['p_plus_q', 'half'], outputs: ['m'] },
      { op: 'Log', inputs: ['m'], outputs: ['log_m'] },
      { op: 'Sub', inputs: ['log_p', 'log_m'], outputs: ['p_over_m'] },
      { op: 'Sub', inputs: ['log_q', 'log_m'], outputs: ['q_over_m'] },
      { op: 'Mul', inputs: ['p', 'p_over_m'], outputs: ['p_terms'] },
      { op: 'Mul', inputs: ['q', 'q_over_m'], outputs: ['q_terms'] },
      { op: 'Add', inputs: ['p_terms', 'q_terms'], outputs: ['js_terms'] },
      { op: 'ReduceSum', inputs: ['js_terms', 'last_axis'], outputs: ['js_twice'], attributes: sumLast },
      { op: 'Mul', inputs: ['js_twice', 'half'], outputs: [g.jsNats] },
      { op: 'GatherElements', inputs: ['log_p', g.next], outputs: [g.fullNextLogProb], attributes: { axis: 1 } },
      { op: 'GatherElements', inputs: ['log_q', g.next], outputs: [g.bigramNextLogProb], attributes: { axis: 1 } },
    ],
  };
}

/** What the comparison needs of a row besides its softmax: exact, from the logits alone. */
export interface RowScan {
  /** The first index of the largest logit (topNIndices' order). */
  top1: number;
  /** Tokens with a logit strictly above the next token's (its rank − 1); 0 without a next token. */
  above: number;
}

/** One pass over a row: top-1 and the next token's rank, as topNIndices and tokenRank give them. */
export function scanRow(logits: ArrayLike<number>, nextTokenId: number | null): RowScan {
  const threshold = nextTokenId === null ? Infinity : logits[nextTokenId];
  let max = -Infinity;
  let top1 = 0;
  let above = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    if (z > max) {
      max = z;
      top1 = i;
    }
    if (z > threshold) above++;
  }
  return { top1, above };
}

/** True when every value of the graph's outputs is finite (none came from an underflow or a masked token). */
export function graphOutputsFinite(...outputs: readonly Float32Array[]): boolean {
  for (const values of outputs) for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** One position's comparison from the graph's float32 outputs and the two rows' scans. */
export function comparisonFromGraph(
  position: number,
  tokenId: number,
  nextTokenId: number | null,
  full: RowScan,
  bigram: RowScan,
  outputs: { klNats: number; jsNats: number; fullNextLogProb: number; bigramNextLogProb: number },
): BigramPositionComparison {
  const hasNext = nextTokenId !== null;
  // Float32 rounding can leave −1e-8 where the rows are equal; both divergences are ≥ 0.
  const jsNats = Math.min(Math.LN2, Math.max(0, outputs.jsNats));
  return {
    position,
    tokenId,
    nextTokenId,
    klNats: Math.max(0, outputs.klNats),
    jsNats,
    bigramness: Math.min(1, Math.max(0, 1 - jsNats / Math.LN2)),
    top1Full: full.top1,
    top1Bigram: bigram.top1,
    top1Agrees: full.top1 === bigram.top1,
    nextRankFull: hasNext ? full.above + 1 : null,
    nextRankBigram: hasNext ? bigram.above + 1 : null,
    nextProbabilityFull: hasNext ? Math.exp(outputs.fullNextLogProb) : null,
    nextProbabilityBigram: hasNext ? Math.exp(outputs.bigramNextLogProb) : null,
  };
}
