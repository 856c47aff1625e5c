/**
 * The spurious-correlation split of Peng et al. (docs/PAPERS.md section 1), adapted: candidates
 * ranked beyond the top K are split into those inside the top-K keys' neighbourhood
 * ("main") and the rest ("other"); with a list of acceptable answers, each group gets its
 * precision (G), mean rank (R) and share of candidates (P). The paper's claim to check:
 * in-neighbourhood mid-ranked tokens are correct less often.
 */

import { nearestKeysBatch } from './knn';
import { rowVector, type KeyIndex } from './keyMatrix';
import type { KeySimProfile } from './keySim';

/**
 * What "in the top-K's key neighbourhood" means:
 * - `keySim`: keySim ≥ `minKeySim` (live, no clustering; docs/PAPERS.md section 1, browser version point 1);
 * - `nearest`: among the `neighbours` nearest keys (cosine) of some top-K key;
 * - `clusters`: in the same cluster as some top-K key (the paper's method, with precomputed cluster ids).
 */
export type KeyNeighbourhood =
  | { kind: 'keySim'; minKeySim: number }
  | { kind: 'nearest'; neighbours: number; index: KeyIndex }
  | { kind: 'clusters'; clusterOf: ArrayLike<number> };

export interface GroupStats {
  tokenIds: number[];
  count: number;
  /** Share of the candidates beyond the top K that fall in this group (P), in [0, 1]. */
  proportion: number;
  /** Acceptable tokens in the group. */
  correct: number;
  /** correct / count (G); null for an empty group. */
  precision: number | null;
  /** Mean 1-based rank (R); null for an empty group. */
  meanRank: number | null;
}

export interface SplitCandidate {
  tokenId: number;
  rank: number;
  inNeighbourhood: boolean;
  acceptable: boolean;
}

export interface SpuriousSplit {
  /** The top K themselves, for reference (proportion is 0: they are not part of the split). */
  top: GroupStats;
  /** Beyond the top K, inside the top-K keys' neighbourhood. */
  main: GroupStats;
  /** Beyond the top K, outside it. */
  other: GroupStats;
  /** Every candidate beyond the top K, in rank order, with its group and correctness. */
  beyondTop: SplitCandidate[];
}

function stats(members: Array<{ tokenId: number; rank: number; acceptable: boolean }>, total: number): GroupStats {
  const correct = members.filter((m) => m.acceptable).length;
  const count = members.length;
  return {
    tokenIds: members.map((m) => m.tokenId),
    count,
    proportion: total > 0 ? count / total : 0,
    correct,
    precision: count > 0 ? correct / count : null,
    meanRank: count > 0 ? members.reduce((s, m) => s + m.rank, 0) / count : null,
  };
}

/** A membership test for the chosen neighbourhood of the profile's top-K keys. */
function neighbourhoodTest(
  profile: KeySimProfile,
  neighbourhood: KeyNeighbourhood,
): (tokenId: number, keySim: number) => boolean {
  const topIds = profile.candidates.slice(0, profile.topK).map((c) => c.tokenId);
  switch (neighbourhood.kind) {
    case 'keySim':
      return (_tokenId, keySim) => keySim >= neighbourhood.minKeySim;
    case 'clusters': {
      const main = new Set(topIds.map((id) => neighbourhood.clusterOf[id]));
      return (tokenId) => main.has(neighbourhood.clusterOf[tokenId]);
    }
    case 'nearest': {
      const { index, neighbours } = neighbourhood;
      const near = new Set<number>();
      const queries = topIds.map((id) => rowVector(index.keys, id));
      nearestKeysBatch(index, queries, neighbours + 1, { metric: 'cosine' }).forEach((found, j) => {
        // Each top key finds itself among its nearest; one extra leaves `neighbours` others.
        const others = Array.from(found.tokenIds)
          .filter((id) => id !== topIds[j])
          .slice(0, neighbours);
        for (const id of others) near.add(id);
      });
      return (tokenId) => near.has(tokenId);
    }
  }
}

/**
 * Splits the profile's candidates beyond the top K by key neighbourhood and scores each
 * group against the acceptable answers (token ids of acceptable first tokens).
 *
 * @example
 * const split = spuriousCorrelationSplit(profile, acceptableIds, { kind: 'keySim', minKeySim: 0.4 });
 * split.main.precision; split.other.precision; // G_main vs G_other
 */
export function spuriousCorrelationSplit(
  profile: KeySimProfile,
  acceptableTokenIds: Iterable<number>,
  neighbourhood: KeyNeighbourhood,
): SpuriousSplit {
  if (
    neighbourhood.kind === 'nearest' &&
    !(Number.isInteger(neighbourhood.neighbours) && neighbourhood.neighbours >= 1)
  ) {
    throw new RangeError(`neighbours must be a positive integer (got ${neighbourhood.neighbours})`);
  }
  const acceptable = new Set(acceptableTokenIds);
  const inside = neighbourhoodTest(profile, neighbourhood);
  const top = profile.candidates
    .slice(0, profile.topK)
    .map((c) => ({ tokenId: c.tokenId, rank: c.rank, acceptable: acceptable.has(c.tokenId) }));
  const beyondTop: SplitCandidate[] = profile.candidates.slice(profile.topK).map((c) => ({
    tokenId: c.tokenId,
    rank: c.rank,
    inNeighbourhood: inside(c.tokenId, c.keySim),
    acceptable: acceptable.has(c.tokenId),
  }));
  const total = beyondTop.length;
  return {
    top: { ...stats(top, 0), proportion: 0 },
    main: stats(
      beyondTop.filter((c) => c.inNeighbourhood),
      total,
    ),
    other: stats(
      beyondTop.filter((c) => !c.inNeighbourhood),
      total,
    ),
    beyondTop,
  };
}
