/**
 * How often the corpus's ∞-gram and the model agree with the text, by effective n: the
 * infini-gram paper's figure (Liu et al. 2024, figure 3: a histogram of tokens by effective
 * n with the agreement rate over it). A token "agrees" under the paper's rule when the
 * ∞-gram gives the actual token a probability above 0.5; the argmax rule (the ∞-gram's most
 * frequent next token is the actual one) is reported beside it because the paper's wording
 * leaves room for both. Positions are the text's tokens; effective n = suffix length + 1.
 */

export interface AgreementColumns {
  /** The text's tokens. */
  ids: ArrayLike<number>;
  suffixLength: ArrayLike<number>;
  infiniGramProbability: ArrayLike<number>;
  sparse: ArrayLike<boolean>;
  infiniGramArgmax: ArrayLike<number>;
  modelArgmax: ArrayLike<number>;
}

export interface AgreementBin {
  /** Effective n of this bin; the last bin holds every n ≥ its value. */
  effectiveN: number;
  tokens: number;
  /** P∞(actual) > 0.5. */
  agreeing: number;
  sparseTokens: number;
  sparseAgreeing: number;
}

export interface AgreementSummary {
  tokens: number;
  /** Share of tokens with P∞(actual) > 0.5 (the paper's rule). */
  agreement: number;
  /** Share of tokens whose ∞-gram argmax is the actual token. */
  argmaxAgreement: number;
  /** Share of sparse tokens (one next token in the corpus) with P∞(actual) > 0.5, or null without any. */
  sparseAgreement: number | null;
  sparseShare: number;
  /** Share of tokens the model's top-1 predicts (for comparison). */
  modelAgreement: number;
  meanEffectiveN: number;
  medianEffectiveN: number;
  bins: AgreementBin[];
}

/** The figure's x axis stops here; longer matches are counted in its last bin. */
export const MAX_EFFECTIVE_N_BIN = 32;

export function agreementSummary(columns: AgreementColumns): AgreementSummary {
  const n = columns.ids.length;
  const bins: AgreementBin[] = Array.from({ length: MAX_EFFECTIVE_N_BIN }, (_, i) => ({
    effectiveN: i + 1,
    tokens: 0,
    agreeing: 0,
    sparseTokens: 0,
    sparseAgreeing: 0,
  }));
  let agreeing = 0,
    argmaxAgreeing = 0,
    sparse = 0,
    sparseAgreeing = 0,
    modelAgreeing = 0,
    effectiveSum = 0;
  const effective = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const effectiveN = columns.suffixLength[i] + 1;
    effective[i] = effectiveN;
    effectiveSum += effectiveN;
    const agrees = columns.infiniGramProbability[i] > 0.5;
    const bin = bins[Math.min(effectiveN, MAX_EFFECTIVE_N_BIN) - 1];
    bin.tokens++;
    if (agrees) {
      bin.agreeing++;
      agreeing++;
    }
    if (columns.sparse[i]) {
      sparse++;
      bin.sparseTokens++;
      if (agrees) {
        sparseAgreeing++;
        bin.sparseAgreeing++;
      }
    }
    if (columns.infiniGramArgmax[i] === columns.ids[i]) argmaxAgreeing++;
    if (columns.modelArgmax[i] === columns.ids[i]) modelAgreeing++;
  }
  effective.sort();
  const median = n === 0 ? 0 : n % 2 === 1 ? effective[(n - 1) / 2] : (effective[n / 2 - 1] + effective[n / 2]) / 2;
  const share = (count: number) => (n === 0 ? 0 : count / n);
  return {
    tokens: n,
    agreement: share(agreeing),
    argmaxAgreement: share(argmaxAgreeing),
    sparseAgreement: sparse === 0 ? null : sparseAgreeing / sparse,
    sparseShare: share(sparse),
    modelAgreement: share(modelAgreeing),
    meanEffectiveN: share(effectiveSum),
    medianEffectiveN: median,
    // The figure ends at the longest n seen (at least 2 bins), not always at 32.
    bins: bins.slice(0, Math.max(2, lastNonEmpty(bins) + 1)),
  };
}

function lastNonEmpty(bins: AgreementBin[]): number {
  for (let i = bins.length - 1; i >= 0; i--) if (bins[i].tokens > 0) return i;
  return -1;
}
