/**
 * The corpus view's second ∞-gram, from the infini-gram API (web-scale corpora such as
 * RedPajama or the Pile) at the selected position, as the same bars as the model's and the local
 * index's. Off by default: then it says so in one line and sends nothing anywhere. On, it says
 * which index it asked, that the bars are the index tokenizer's tokens (Llama 2's for most
 * indexes, not the model's), that the context is the text before the position re-tokenized by
 * that tokenizer, and what is approximate. Progress while it waits; every failure is one
 * sentence with a Retry, and the local index beside it is unaffected.
 */
import { useEffect, useMemo } from 'react';
import { ProbabilityBars, type ProbabilityBar } from '../../charts/ProbabilityBars';
import { connectRefusal } from '../../state/connectPolicy';
import type { CorpusApiResult } from '../../protocol/corpus';
import { engineClient } from '../../state/engineClient';
import { useSession } from '../../state/sessionStore';
import { useWorkerTask } from '../common/useWorkerTask';
import { visibleToken } from '../../core/tokenization/visibleText';
import { corpusApiRequest, type CorpusApiSource } from './corpusApiRequest';

const TOP_K = 10;

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export interface CorpusApiPanelProps {
  /** The scored text and the model's tokens of it. */
  source: CorpusApiSource;
  /** The selected model position: the API is asked about the text before it. */
  position: number;
  width: number;
}

export function CorpusApiPanel({ source, position, width }: CorpusApiPanelProps) {
  const infiniGramApi = useSession((s) => s.settings.infiniGramApi);
  const infiniGramUrl = useSession((s) => s.settings.infiniGramUrl);
  const infiniGramIndex = useSession((s) => s.settings.infiniGramIndex);
  const request = useMemo(
    () => corpusApiRequest({ infiniGramApi, infiniGramUrl, infiniGramIndex }, source, position, TOP_K),
    [infiniGramApi, infiniGramUrl, infiniGramIndex, source, position],
  );
  const task = useWorkerTask<CorpusApiResult>();

  const ask = () => {
    if (!request) return;
    task.run(async (signal) => {
      // The page's Content-Security-Policy would refuse the host: say that rather than "could not be reached".
      const refused = await connectRefusal(request.params.endpoint, 'the infini-gram API there cannot be asked').catch(
        () => null,
      );
      if (refused) throw new Error(refused);
      return engineClient().call('corpusApiNext', request.params, { signal });
    });
  };
  useEffect(() => {
    if (request) ask();
    else task.reset();
  }, [request]);

  if (!source) return null;
  if (!request) {
    return (
      <p className="bigram__note corpus__api-off" data-testid="corpus.api.off">
        The infini-gram API (web-scale corpora such as RedPajama and the Pile) is off, so nothing is sent anywhere; turn
        it on in Settings (“Use the infini-gram API in the corpus view”).
      </p>
    );
  }
  const host = hostOf(request.params.endpoint);
  const result = task.status === 'ready' ? task.result : null;
  const retry = (
    <button type="button" onClick={ask} data-testid="corpus.api.retry">
      Retry
    </button>
  );
  return (
    <figure
      className="corpus__api"
      data-testid="corpus.api"
      data-status={task.status}
      data-index={request.params.index}
      data-byte-offset={request.params.byteOffset}
    >
      {task.status === 'working' && (
        <figcaption className="bigram__progress" role="status" data-testid="corpus.api.progress">
          Asking the infini-gram API at {host} ({request.params.index})…{' '}
          <button type="button" onClick={task.cancel} data-testid="corpus.api.cancel">
            Cancel
          </button>
        </figcaption>
      )}
      {task.status === 'error' && (
        <figcaption>
          <p className="notice notice--error" role="alert" data-testid="corpus.api.error">
            {task.error}
          </p>
          {retry}
        </figcaption>
      )}
      {task.status === 'cancelled' && (
        <figcaption className="bigram__note">The infini-gram query was cancelled. {retry}</figcaption>
      )}
      {result && <ApiBars result={result} exact={request.exact} width={width} />}
    </figure>
  );
}

function ApiBars({ result, exact, width }: { result: CorpusApiResult; exact: boolean; width: number }) {
  const bars: ProbabilityBar[] = result.rows.map((row, i) => ({
    key: row.tokenId,
    label: row.endOfDocument ? row.text : visibleToken(row.text || `#${row.tokenId}`),
    probability: row.probability,
    rank: i + 1,
    isActual: row.isActual,
    detail: `${result.tokenizerLabel} token ${row.tokenId} · ${count(row.count, 'occurrence')}`,
  }));
  const tail = Math.max(0, 1 - result.rows.reduce((sum, row) => sum + row.probability, 0));
  const tokenizer = result.tokenizerLabel;
  const notes = exact
    ? result.notes
    : [
        "The model's tokens do not spell the text byte for byte, so this position's place in the text is approximate.",
        ...result.notes,
      ];
  const actual = result.rows.find((row) => row.isActual);
  return (
    <>
      <figcaption>
        infini-gram API, {result.corpus} (<code>{result.index}</code>): effective n = {result.suffixLength + 1} (the
        last {count(result.suffixLength, 'token')}, {count(result.promptCount, 'occurrence')})
        {result.sampled ? ' · counted on a sample of the occurrences' : ''}. Its tokens are {tokenizer}’s, not the
        model’s: the context is the text before this position re-tokenized by {tokenizer} (
        {count(result.queryTokens, 'token')} sent
        {result.contextTail.length ? `, ending “…${result.contextTail.join('')}”` : ''}).
        {result.fromCache ? ' From this browser’s cache.' : ''}
      </figcaption>
      <div
        data-testid="corpus.api-bars"
        data-suffix-length={result.suffixLength}
        data-prompt-count={result.promptCount}
        data-approximate={result.approximate || !exact}
        data-actual-token={result.actualTokenId ?? ''}
        data-top-token={result.rows[0]?.tokenId ?? ''}
      >
        {bars.length === 0 ? (
          <p className="bigram__note">The index holds no continuation of this context.</p>
        ) : (
          <ProbabilityBars bars={bars} tailProbability={tail} tailCount={result.otherTokens} width={width} />
        )}
        {!actual && result.actualTokenId !== null && bars.length > 0 && (
          <small className="hint">
            The text’s next {tokenizer} token is not among these {bars.length}.
          </small>
        )}
        {notes.length > 0 && (
          <ul className="corpus__api-notes" data-testid="corpus.api.notes">
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        )}
      </div>
    </>
  );
}
