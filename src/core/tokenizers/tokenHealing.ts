/**
 * Token healing, the usual baseline against tokenization bias (docs/PAPERS.md section 4): back up
 * the prompt's last token, allow only next tokens whose bytes start with the removed bytes,
 * and renormalise. It backs up one token only. Also the naive view in bytes, for comparison
 * with the exact next-byte distribution (byteLemma.ts).
 */
import type { NextTokenLogProbs } from './byteLemma';
import { TokenByteIndex } from './tokenByteIndex';

export interface HealedCandidate {
  id: number;
  /** P(token | context, token starts with the removed bytes), renormalised over the allowed tokens. */
  probability: number;
}

export interface TokenHealingResult {
  /** The prompt without its last token: what the model is conditioned on. */
  contextIds: number[];
  removedId: number;
  removedBytes: Uint8Array;
  /** Allowed tokens with their renormalised probabilities, most probable first (zero-probability tokens left out). */
  candidates: HealedCandidate[];
  /** The probability mass the allowed tokens had before renormalising. */
  allowedMass: number;
  /**
   * The healed next byte: P(b) over the byte right after the removed bytes, from the
   * candidates longer than them, renormalised over those; all 0 when none is longer.
   */
  nextByteProbabilities: Float64Array;
  /** Probability of the candidate that is exactly the removed bytes (it says nothing about the next byte). */
  sameBytesProbability: number;
}

/**
 * Heals the last token of a prompt. Returns null for an empty prompt or when the last token
 * stands for no bytes (a special token): there is nothing to heal.
 */
export function tokenHealing(
  promptIds: readonly number[],
  vocabulary: readonly Uint8Array[],
  lm: NextTokenLogProbs,
  index: TokenByteIndex = new TokenByteIndex(vocabulary),
): TokenHealingResult | null {
  if (promptIds.length === 0) return null;
  const removedId = promptIds[promptIds.length - 1];
  const removedBytes = vocabulary[removedId];
  if (!removedBytes || removedBytes.length === 0) return null;
  const contextIds = promptIds.slice(0, -1);
  const logProbs = lm(contextIds);
  const allowed = index.startingWith(removedBytes);
  let mass = 0;
  const raw: HealedCandidate[] = [];
  for (const id of allowed) {
    const p = Math.exp(logProbs[id]);
    if (p > 0) {
      raw.push({ id, probability: p });
      mass += p;
    }
  }
  const candidates =
    mass > 0
      ? raw
          .map((c) => ({ id: c.id, probability: c.probability / mass }))
          .sort((a, b) => b.probability - a.probability || a.id - b.id)
      : [];
  const nextByteProbabilities = new Float64Array(256);
  let sameBytesProbability = 0;
  let longer = 0;
  for (const c of candidates) {
    const bytes = vocabulary[c.id];
    if (bytes.length === removedBytes.length) sameBytesProbability += c.probability;
    else {
      nextByteProbabilities[bytes[removedBytes.length]] += c.probability;
      longer += c.probability;
    }
  }
  if (longer > 0) for (let b = 0; b < 256; b++) nextByteProbabilities[b] /= longer;
  return {
    contextIds,
    removedId,
    removedBytes,
    candidates,
    allowedMass: mass,
    nextByteProbabilities,
    sameBytesProbability,
  };
}

/**
 * The naive next-byte distribution: the model's next-token distribution after the prompt as
 * tokenized, summed by each token's first byte and renormalised over tokens that have bytes.
 * This is what a tokenized model "says" about the next byte without the lemma's correction.
 */
export function naiveNextByteDistribution(
  logProbs: ArrayLike<number>,
  vocabulary: readonly Uint8Array[],
): Float64Array {
  const out = new Float64Array(256);
  let total = 0;
  for (let id = 0; id < vocabulary.length; id++) {
    const bytes = vocabulary[id];
    if (bytes.length === 0) continue;
    const p = Math.exp(logProbs[id]);
    out[bytes[0]] += p;
    total += p;
  }
  if (total > 0) for (let b = 0; b < 256; b++) out[b] /= total;
  return out;
}
