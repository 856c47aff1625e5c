/**
 * The model's own bigram prediction (only the current token as context, after the start
 * token) against its full-context prediction, position by position, and a summary over a text.
 */
import { jensenShannonNats, klDivergenceNats, softmax, tokenRank, topNIndices } from '../distribution';

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
  const full = softmax(fullLogits);
  const bigram = softmax(bigramLogits);
  const jsNats = jensenShannonNats(full, bigram);
  const top1Full = topNIndices(full, 1)[0];
  const top1Bigram = topNIndices(bigram, 1)[0];
  const hasNext = nextTokenId !== null;
  return {
    position,
    tokenId,
    nextTokenId,
    klNats: klDivergenceNats(full, bigram),
    jsNats,
    bigramness: Math.min(1, Math.max(0, 1 - jsNats / Math.LN2)),
    top1Full,
    top1Bigram,
    top1Agrees: top1Full === top1Bigram,
    nextRankFull: hasNext ? tokenRank(fullLogits, nextTokenId) : null,
    nextRankBigram: hasNext ? tokenRank(bigramLogits, nextTokenId) : null,
    nextProbabilityFull: hasNext ? full[nextTokenId] : null,
    nextProbabilityBigram: hasNext ? bigram[nextTokenId] : null,
  };
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
