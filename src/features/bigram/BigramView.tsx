/**
 * Bigram and layers (issue 7): at every position of a text, the model's prediction from the
 * current token alone ([start, token]) beside its full-context prediction, coloured by how
 * bigram each prediction is; a summary; the layer view at a selected position; the bigram
 * table and the corpus bigram reference. All model work runs in the worker.
 */
import { bytesProblem, LIMITS, limitSentence } from '../../core/limits';
import { utf8Length } from '../../core/tokenizers/words';
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { BigramAnalyzeResult, BigramProgress, CorpusInfo } from '../../protocol/bigram';
import type { TokenView } from '../../protocol/nextToken';
import { engineClient } from '../../state/engineClient';
import { useSession } from '../../state/sessionStore';
import { BigramChips } from './BigramChips';
import { BigramSummaryView } from './BigramSummaryView';
import { BigramTableView } from './BigramTableView';
import { CorpusPanel } from './CorpusPanel';
import { LayerView } from './LayerView';
import { PositionDetail } from './PositionDetail';
import { ProgressLine } from './ProgressLine';
import { useWorkerTask } from '../common/useWorkerTask';
import './bigram.css';
import { LongTextBox } from '../common/LongTextBox';
import { bigramFingerprint } from '../../core/demoScripts';
import { usePublishedReadout } from '../common/usePublishedReadout';
import { EmptyHint } from '../common/EmptyHint';

/** Stated by the text box, before any work. */
const TEXT_LIMIT = limitSentence(LIMITS.bigramView);

interface Analysis {
  text: string;
  ids: number[];
  tokens: TokenView[];
  result: BigramAnalyzeResult;
  /** Token views of the text and of every top-1 token, by id. */
  views: Map<number, TokenView>;
}

export function BigramView() {
  const model = useSession((s) => s.model);
  const sessionText = useSession((s) => s.text);
  const [text, setText] = useState(sessionText);
  const [selected, setSelected] = useState<number | null>(null);
  const [corpus, setCorpus] = useState<CorpusInfo | null>(null);
  const analysis = useWorkerTask<Analysis, BigramProgress>();

  const compare = (source: string) => {
    setSelected(null);
    analysis.run(async (signal, onProgress) => {
      // Refused before tokenizing; the engine checks the token limit before the model runs.
      const tooLong = bytesProblem(LIMITS.bigramView, utf8Length(source));
      if (tooLong) throw new Error(tooLong);
      const { ids, tokens } = await engineClient().call('tokenize', { text: source }, { signal });
      if (ids.length === 0) throw new Error('The text has no tokens: paste or type a paragraph first.');
      const result = await engineClient().call('bigramAnalyze', { ids }, { signal, onProgress });
      const extra = [...new Set(result.rows.flatMap((r) => [r.top1Full, r.top1Bigram]))];
      const extraViews = await engineClient().call('tokenViews', { ids: extra }, { signal });
      const views = new Map([...extraViews, ...tokens].map((v) => [v.id, v]));
      return { text: source, ids, tokens, result, views };
    });
  };

  // A new model: the old numbers and corpus no longer apply.
  useEffect(() => {
    setCorpus(null);
    analysis.reset();
    if (model && text.trim()) compare(text);
  }, [model?.key]);

  const shown = analysis.result;
  const ids = useMemo(() => shown?.ids ?? null, [shown]);
  const layersAvailable = shown?.result.internals.available === true;
  // The layer view's graphs open while the user reads the chips, so the first click does not wait for them.
  useEffect(() => {
    if (layersAvailable)
      void engineClient()
        .call('layerPrepare', {})
        .catch(() => undefined);
  }, [model?.key, layersAvailable]);
  const stale = shown !== null && shown.text !== text;
  // 20,000 chips of a new comparison render in a deferred, interruptible render (clicks go first).
  const chipsOf = useDeferredValue(shown);
  usePublishedReadout(
    'bigram',
    analysis.status === 'ready' && shown
      ? { input: shown.text, status: 'ready', text: bigramFingerprint(shown.result.summary) }
      : analysis.status === 'error'
        ? { input: text, status: 'error', text: analysis.error ?? 'The comparison failed.' }
        : null,
  );
  if (!model)
    return (
      <section className="bigram" data-testid="view.bigram">
        <EmptyHint name="bigram.no-model">
          No model loaded yet: this view runs the loaded model. Wait for the default one, or pick one under Models.
        </EmptyHint>
      </section>
    );
  return (
    <section className="bigram" aria-label="Bigram and layers" data-testid="view.bigram">
      <p className="bigram__note">
        How much of each prediction comes from the current token alone? Each position's full-context prediction is
        compared with the model's prediction from <em>only the current token</em> (the model run on [start, token], an
        approximation of the bigram subnetwork of Chang &amp; Bergen 2025).
      </p>
      <label className="next-token__label" htmlFor="bigram-text">
        Text <span className="hint">({TEXT_LIMIT})</span>
      </label>
      <LongTextBox
        id="bigram-text"
        className="next-token__text"
        testId="bigram.text"
        rows={4}
        value={text}
        onChange={setText}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) compare(text);
        }}
      />
      <div className="bigram__row">
        <button type="button" onClick={() => compare(text)} disabled={!text.trim()} data-testid="bigram.compare">
          Compare (Ctrl+Enter)
        </button>
        {stale && (
          <span className="bigram__note" data-testid="bigram.stale">
            The chips below are of the text as last compared.
          </span>
        )}
      </div>
      <ProgressLine
        status={analysis.status}
        progress={analysis.progress}
        error={analysis.error}
        onCancel={analysis.cancel}
        testId="bigram.progress"
      />
      {!shown && analysis.status === 'idle' && (
        <EmptyHint name="bigram">
          {text.trim()
            ? 'Press Compare: each token’s prediction from itself alone is set beside the full-context one.'
            : 'Type or paste a text above and press Compare: each token’s prediction from itself alone is set beside the full-context one.'}
        </EmptyHint>
      )}
      {shown && (
        <>
          {chipsOf && (
            <BigramChips
              tokens={chipsOf.tokens}
              rows={chipsOf.result.rows}
              selected={selected}
              onSelect={setSelected}
            />
          )}
          <BigramSummaryView summary={shown.result.summary} />
          {selected === null ? (
            <p className="bigram__note" data-testid="bigram.hint">
              Click a token (or focus one and use ← →) to see its predictions and the layer view.
            </p>
          ) : (
            <>
              <PositionDetail row={shown.result.rows[selected]} views={shown.views} />
              <LayerView ids={shown.ids} position={selected} internals={shown.result.internals} />
            </>
          )}
        </>
      )}
      <CorpusPanel model={model} ids={ids} corpus={corpus} onCorpus={setCorpus} />
      <BigramTableView ids={ids} corpus={corpus} />
    </section>
  );
}
