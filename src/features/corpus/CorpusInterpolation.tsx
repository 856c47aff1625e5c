/**
 * The model interpolated with the ∞-gram on this text, as the infini-gram paper does:
 * P = λ·P∞ + (1 − λ)·P_model, one λ where the ∞-gram estimate is sparse and one elsewhere.
 * The λs start at the values chosen on the embedded model's validation split (with the test
 * split's result beside them); the sliders show what other λs would do on this text.
 */
import { useEffect, useMemo, useState } from 'react';
import { combinedPerplexity, perplexity, relativeImprovement } from '../../core/ngram/interpolation';
import type { CorpusScoreResult } from '../../protocol/corpus';
import type { TunedInterpolation } from './useTrainingSplit';

export interface CorpusInterpolationProps {
  result: CorpusScoreResult;
  /** Chosen on the validation split for this model and corpus; null for other corpora. */
  tuned: TunedInterpolation | null;
}

/** Used when nothing was tuned for this corpus: a middle value, said as such. */
const UNTUNED_LAMBDA = 0.5;

export function CorpusInterpolation({ result, tuned }: CorpusInterpolationProps) {
  const [lambdaSparse, setLambdaSparse] = useState(tuned?.lambdaSparse ?? UNTUNED_LAMBDA);
  const [lambdaDense, setLambdaDense] = useState(tuned?.lambdaDense ?? UNTUNED_LAMBDA);
  useEffect(() => {
    setLambdaSparse(tuned?.lambdaSparse ?? UNTUNED_LAMBDA);
    setLambdaDense(tuned?.lambdaDense ?? UNTUNED_LAMBDA);
  }, [tuned]);
  const figures = useMemo(() => {
    const positions = {
      pInfinity: result.infiniGramProbability,
      sparse: result.sparse,
      pNeural: result.modelProbability,
    };
    const neural = perplexity(result.modelProbability);
    const combined = combinedPerplexity(positions, lambdaSparse, lambdaDense);
    return { neural, combined, improvement: relativeImprovement(neural, combined) };
  }, [result, lambdaSparse, lambdaDense]);

  const slider = (label: string, value: number, set: (v: number) => void, testId: string) => (
    <label>
      {label} {value.toFixed(2)}
      <input
        type="range"
        min={0}
        max={1}
        step={0.01}
        value={value}
        data-testid={testId}
        onChange={(e) => set(Number(e.target.value))}
      />
    </label>
  );
  return (
    <div
      className="corpus__interpolation"
      data-testid="corpus.interpolation"
      data-neural={figures.neural.toFixed(4)}
      data-combined={figures.combined.toFixed(4)}
    >
      <h3>The model with the ∞-gram</h3>
      <p className="bigram__note">
        P = λ·P∞ + (1 − λ)·P<sub>model</sub>, with one λ where the corpus has one continuation (sparse) and one
        elsewhere.{' '}
        {tuned ? (
          <>
            λs chosen on the validation split: sparse {tuned.lambdaSparse.toFixed(2)}, dense{' '}
            {tuned.lambdaDense.toFixed(2)}; on the test split ({tuned.test.tokens.toLocaleString('en-US')} tokens) they
            take the perplexity from {tuned.test.neuralPerplexity.toFixed(2)} to{' '}
            {tuned.test.combinedPerplexity.toFixed(2)} ({(tuned.test.relativeImprovement * 100).toFixed(1)}% of the
            excess above 1, the paper's Eq. 2).
          </>
        ) : (
          <>No λ was tuned for this corpus: both start at {UNTUNED_LAMBDA}.</>
        )}
      </p>
      <div>
        {slider('λ sparse', lambdaSparse, setLambdaSparse, 'corpus.lambda-sparse')}
        {slider('λ dense', lambdaDense, setLambdaDense, 'corpus.lambda-dense')}
      </div>
      <p className="corpus__summary" data-testid="corpus.interpolation.figures">
        This text: model perplexity {figures.neural.toFixed(2)}, with the ∞-gram {figures.combined.toFixed(2)} (Eq. 2:{' '}
        {(figures.improvement * 100).toFixed(1)}%). A text taken from the corpus itself makes the ∞-gram look perfect:
        judge on texts it does not contain.
      </p>
    </div>
  );
}
