/**
 * keySim (docs/PAPERS.md section 1, browser version): for one next-token distribution, how close
 * each top-N candidate's key sits to the keys of the top-K candidates. A mid-ranked token
 * with a high keySim may be ranked where it is because its key resembles a top key
 * (Peng et al.: "P" at top-1 pulling up "A"–"Z"), not because it fits the context.
 */

import { softmax, topNIndices } from '../distribution';
import { keyCosine, type KeyIndex } from './keyMatrix';

export interface KeySimOptions {
  /** Candidates profiled, by logit (default 100, the paper's N). */
  topN?: number;
  /** The top keys compared against (default 10, the paper's K). */
  topK?: number;
}

export interface KeySimCandidate {
  tokenId: number;
  /** 1-based position in the ranking by logit (ties broken by lower id, as `topNIndices`). */
  rank: number;
  logit: number;
  /** softmax(logits) at temperature 1, in [0, 1]. */
  probability: number;
  /** max over the top-K keys (other than its own) of cos(key, top key), in [-1, 1]. */
  keySim: number;
  /** 1-based rank of the top-K key that attains keySim. */
  nearestTopRank: number;
}

export interface KeySimProfile {
  /** The top-N candidates in rank order. */
  candidates: KeySimCandidate[];
  topK: number;
  /** cos(candidate r, top key j): candidates.length × topK, row-major; 1 on a candidate's own column. */
  similarityToTop: Float64Array;
}

function assertPositiveInteger(value: number, name: string): void {
  if (!(Number.isInteger(value) && value >= 1))
    throw new RangeError(`${name} must be a positive integer (got ${value})`);
}

/**
 * Ranks the vocabulary by `logits`, takes the top N, and gives each candidate its keySim
 * to the top K keys: keySim(r) = max_{j ≤ K, j ≠ r} cos(k_r, k_j). Costs N·K·n_embd plus
 * one softmax over the vocabulary.
 *
 * @example
 * const profile = keySimProfile(logits, index, { topN: 100, topK: 10 });
 * profile.candidates.filter((c) => c.rank > 10 && c.keySim > 0.5); // look-alike mid-ranked keys
 */
export function keySimProfile(logits: ArrayLike<number>, index: KeyIndex, options: KeySimOptions = {}): KeySimProfile {
  const topN = options.topN ?? 100;
  const requestedK = options.topK ?? 10;
  assertPositiveInteger(topN, 'topN');
  assertPositiveInteger(requestedK, 'topK');
  if (logits.length !== index.keys.rows) throw new RangeError(`${logits.length} logits for ${index.keys.rows} keys`);
  const order = topNIndices(logits, topN);
  const topK = Math.min(requestedK, order.length);
  const probabilities = softmax(logits);
  const similarityToTop = new Float64Array(order.length * topK);
  const candidates: KeySimCandidate[] = [];
  for (let r = 0; r < order.length; r++) {
    const tokenId = order[r];
    let keySim = -Infinity;
    let nearestTopRank = 0;
    for (let j = 0; j < topK; j++) {
      const cosine = j === r ? 1 : keyCosine(index, tokenId, order[j]);
      similarityToTop[r * topK + j] = cosine;
      if (j !== r && cosine > keySim) {
        keySim = cosine;
        nearestTopRank = j + 1;
      }
    }
    // With K = 1 the top-1 candidate has no other top key to compare with.
    if (nearestTopRank === 0) keySim = Number.NaN;
    candidates.push({
      tokenId,
      rank: r + 1,
      logit: logits[tokenId],
      probability: probabilities[tokenId],
      keySim,
      nearestTopRank,
    });
  }
  return { candidates, topK, similarityToTop };
}
