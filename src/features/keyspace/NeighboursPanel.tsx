/**
 * The focused token's nearest keys: unembedding neighbours by cosine and by dot product,
 * and the input embedding's beside them when the model does not tie the two. Each
 * neighbour is a button that moves the focus to it.
 */
import { useState } from 'react';
import type { NeighbourRow } from '../../protocol/keySpace';
import { engineClient } from '../../state/engineClient';
import { focusKeyToken } from '../../state/keySpaceStore';
import { visibleToken } from '../../core/tokenization/visibleText';
import { useWorkerCall } from '../common/useWorkerTask';
import { listFingerprint } from '../../core/demoScripts';
import { usePublishedReadout } from '../common/usePublishedReadout';

interface Props {
  modelKey: string;
  tokenId: number;
  tokenText: (id: number) => string;
  untied: boolean;
}

function NeighbourList({
  title,
  rows,
  metric,
  tokenText,
  testId,
}: {
  title: string;
  rows: NeighbourRow[];
  metric: 'cosine' | 'dot';
  tokenText: (id: number) => string;
  testId: string;
}) {
  return (
    <div className="keyspace__list">
      <h4>{title}</h4>
      <ol data-testid={testId}>
        {rows.map((row) => (
          <li key={row.tokenId}>
            <button
              type="button"
              className="keyspace__token"
              data-testid="keyspace.neighbour"
              data-token-id={row.tokenId}
              data-metric={metric}
              onClick={() => focusKeyToken(row.tokenId)}
              title={`id ${row.tokenId}: show its neighbours`}
            >
              {visibleToken(tokenText(row.tokenId))}
            </button>
            <span className="keyspace__value">
              {metric === 'cosine' ? row.similarity.toFixed(3) : row.similarity.toFixed(2)}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function NeighboursPanel({ modelKey, tokenId, tokenText, untied }: Props) {
  const [k, setK] = useState(15);
  const call = useWorkerCall(JSON.stringify([modelKey, tokenId, k]), (signal) =>
    engineClient().call('keyNeighbours', { tokenId, k }, { signal }),
  );
  // After an error the older neighbours are not shown beside it.
  const result = call.status === 'error' ? null : call.result;
  usePublishedReadout(
    'neighbours',
    call.status === 'ready' && result
      ? {
          input: String(result.tokenId),
          status: 'ready',
          text: listFingerprint(result.output.cosine.map((row) => ({ label: row.tokenId, value: row.similarity }))),
        }
      : call.status === 'error'
        ? { input: String(tokenId), status: 'error', text: call.error ?? 'The neighbours failed.' }
        : null,
  );
  return (
    <section
      className="keyspace__neighbours"
      aria-label="Nearest keys"
      data-testid="keyspace.neighbours"
      data-status={call.status}
      data-token-id={tokenId}
    >
      <h3>
        Nearest keys of{' '}
        <span className="keyspace__focus" data-testid="keyspace.focus">
          {visibleToken(tokenText(tokenId))}
        </span>{' '}
        <small>(id {tokenId})</small>
      </h3>
      <label>
        k{' '}
        <input
          type="number"
          min={1}
          max={200}
          value={k}
          data-testid="keyspace.k"
          onChange={(e) => {
            const n = Number(e.target.value);
            if (Number.isInteger(n) && n >= 1 && n <= 200) setK(n);
          }}
        />
      </label>{' '}
      <small className="hint">
        Exact search over every key. Cosine compares directions; dot product is what a logit is (q · key), so long keys
        win it. Click a token to go to it.
      </small>
      {call.status === 'error' && (
        <p className="error" role="alert">
          {call.error}
        </p>
      )}
      {result && (
        <div className="keyspace__lists">
          <NeighbourList
            title="Output (unembedding) · cosine"
            rows={result.output.cosine}
            metric="cosine"
            tokenText={tokenText}
            testId="keyspace.neighbours.cosine"
          />
          <NeighbourList
            title="Output (unembedding) · dot"
            rows={result.output.dot}
            metric="dot"
            tokenText={tokenText}
            testId="keyspace.neighbours.dot"
          />
          {result.input && (
            <NeighbourList
              title="Input embedding · cosine"
              rows={result.input.cosine}
              metric="cosine"
              tokenText={tokenText}
              testId="keyspace.neighbours.input-cosine"
            />
          )}
          {result.input && (
            <NeighbourList
              title="Input embedding · dot"
              rows={result.input.dot}
              metric="dot"
              tokenText={tokenText}
              testId="keyspace.neighbours.input-dot"
            />
          )}
        </div>
      )}
      {result && !untied && (
        <p className="hint">
          This model ties its input embedding to its unembedding, so there is one set of neighbours.
        </p>
      )}
      {result && <p className="hint">{result.elapsedMs.toFixed(1)} ms in the worker.</p>}
    </section>
  );
}
