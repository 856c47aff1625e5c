/**
 * The corpus beside the model (docs/PAPERS.md section 3, infini-gram): a corpus's ∞-gram at
 * every position of a text next to the model's prediction. Chips coloured by effective n,
 * both distributions at a selected position with where the matching span occurs, agreement
 * against effective n (the paper's figure), and the model interpolated with the ∞-gram.
 */
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { AgreementChart } from '../../charts/AgreementChart';
import { agreementSummary, MAX_EFFECTIVE_N_BIN } from '../../core/ngram/corpusAgreement';
import { bytesProblem, LIMITS, limitSentence } from '../../core/limits';
import { utf8Length } from '../../core/tokenizers/words';
import type { CorpusIndexInfo, CorpusScoreResult } from '../../protocol/corpus';
import type { TokenView } from '../../protocol/nextToken';
import { engineClient } from '../../state/engineClient';
import { useSession } from '../../state/sessionStore';
import { useWorkerTask } from '../common/useWorkerTask';
import { EmptyHint } from '../common/EmptyHint';
import { useWidth } from '../next-token/useWidth';
import { CorpusChips } from './CorpusChips';
import { CorpusInterpolation } from './CorpusInterpolation';
import { CorpusPositionView } from './CorpusPositionView';
import { CorpusSource } from './CorpusSource';
import { useTrainingSplit } from './useTrainingSplit';
import './corpus.css';

const TEXT_LIMIT = limitSentence(LIMITS.corpusView);

interface Scored {
  text: string;
  corpusKey: string;
  ids: number[];
  tokens: TokenView[];
  result: CorpusScoreResult;
}

