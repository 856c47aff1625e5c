/** CharBench positions for a word the user types, drawn for every selected tokenizer. */
import { useState } from 'react';
import { CharPositionsChart } from '../../charts/CharPositionsChart';
import { labCharPositions } from '../../state/tokenizerLabActions';
import { useWorkerCall } from '../common/useWorkerTask';

/** `waiting`: ask nothing yet (the lab's first rows are being worked on). */
export function CharPositionsPanel({
  tokenizerIds,
  waiting = false,
}: {
  tokenizerIds: readonly string[];
  waiting?: boolean;
}) {
  const [word, setWord] = useState('strawberry');
  const trimmed = word.trim();
  const key = trimmed && tokenizerIds.length && !waiting ? JSON.stringify([tokenizerIds, trimmed]) : null;
  const state = useWorkerCall(key, (signal) => labCharPositions([...tokenizerIds], trimmed, signal), {
    settleMs: 250,
    transition: true,
  });
  const rows = state.result ?? [];
  return (
    <div className="tlab-chars" data-testid="tokenizers.chars">
      <label>
        Word{' '}
        <input
          value={word}
          maxLength={64}
          spellCheck={false}
          onChange={(e) => setWord(e.target.value)}
          data-testid="tokenizers.chars.word"
        />
      </label>{' '}
      <span className="hint">
        tokenized after a space, as inside a sentence. Numbers: containing token's length · the character's offset in it
        (a leading space counts).
      </span>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      {rows
        .filter((r) => r.status === 'error')
        .map((r) => (
          <p key={r.tokenizerId} className="error">
            {r.status === 'error' ? r.message : ''}
          </p>
        ))}
      <div className="tlab-chars__scroll">
        <CharPositionsChart
          rows={rows.flatMap((r) =>
            r.status === 'ok' ? [{ id: r.tokenizerId, label: r.label, cells: r.positions }] : [],
          )}
        />
      </div>
    </div>
  );
}
