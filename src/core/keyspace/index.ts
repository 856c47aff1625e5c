/**
 * The vocabulary key space of a language model (docs/PAPERS.md section 1): row-normalised key
 * matrices, exact k-NN by cosine or dot product, PCA for the 2-D key map, keySim of a live
 * prediction and the spurious-correlation split. Pure TypeScript: no DOM, no Node APIs.
 */

export {
  assertKeyMatrix,
  createKeyIndex,
  keyCosine,
  normalizeRows,
  rowVector,
  unitVector,
  type KeyIndex,
  type KeyMatrix,
} from './keyMatrix';
export {
  nearestKeys,
  nearestKeysBatch,
  neighboursOfToken,
  scoreRows,
  type KeyMetric,
  type NearestOptions,
  type Neighbours,
} from './knn';
export { symmetricEigen, topEigenPairs, type EigenPairs, type TopEigenOptions } from './eigen';
export { covariance, pcaOfKeys, projectKeys, type Pca, type PcaOptions } from './pca';
export { keySimProfile, type KeySimCandidate, type KeySimOptions, type KeySimProfile } from './keySim';
export {
  spuriousCorrelationSplit,
  type GroupStats,
  type KeyNeighbourhood,
  type SplitCandidate,
  type SpuriousSplit,
} from './spurious';
export { canStartAcceptable, isAcceptableAnswer, normaliseAnswer, parseAnswerList } from './answers';
export { findTokens, type TokenQuery } from './tokenSearch';
