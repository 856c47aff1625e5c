/**
 * Interpolating a neural model with the ∞-gram (Liu et al. 2024, PAPERS.md §3):
 *   P = λ · P∞ + (1 − λ) · P_neural,
 * with one λ for positions whose ∞-gram estimate is sparse and one for the others, both chosen
 * on validation positions; the gain is reported as Eq. 2,
 *   (PPL_neural − PPL_combined) / (PPL_neural − 1).
 *
 * Positions where P∞ is not a finite number (an empty index: no estimate) use P_neural alone.
 * Perplexity is exp(mean negative natural log-probability); a zero probability makes it Infinity.
 */

export interface InterpolationPositions {
  /** P∞ of the actual token at each position. */
  pInfinity: ArrayLike<number>;
  /** Truthy where the ∞-gram estimate is sparse. */
  sparse: ArrayLike<number | boolean>;
  /** The neural model's probability of the actual token. */
  pNeural: ArrayLike<number>;
}

export interface LambdaTuning {
  lambdaSparse: number;
  lambdaDense: number;
  /** Validation perplexity of the combination at the chosen λs. */
  perplexity: number;
  /** Validation perplexity of the neural model alone (λ = 0 everywhere). */
  neuralPerplexity: number;
  /** Eq. 2 on the validation positions. */
  relativeImprovement: number;
  /** The λ values tried (ascending). */
  grid: number[];
  /** Validation perplexity for each grid λ on sparse positions, dense λ held at its optimum. */
  perplexityBySparseLambda: number[];
  /** Validation perplexity for each grid λ on dense positions, sparse λ held at its optimum. */
  perplexityByDenseLambda: number[];
}

/** 0, 0.01, …, 1: the default grid. */
export const DEFAULT_LAMBDA_GRID: readonly number[] = Array.from({ length: 101 }, (_, k) => k / 100);

export function interpolate(pInfinity: number, pNeural: number, lambda: number): number {
  return Number.isFinite(pInfinity) ? lambda * pInfinity + (1 - lambda) * pNeural : pNeural;
}

/** exp of the mean negative log of the probabilities. */
export function perplexity(probabilities: ArrayLike<number>): number {
  let negativeLogSum = 0;
  for (let i = 0; i < probabilities.length; i++) negativeLogSum -= Math.log(probabilities[i]);
  return Math.exp(negativeLogSum / probabilities.length);
}

/** Eq. 2: the share of the neural model's excess perplexity (above the perfect 1) removed. */
export function relativeImprovement(neuralPerplexity: number, combinedPerplexity: number): number {
  return (neuralPerplexity - combinedPerplexity) / (neuralPerplexity - 1);
}

/** Perplexity of the combination with the given λs. */
export function combinedPerplexity(
  positions: InterpolationPositions,
  lambdaSparse: number,
  lambdaDense: number,
): number {
  checkLengths(positions);
  const { pInfinity, sparse, pNeural } = positions;
  let negativeLogSum = 0;
  for (let i = 0; i < pNeural.length; i++) {
    negativeLogSum -= Math.log(interpolate(pInfinity[i], pNeural[i], sparse[i] ? lambdaSparse : lambdaDense));
  }
  return Math.exp(negativeLogSum / pNeural.length);
}

/**
 * Grid search of λ_sparse and λ_dense on validation positions. The log-likelihood is a sum over
 * positions and each position uses one of the two λs, so the two searches are independent:
 * O(grid · positions), not grid² · positions. Ties keep the smaller λ; the grid should contain 0
 * so the result is never worse than the neural model alone.
 */
export function tuneLambdas(
  positions: InterpolationPositions,
  grid: readonly number[] = DEFAULT_LAMBDA_GRID,
): LambdaTuning {
  checkLengths(positions);
  if (grid.length === 0) throw new RangeError('tuneLambdas: the λ grid is empty');
  const sortedGrid = [...grid].sort((a, b) => a - b);
  for (const lambda of sortedGrid) {
    if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`tuneLambdas: λ must lie in [0, 1], got ${lambda}`);
  }
  const m = positions.pNeural.length;
  if (m === 0) throw new RangeError('tuneLambdas: no validation positions');
  const sparseLoss = sortedGrid.map((lambda) => groupNegativeLogSum(positions, true, lambda));
  const denseLoss = sortedGrid.map((lambda) => groupNegativeLogSum(positions, false, lambda));
  const bestSparse = argmin(sparseLoss);
  const bestDense = argmin(denseLoss);
  const toPerplexity = (negativeLogSum: number) => Math.exp(negativeLogSum / m);
  const neuralPerplexity = toPerplexity(
    groupNegativeLogSum(positions, true, 0) + groupNegativeLogSum(positions, false, 0),
  );
  const best = toPerplexity(sparseLoss[bestSparse] + denseLoss[bestDense]);
  return {
    lambdaSparse: sortedGrid[bestSparse],
    lambdaDense: sortedGrid[bestDense],
    perplexity: best,
    neuralPerplexity,
    relativeImprovement: relativeImprovement(neuralPerplexity, best),
    grid: sortedGrid,
    perplexityBySparseLambda: sparseLoss.map((loss) => toPerplexity(loss + denseLoss[bestDense])),
    perplexityByDenseLambda: denseLoss.map((loss) => toPerplexity(sparseLoss[bestSparse] + loss)),
  };
}

/** −Σ log P over the sparse (or the dense) positions with one λ. */
function groupNegativeLogSum(positions: InterpolationPositions, sparseGroup: boolean, lambda: number): number {
  const { pInfinity, sparse, pNeural } = positions;
  let sum = 0;
  for (let i = 0; i < pNeural.length; i++) {
    if (Boolean(sparse[i]) === sparseGroup) sum -= Math.log(interpolate(pInfinity[i], pNeural[i], lambda));
  }
  return sum;
}

/** Index of the smallest value; the first one on ties (NaN never wins). */
function argmin(values: number[]): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] < values[best]) best = k;
  return best;
}

function checkLengths({ pInfinity, sparse, pNeural }: InterpolationPositions): void {
  if (pInfinity.length !== pNeural.length || sparse.length !== pNeural.length) {
    throw new RangeError(
      `interpolation: ${pInfinity.length} P∞, ${sparse.length} sparse flags and ${pNeural.length} P_neural differ in length`,
    );
  }
}
