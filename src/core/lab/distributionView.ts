/**
 * Everything the distribution view draws for one logits row under the sampling settings: the
 * top-N candidates (plus the actual token wherever it ranks), each with its probability at
 * temperature 1 and after every stage of the pipeline, the stage that removed it, and the
 * tail mass. Pure and O(V): moving a slider reruns only this, never the model.
 */
import {
  entropyNats,
  logSoftmax,
  samplingPipeline,
  tokenRank,
  topNIndices,
  type SamplingSettings,
  type SamplingStageName,
} from '../distribution';

export const STAGE_NAMES: readonly SamplingStageName[] = ['temperature', 'topK', 'topP', 'minP'];

export interface CandidateRow {
  tokenId: number;
  /** 1-based rank under the logits (ties share the best rank). */
  rank: number;
  /** p at temperature 1. */
  probability: number;
  logProb: number;
  /** p after each stage (temperature, top-k, top-p, min-p); 0 once removed. */
  afterStage: [number, number, number, number];
  /** The stage that removed the token, or null when it survives to the end. */
  removedBy: SamplingStageName | null;
  /** The token that actually came next in the text. */
  isActual: boolean;
  /** Shown only because it is the actual token: it ranks below the top N. */
  beyondTop: boolean;
}

export interface StageSummary {
  name: SamplingStageName;
  active: boolean;
  keptCount: number;
  /** Mass removed, measured in the stage's input. */
  removedProbability: number;
}

export interface DistributionView {
  rows: CandidateRow[];
  /** Tokens not among the rows and their mass at temperature 1 and after each stage. */
  tail: { count: number; probability: number; afterStage: [number, number, number, number] };
  entropyBits: number;
  /** Entropy of the distribution that is sampled from (after every stage). */
  sampledEntropyBits: number;
  stages: StageSummary[];
  vocabSize: number;
}

export function distributionView(
  logits: ArrayLike<number>,
  settings: SamplingSettings,
  topN: number,
  actualTokenId: number | null,
): DistributionView {
  const logProbs = logSoftmax(logits);
  const pipeline = samplingPipeline(logits, settings);
  const ids = Array.from(topNIndices(logProbs, topN));
  const showActual = actualTokenId !== null && !ids.includes(actualTokenId);
  if (showActual) ids.push(actualTokenId);
  const rows = ids.map((tokenId): CandidateRow => {
    const afterStage = pipeline.stages.map((stage) => stage.probabilities[tokenId]) as CandidateRow['afterStage'];
    const removedAt = pipeline.stages.findIndex(
      (stage) => stage.active && stage.probabilities[tokenId] === 0 && stage.name !== 'temperature',
    );
    return {
      tokenId,
      rank: tokenRank(logProbs, tokenId),
      probability: Math.exp(logProbs[tokenId]),
      logProb: logProbs[tokenId],
      afterStage,
      removedBy: removedAt >= 0 && Math.exp(logProbs[tokenId]) > 0 ? STAGE_NAMES[removedAt] : null,
      isActual: tokenId === actualTokenId,
      beyondTop: showActual && tokenId === actualTokenId,
    };
  });
  const shownMass = (pick: (row: CandidateRow) => number) => rows.reduce((sum, row) => sum + pick(row), 0);
  return {
    rows,
    tail: {
      count: logProbs.length - rows.length,
      probability: Math.max(0, 1 - shownMass((r) => r.probability)),
      afterStage: [0, 1, 2, 3].map((s) =>
        Math.max(0, 1 - shownMass((r) => r.afterStage[s])),
      ) as CandidateRow['afterStage'],
    },
    entropyBits: entropyNats(logProbs.map(Math.exp)) / Math.LN2,
    sampledEntropyBits: entropyNats(pipeline.probabilities) / Math.LN2,
    stages: pipeline.stages.map((s) => ({
      name: s.name,
      active: s.active,
      keptCount: s.keptCount,
      removedProbability: s.removedProbability,
    })),
    vocabSize: logProbs.length,
  };
}
