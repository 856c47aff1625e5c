/**
 * The key-space view: the loaded model's unembedding ("keys") read from its ONNX file in the
 * worker; nearest keys of any token (searched, or clicked anywhere in the app), and the current
 * distribution seen in key space (keySim, maps, spurious correlation).
 */
import { useCallback, useEffect, useState } from 'react';
import type { KeySpaceInfo } from '../../protocol/keySpace';
import { engineClient } from '../../state/engineClient';
import { focusKeyToken, useKeySpace } from '../../state/keySpaceStore';
import { useSession } from '../../state/sessionStore';
import { visibleToken } from '../../core/tokenization/visibleText';
import { IcnPanel } from './IcnPanel';
import { KeySimPanel } from './KeySimPanel';
import { NeighboursPanel } from './NeighboursPanel';
import { findTokens } from '../../core/keyspace/tokenSearch';
import { useWorkerCall } from '../common/useWorkerTask';
import { EmptyHint } from '../common/EmptyHint';
import { showView } from '../../state/viewStore';

function InfoLine({ info }: { info: KeySpaceInfo }) {
  const out = info.output!;
  return (
    <p className="hint" data-testid="keyspace.info">
      Keys: the unembedding, {out.vocabularySize.toLocaleString('en-US')} × {out.embeddingSize} ({out.encoding}, tensor{' '}
      {out.sources.join(', ')}, found through {out.path.join(' → ')}
      {info.outputHasBias ? '; the model adds a per-token logit bias, which keys do not show' : ''});{' '}
      {info.tied
        ? 'tied to the input embedding'
        : info.input
          ? 'the input embedding differs (untied): its neighbours are shown beside'
          : info.inputReason}
      . Read from the model file and normalised in {info.extractMs.toFixed(0)} + {info.normaliseMs.toFixed(0)} ms.
    </p>
  );
}

export function KeySpaceView() {
  const model = useSession((s) => s.model);
  const vocabulary = useSession((s) => s.vocabulary);
  const focusTokenId = useKeySpace((s) => s.focusTokenId);
  const focusModelKey = useKeySpace((s) => s.focusModelKey);
  const [query, setQuery] = useState('');
  const [searchMessage, setSearchMessage] = useState<string | null>(null);
  const [matches, setMatches] = useState<number[]>([]);
  const modelKey = model?.key ?? null;
  const info = useWorkerCall(modelKey, (signal) => engineClient().call('keySpaceInfo', {}, { signal }));
  // After an error the previous model's keys no longer apply.
  const keys = info.status === 'error' ? null : info.result;
  const tokenText = useCallback((id: number) => vocabulary?.tokens[id] ?? `#${id}`, [vocabulary]);
  const validFocus =
    focusTokenId !== null && model !== null && focusModelKey === model.key && focusTokenId < model.vocabSize
      ? focusTokenId
      : null;

  useEffect(() => {
    setMatches([]);
    setSearchMessage(null);
  }, [modelKey]);

  const search = () => {
    if (!vocabulary) return;
    const found = findTokens(query, vocabulary.tokens);
    if (found.kind === 'none') {
      setSearchMessage(found.message);
      setMatches([]);
      return;
    }
    setSearchMessage(found.tokenIds.length > 1 ? `${found.tokenIds.length} tokens match; showing the first.` : null);
    setMatches(found.tokenIds.length > 1 ? found.tokenIds : []);
    focusKeyToken(found.tokenIds[0]);
  };

  if (!model)
    return (
      <section className="keyspace">
        <p>Waiting for the model…</p>
      </section>
    );
  return (
    <section className="keyspace" aria-label="Key space" data-testid="keyspace.view" data-status={info.status}>
      <h2>Key space of {model.label}</h2>
      <p className="hint">
        Each next-token logit is the final hidden state (the query) times one fixed vector per token, its key: a row of
        the unembedding matrix. Tokens with similar keys get similar logits in every context.
      </p>
      {info.status === 'working' && (
        <p className="hint">Reading the key matrix from {model.modelFile} in the worker…</p>
      )}
      {info.status === 'cancelled' && <p className="hint">Reading the key matrix was cancelled.</p>}
      {info.status === 'error' && (
        <p className="notice notice--error" role="alert" data-testid="keyspace.error">
          {info.error}
        </p>
      )}
      {keys && (
        <>
          <InfoLine info={keys} />
          <form
            className="keyspace__search"
            onSubmit={(e) => {
              e.preventDefault();
              search();
            }}
          >
            <label>
              Token (text or id){' '}
              <input
                value={query}
                data-testid="keyspace.search"
                onChange={(e) => setQuery(e.target.value)}
                placeholder=" America, ␣the or 1531"
              />
            </label>{' '}
            <button type="submit" data-testid="keyspace.search.go">
              Show neighbours
            </button>
            {searchMessage && (
              <span className="hint" role="status" data-testid="keyspace.search.message">
                {' '}
                {searchMessage}
              </span>
            )}
          </form>
          {matches.length > 1 && (
            <p className="keyspace__matches">
              {matches.map((id) => (
                <button
                  key={id}
                  type="button"
                  className="keyspace__token"
                  aria-pressed={id === validFocus}
                  onClick={() => focusKeyToken(id)}
                >
                  {visibleToken(tokenText(id))} <small>#{id}</small>
                </button>
              ))}
            </p>
          )}
          {validFocus !== null ? (
            <NeighboursPanel
              modelKey={model.key}
              tokenId={validFocus}
              tokenText={tokenText}
              untied={!keys.tied && keys.input !== null}
            />
          ) : (
            <EmptyHint name="keyspace" action={{ label: 'Open Next token', onClick: () => showView('lab') }}>
              No token picked yet: type one above, click ◎ beside a bar in the Next token view, or click a point in the
              chart below.
            </EmptyHint>
          )}
          <KeySimPanel
            key={`keysim:${model.key}`}
            modelKey={model.key}
            info={keys}
            tokenText={tokenText}
            focusTokenId={validFocus}
          />
          <IcnPanel key={`icn:${model.key}`} />
        </>
      )}
    </section>
  );
}