const percent = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)}%`);

export function CorpusView() {
  const model = useSession((s) => s.model);
  const sessionText = useSession((s) => s.text);
  const [text, setText] = useState(sessionText);
  const [corpus, setCorpus] = useState<CorpusIndexInfo | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [ref, width] = useWidth<HTMLDivElement>(720);
  const split = useTrainingSplit(model);
  const scoring = useWorkerTask<Scored>();

  const score = (source: string) => {
    if (!corpus) return;
    setSelected(null);
    scoring.run(async (signal) => {
      const tooLong = bytesProblem(LIMITS.corpusView, utf8Length(source));
      if (tooLong) throw new Error(tooLong);
      const { ids, tokens } = await engineClient().call('tokenize', { text: source }, { signal });
      if (ids.length === 0) throw new Error('The text has no tokens: type or paste a sentence first.');
      const result = await engineClient().call('corpusScore', { ids }, { signal });
      return { text: source, corpusKey: corpus.key, ids, tokens, result };
    });
  };
  // A corpus opened (or changed): score the text against it.
  useEffect(() => {
    scoring.reset();
    setSelected(null);
    if (corpus && text.trim()) score(text);
  }, [corpus?.key]);

  const shown = scoring.result;
  const chipsOf = useDeferredValue(shown);
  const summary = useMemo(() => (shown ? agreementSummary({ ids: shown.ids, ...shown.result }) : null), [shown]);
  if (!model)
    return (
      <section className="corpus" data-testid="view.corpus">
        <EmptyHint name="corpus.no-model">
          No model loaded yet: the corpus is read with the loaded model’s tokenizer. Wait for the default one, or pick
          one under Models.
        </EmptyHint>
      </section>
    );
  const stale = shown !== null && shown.text !== text;
  return (
    <section className="corpus" aria-label="Corpus beside the model" data-testid="view.corpus" ref={ref}>
      <p className="bigram__note">
        Where does a prediction come from? The <em>∞-gram</em> of a corpus (Liu et al. 2024) predicts each token from
        the longest end of the text before it that occurs in the corpus, by counting what follows it there. Beside the
        model it shows what was copied from the corpus and what the model generalised. The corpus is tokenized with the
        loaded model's tokenizer.
      </p>
      <CorpusSource key={model.key} model={model} split={split} onOpened={setCorpus} />
      <label className="next-token__label" htmlFor="corpus-text">
        Text <span className="hint">({TEXT_LIMIT})</span>
      </label>
      <textarea
        id="corpus-text"
        className="next-token__text"
        data-testid="corpus.text"
        rows={4}
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) score(text);
        }}
      />
      <div className="bigram__row">
        <button
          type="button"
          onClick={() => score(text)}
          disabled={!text.trim() || !corpus || scoring.status === 'working'}
          data-testid="corpus.score"
        >
          Score against the corpus (Ctrl+Enter)
        </button>
        {stale && (
          <span className="bigram__note" data-testid="corpus.stale">
            The chips below are of the text as last scored.
          </span>
        )}
      </div>
      {!corpus && (
        <EmptyHint name="corpus.no-corpus">
          No corpus open yet: open one above (the model’s training split, where it ships one, or your own texts), then
          score a text against it.
        </EmptyHint>
      )}
      {corpus && !shown && scoring.status === 'idle' && (
        <EmptyHint name="corpus">
          {text.trim()
            ? 'Press Score: every token gets the ∞-gram’s prediction beside the model’s.'
            : 'Type or paste a text above and press Score: every token gets the ∞-gram’s prediction beside the model’s.'}
        </EmptyHint>
      )}
      {scoring.status === 'working' && (
        <p className="bigram__progress" role="status" data-testid="corpus.scoring">
          Scoring…{' '}
          <button type="button" onClick={scoring.cancel}>
            Cancel
          </button>
        </p>
      )}
      {scoring.status === 'cancelled' && <p className="bigram__note">Scoring cancelled.</p>}
      {scoring.status === 'error' && (
        <p className="notice notice--error" role="alert" data-testid="corpus.score.error">
          {scoring.error}
        </p>
      )}
      {shown && summary && (
        <>
          <p
            className="corpus__summary"
            data-testid="corpus.summary"
            data-agreement={summary.agreement.toFixed(4)}
            data-tokens={summary.tokens}
          >
            {summary.tokens.toLocaleString('en-US')} tokens · the ∞-gram agrees (P∞ &gt; 0.5) on{' '}
            {percent(summary.agreement)} (its top token is the actual one on {percent(summary.argmaxAgreement)}; the
            model's top token on {percent(summary.modelAgreement)}) · sparse (one continuation in the corpus){' '}
            {percent(summary.sparseShare)}, agreeing {percent(summary.sparseAgreement)} · effective n mean{' '}
            {summary.meanEffectiveN.toFixed(1)}, median {summary.medianEffectiveN} · ∞-gram{' '}
            {shown.result.elapsedMs.infiniGram.toFixed(0)} ms, model {shown.result.elapsedMs.model.toFixed(0)} ms
          </p>
          {chipsOf && (
            <CorpusChips
              tokens={chipsOf.tokens}
              suffixLength={chipsOf.result.suffixLength}
              infiniGramProbability={chipsOf.result.infiniGramProbability}
              modelProbability={chipsOf.result.modelProbability}
              selected={selected}
              onSelect={setSelected}
            />
          )}
          {selected === null ? (
            <p className="bigram__note" data-testid="corpus.hint">
              Click a token (or focus one and use ← →) to see both predictions and where the matching span occurs.
            </p>
          ) : (
            <CorpusPositionView
              source={shown}
              ids={shown.ids}
              position={selected}
              actualId={shown.ids[selected] ?? null}
              width={width}
            />
          )}
          <figure className="corpus__figure">
            <figcaption>
              Tokens by effective n, and how often the ∞-gram agrees (solid: all tokens; dashed: sparse ones)
            </figcaption>
            <AgreementChart
              bins={summary.bins}
              width={Math.min(width, 760)}
              lastBinOpen={summary.bins.length === MAX_EFFECTIVE_N_BIN}
            />
          </figure>
          <CorpusInterpolation
            result={shown.result}
            tuned={corpus?.source === 'training-split' ? (split?.interpolation ?? null) : null}
          />
        </>
      )}
    </section>
  );
}
