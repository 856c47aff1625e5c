/**
 * One position of the corpus view: the model's next-token distribution beside the corpus's
 * ∞-gram distribution (the same bars), and the longest span before the position that occurs
 * in the corpus, with where it occurs.
 */
import { useEffect } from 'react';
import { ProbabilityBars, type ProbabilityBar } from '../../charts/ProbabilityBars';
import type { CorpusPositionResult } from '../../protocol/corpus';
import type { TokenView } from '../../protocol/nextToken';
import { engineClient } from '../../state/engineClient';
import { useWorkerTask } from '../common/useWorkerTask';
import { visibleToken } from '../../core/tokenization/visibleText';
import { CorpusApiPanel } from './CorpusApiPanel';
import type { CorpusApiSource } from './corpusApiRequest';

const TOP_K = 10;
const OCCURRENCES = 10;

interface Detail {
  result: CorpusPositionResult;
  views: Map<number, TokenView>;
}

export interface CorpusPositionViewProps {
  /** The scored text and the model's tokens of it (the infini-gram API re-tokenizes the text before the position). */
  source: CorpusApiSource;
  ids: number[];
  /** The selected token: its prediction is made at this position, from the tokens before it. */
  position: number;
  actualId: number | null;
  width: number;
}

export function CorpusPositionView({ source, ids, position, actualId, width }: CorpusPositionViewProps) {
  const task = useWorkerTask<Detail>();
  useEffect(() => {
    task.run(async (signal) => {
      const result = await engineClient().call(
        'corpusPosition',
        { ids, position, topK: TOP_K, occurrences: OCCURRENCES },
        { signal },
      );
      const wanted = new Set<number>([...result.model.map((m) => m.id), ...result.infiniGram.entries.map((e) => e.id)]);
      for (const o of result.span.occurrences) for (const id of [...o.before, ...o.match, ...o.after]) wanted.add(id);
      const views = await engineClient().call('tokenViews', { ids: [...wanted] }, { signal });
      return { result, views: new Map(views.map((v) => [v.id, v])) };
    });
  }, [ids, position]);

  if (task.status === 'error')
    return (
      <p className="notice notice--error" role="alert" data-testid="corpus.position.error">
        {task.error}
      </p>
    );
  // Cancelled in the worker (a model switch, say): say so rather than read forever.
  if (task.status === 'cancelled')
    return (
      <p className="bigram__note" role="status">
        Reading position {position} was cancelled.
      </p>
    );
  if (!task.result)
    return (
      <p className="bigram__note" role="status">
        Reading position {position}…
      </p>
    );
  const { result, views } = task.result;
  const text = (id: number) => views.get(id)?.text ?? `#${id}`;
  const bars = (entries: { id: number; probability: number }[]): ProbabilityBar[] =>
    entries.map((e, i) => ({
      key: e.id,
      label: visibleToken(text(e.id)),
      probability: e.probability,
      rank: i + 1,
      isActual: e.id === actualId,
    }));
  const tail = (entries: { probability: number }[]) =>
    Math.max(0, 1 - entries.reduce((sum, e) => sum + e.probability, 0));
  const half = Math.max(220, Math.floor(width / 2) - 12);
  const { infiniGram, span } = result;
  const contextCountText = `${infiniGram.contextCount.toLocaleString('en-US')} ${infiniGram.contextCount === 1 ? 'occurrence' : 'occurrences'}`;
  return (
    <div
      className="corpus__position"
      data-testid="corpus.position"
      data-position={position}
      data-status={task.status === 'working' ? 'working' : 'ready'}
    >
      <div className="corpus__columns">
        <figure data-testid="corpus.model-bars">
          <figcaption>Model: P(next token | the whole text before)</figcaption>
          <ProbabilityBars bars={bars(result.model)} tailProbability={tail(result.model)} tailCount={0} width={half} />
        </figure>
        <figure
          data-testid="corpus.infinigram-bars"
          data-suffix-length={infiniGram.suffixLength}
          data-context-count={infiniGram.contextCount}
        >
          <figcaption>
            Corpus ∞-gram: effective n = {infiniGram.suffixLength + 1} (the last {infiniGram.suffixLength}{' '}
            {infiniGram.suffixLength === 1 ? 'token' : 'tokens'}, {contextCountText})
            {infiniGram.approximate ? ' · counted on a sample of the occurrences' : ''}
          </figcaption>
          <ProbabilityBars
            bars={bars(infiniGram.entries)}
            tailProbability={tail(infiniGram.entries)}
            tailCount={0}
            width={half}
          />
          {infiniGram.endOfDocumentCount > 0 && (
            <small className="hint">
              {infiniGram.endOfDocumentCount.toLocaleString('en-US')} of the occurrences end a document (counted in the
              rest).
            </small>
          )}
        </figure>
        <CorpusApiPanel source={source} position={position} width={half} />
      </div>
      <div
        className="corpus__span"
        data-testid="corpus.span"
        data-length={span.length}
        data-occurrences={span.totalOccurrences}
      >
        {span.length === 0 ? (
          <p>The token before this position never occurs in the corpus: the ∞-gram falls back to token frequencies.</p>
        ) : (
          <>
            <p>
              The longest span before this position found in the corpus is {span.length}{' '}
              {span.length === 1 ? 'token' : 'tokens'} long and occurs {span.totalOccurrences.toLocaleString('en-US')}{' '}
              {span.totalOccurrences === 1 ? 'time' : 'times'}
              {span.totalOccurrences > span.occurrences.length
                ? ` (the first ${span.occurrences.length} in index order below)`
                : ''}
              :
            </p>
            <ol className="corpus__occurrences">
              {span.occurrences.map((o) => (
                <li key={`${o.documentIndex}-${o.tokenOffset}`} data-testid="corpus.occurrence">
                  <strong>{o.title}</strong>, token {o.tokenOffset.toLocaleString('en-US')}:{' '}
                  <span className="corpus__snippet">
                    …{o.before.map(text).join('')}
                    <mark>{o.match.map(text).join('')}</mark>
                    {o.after.map(text).join('')}…
                  </span>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
