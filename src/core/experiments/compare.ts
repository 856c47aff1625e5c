/**
 * Two experiments side by side, or a saved experiment against a re-run of it. Same tokens:
 * per-position differences. Different texts or tokenizations: summaries only, per byte and
 * not per token, since per-token surprisal is not comparable across tokenizers. The
 * distributions both sides kept at the same position are compared candidate by candidate.
 */
import type { Experiment } from './schema';
import { sameIds } from '../context/tokenPrefix';

type Results = NonNullable<Experiment['results']>;
type DistributionSnapshot = Results['distributions'][number];

/** One side: what a saved record (or a fresh re-run shaped like one) holds. */
export interface ComparedSide {
  name: string;
  modelId: string;
  text: string;
  results: Results | null;
}

export interface SideSummary {
  tokens: number;
  textBytes: number;
  /** Sum of surprisal over the positions that have one (bits). */
  totalSurprisalBits: number;
  bitsPerToken: number;
  /** Total surprisal over the text's UTF-8 bytes: comparable across tokenizers. */
  bitsPerByte: number;
  meanEntropyNats: number | null;
  /** Share of positions where the actual token was the top-1 candidate. */
  top1Share: number | null;
}

export interface PositionDifference {
  position: number;
  tokenText: string;
  surprisalBitsA: number | null;
  surprisalBitsB: number | null;
  /** B − A (bits); null where either side has no value. */
  deltaBits: number | null;
  rankA: number | null;
  rankB: number | null;
}

export interface DistributionDifference {
  position: number;
  /** Every candidate in either side's top list, with its probability on each side (null: not kept there). */
  candidates: { tokenId: number; text: string; probabilityA: number | null; probabilityB: number | null }[];
  /** Largest |pB − pA| over the candidates both sides kept. */
  maxAbsProbabilityDifference: number;
  /** Whether both top lists name the same tokens in the same order. */
  sameOrder: boolean;
}

export type Comparison =
  | {
      kind: 'positions';
      a: SideSummary;
      b: SideSummary;
      rows: PositionDifference[];
      maxAbsDeltaBits: number;
      /** Position of the largest |Δ| (null when no position has both values). */
      largestAt: number | null;
      rankChanges: number;
      distributions: DistributionDifference[];
    }
  | { kind: 'summaries'; a: SideSummary | null; b: SideSummary | null; reason: string };

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

export function summarise(side: ComparedSide): SideSummary | null {
  const results = side.results;
  if (!results) return null;
  const surprisals = (results.metrics.surprisalBits ?? []).filter((v): v is number => v !== null);
  const total = surprisals.reduce((sum, v) => sum + v, 0);
  const entropies = (results.metrics.entropyNats ?? []).filter((v): v is number => v !== null);
  const ranks = (results.metrics.rank ?? []).filter((v): v is number => v !== null);
  const textBytes = utf8Bytes(side.text);
  return {
    tokens: results.tokenIds.length,
    textBytes,
    totalSurprisalBits: total,
    bitsPerToken: surprisals.length ? total / surprisals.length : NaN,
    bitsPerByte: textBytes ? total / textBytes : NaN,
    meanEntropyNats: entropies.length ? entropies.reduce((s, v) => s + v, 0) / entropies.length : null,
    top1Share: ranks.length ? ranks.filter((r) => r === 1).length / ranks.length : null,
  };
}

export function compareDistributions(a: DistributionSnapshot, b: DistributionSnapshot): DistributionDifference {
  const byId = new Map<number, DistributionDifference['candidates'][number]>();
  for (const c of a.top)
    byId.set(c.tokenId, { tokenId: c.tokenId, text: c.text, probabilityA: c.probability, probabilityB: null });
  for (const c of b.top) {
    const known = byId.get(c.tokenId);
    if (known) known.probabilityB = c.probability;
    else byId.set(c.tokenId, { tokenId: c.tokenId, text: c.text, probabilityA: null, probabilityB: c.probability });
  }
  const candidates = [...byId.values()].sort(
    (x, y) => Math.max(y.probabilityA ?? 0, y.probabilityB ?? 0) - Math.max(x.probabilityA ?? 0, x.probabilityB ?? 0),
  );
  let maxAbs = 0;
  for (const c of candidates)
    if (c.probabilityA !== null && c.probabilityB !== null)
      maxAbs = Math.max(maxAbs, Math.abs(c.probabilityB - c.probabilityA));
  const sameOrder = sameIds(
    a.top.map((c) => c.tokenId),
    b.top.map((c) => c.tokenId),
  );
  return { position: a.position, candidates, maxAbsProbabilityDifference: maxAbs, sameOrder };
}

