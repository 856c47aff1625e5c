/**
 * The maths of the next-token lab: softmax in float64, distribution statistics, the
 * sampling pipeline, seeded sampling, per-token metrics (GLTR, PAWN-style) and the
 * decision rules of cautious decoding. Pure TypeScript: no DOM, no Node APIs.
 */

export { assertTemperature, logSoftmax, logSumExp, softmax, type Scores } from './softmax';
export {
  GLTR_DEFAULT_THRESHOLDS,
  entropyBits,
  entropyNats,
  gltrBucket,
  jensenShannonNats,
  klDivergenceNats,
  nthLargest,
  probabilityRelativeToTop,
  surprisalBits,
  surprisalBitsFromLogProb,
  tailMass,
  tokenRank,
  topNEntropyNats,
  topNIndices,
} from './stats';
export {
  DEFAULT_SAMPLING_SETTINGS,
  applyMinP,
  applyTopK,
  applyTopP,
  samplingPipeline,
  type SamplingPipeline,
  type SamplingSettings,
  type SamplingStage,
  type SamplingStageName,
  type StageResult,
} from './sampling';
export { createRng, type Rng, type UniformSource } from './rng';
export { greedyToken, sampleToken } from './sample';
export { positionSeed, sampleNext, type NextTokenChoice, type NextTokenMode } from './sampleNext';
export { tokenMetrics, type TokenMetrics } from './tokenMetrics';
export { logProbRanking, rowStatistics, type LogProbRanking, type RowStatistics } from './rowStatistics';
export {
  CNTP_DEFAULT_SETTINGS,
  CNTP_ENTROPY_EPSILON,
  CNTP_ENTROPY_HIGH_NATS,
  CNTP_ENTROPY_LOW_NATS,
  CNTP_MAX_TRIALS,
  CNTP_MIN_TRIALS,
  CNTP_STOP_TEXTS,
  cautiousEntropyNats,
  cautiousShouldBranch,
  cautiousStopTokenIds,
  cautiousTrialCount,
  chooseTrial,
  isCautiousStopText,
  trialPerplexity,
  type CautiousSettings,
  type CautiousTrialRule,
  type TrialChoice,
} from './cautious';