export function compareExperiments(a: ComparedSide, b: ComparedSide): Comparison {
  const summaryA = summarise(a);
  const summaryB = summarise(b);
  if (!a.results || !b.results) {
    return {
      kind: 'summaries',
      a: summaryA,
      b: summaryB,
      reason: `${!a.results ? a.name : b.name} has no saved results (only its inputs).`,
    };
  }
  if (a.text !== b.text)
    return { kind: 'summaries', a: summaryA, b: summaryB, reason: 'The texts differ: compare their summaries.' };
  if (!sameIds(a.results.tokenIds, b.results.tokenIds)) {
    return {
      kind: 'summaries',
      a: summaryA,
      b: summaryB,
      reason:
        'Same text, different tokens (another tokenizer or continuation): compare bits per byte, never per-token surprisal.',
    };
  }
  const bitsA = a.results.metrics.surprisalBits ?? [];
  const bitsB = b.results.metrics.surprisalBits ?? [];
  const rankA = a.results.metrics.rank ?? [];
  const rankB = b.results.metrics.rank ?? [];
  let maxAbsDeltaBits = 0;
  let largestAt: number | null = null;
  let rankChanges = 0;
  const rows = a.results.tokenIds.map((_, position): PositionDifference => {
    const sa = bitsA[position] ?? null;
    const sb = bitsB[position] ?? null;
    const delta = sa !== null && sb !== null ? sb - sa : null;
    if (delta !== null && (largestAt === null || Math.abs(delta) > maxAbsDeltaBits)) {
      maxAbsDeltaBits = Math.abs(delta);
      largestAt = position;
    }
    const ra = rankA[position] ?? null;
    const rb = rankB[position] ?? null;
    if (ra !== null && rb !== null && ra !== rb) rankChanges++;
    return {
      position,
      tokenText: a.results!.tokenTexts[position],
      surprisalBitsA: sa,
      surprisalBitsB: sb,
      deltaBits: delta,
      rankA: ra,
      rankB: rb,
    };
  });
  const distributions = a.results.distributions.flatMap((da) => {
    const db = b.results!.distributions.find((d) => d.position === da.position);
    return db ? [compareDistributions(da, db)] : [];
  });
  return {
    kind: 'positions',
    a: summaryA!,
    b: summaryB!,
    rows,
    maxAbsDeltaBits,
    largestAt,
    rankChanges,
    distributions,
  };
}

/** Tolerances for "the numbers reproduce" across backends and machines (float32 inference). */
export const REPRODUCTION_TOLERANCE = { surprisalBits: 1e-3, probability: 1e-4 } as const;

/**
 * Whether a re-run reproduces a saved experiment: same tokens, every surprisal within
 * 0.001 bits, every candidate both top lists kept within 1e-4 in probability, and no
 * candidate kept by one side only unless it sits at the other list's boundary (a near-tie).
 * Rank changes are reported by the comparison but do not fail on their own.
 */
export function reproduces(comparison: Comparison): { ok: boolean; problems: string[] } {
  if (comparison.kind !== 'positions') return { ok: false, problems: [comparison.reason] };
  const problems: string[] = [];
  if (comparison.maxAbsDeltaBits > REPRODUCTION_TOLERANCE.surprisalBits) {
    problems.push(
      `surprisal differs by up to ${comparison.maxAbsDeltaBits.toExponential(2)} bits (at position ${comparison.largestAt})`,
    );
  }
  for (const d of comparison.distributions) {
    if (d.maxAbsProbabilityDifference > REPRODUCTION_TOLERANCE.probability) {
      problems.push(
        `the distribution at position ${d.position} differs by up to ${d.maxAbsProbabilityDifference.toExponential(2)} in probability`,
      );
    }
    // A candidate in one list only is fine at the boundary (a near-tie swapped in or out).
    const smallestA = Math.min(...d.candidates.flatMap((c) => (c.probabilityA === null ? [] : [c.probabilityA])));
    const smallestB = Math.min(...d.candidates.flatMap((c) => (c.probabilityB === null ? [] : [c.probabilityB])));
    const missing = d.candidates.filter(
      (c) =>
        (c.probabilityA === null && c.probabilityB! > smallestA + REPRODUCTION_TOLERANCE.probability) ||
        (c.probabilityB === null && c.probabilityA! > smallestB + REPRODUCTION_TOLERANCE.probability),
    );
    if (missing.length)
      problems.push(
        `the top candidates at position ${d.position} differ: ${missing.map((c) => JSON.stringify(c.text)).join(', ')}`,
      );
  }
  return { ok: problems.length === 0, problems };
}

/**
 * How the model files of a re-run differ from the saved ones (by SHA-256): one line per
 * file changed, gone or new; empty when they are the same. null when the record kept no
 * hashes (older records), so nothing can be said.
 */
export function modelFileDifferences(
  saved: readonly { path: string; sha256: string }[],
  current: readonly { path: string; sha256: string }[],
): string[] | null {
  if (saved.length === 0 || current.length === 0) return null;
  const now = new Map(current.map((f) => [f.path, f.sha256]));
  const before = new Map(saved.map((f) => [f.path, f.sha256]));
  const lines: string[] = [];
  for (const [path, sha256] of before) {
    if (!now.has(path)) lines.push(`${path} is not among the files loaded now`);
    else if (now.get(path) !== sha256)
      lines.push(`${path} has changed (SHA-256 ${sha256.slice(0, 12)}… → ${now.get(path)!.slice(0, 12)}…)`);
  }
  for (const path of now.keys())
    if (!before.has(path)) lines.push(`${path} was not loaded when the experiment was saved`);
  return lines;
}
