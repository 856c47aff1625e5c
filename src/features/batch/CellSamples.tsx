/**
 * Each sample of one cell: its completion, whether it matched, why it stopped, and per token
 * the log-probability and the entropy of the model's distribution there. Token texts are shown
 * when the lab's loaded model is the cell's model (else token ids).
 */
import { useEffect, useState } from 'react';
import type { SampleResult } from '../../core/batch/results';
import { formatBits, visibleCompletion } from './batchFormat';

export interface CellSamplesProps {
  samples: readonly SampleResult[];
  /** Token texts by id for the cell's model; null: ids only. */
  loadTokenTexts: (ids: readonly number[]) => Promise<Map<number, string> | null>;
}

const MATCH_TEXT = (m: boolean | null) => (m === null ? 'not judged' : m ? 'matched' : 'not matched');

export function CellSamples({ samples, loadTokenTexts }: CellSamplesProps) {
  const [texts, setTexts] = useState<Map<number, string> | null>(null);
  useEffect(() => {
    let live = true;
    loadTokenTexts(samples.flatMap((s) => s.tokenIds)).then(
      (map) => live && setTexts(map),
      () => live && setTexts(null),
    );
    return () => {
      live = false;
    };
  }, [samples, loadTokenTexts]);
  return (
    <table className="batch-samples" data-testid="batch.samples">
      <thead>
        <tr>
          <th scope="col">Prompt</th>
          <th scope="col">Sample</th>
          <th scope="col">Completion</th>
          <th scope="col">Match</th>
          <th scope="col">Stopped by</th>
          <th scope="col">Tokens (ln p · entropy bits)</th>
        </tr>
      </thead>
      <tbody>
        {samples.map((s) => (
          <tr key={s.task} data-testid="batch.sample" data-task={s.task}>
            <td>{s.promptId}</td>
            <td>{s.sample}</td>
            <td>
              <code data-testid="batch.sample.completion">{visibleCompletion(s.completion)}</code>
            </td>
            <td className={s.matched === null ? 'muted' : s.matched ? 'batch-samples__yes' : 'batch-samples__no'}>
              {MATCH_TEXT(s.matched)}
            </td>
            <td>{s.stoppedBy}</td>
            <td>
              <ol className="batch-samples__tokens">
                {s.tokenIds.map((id, i) => (
                  <li key={i} title={`token ${id}: p = ${Math.exp(s.logProbs[i]).toPrecision(3)}`}>
                    <code>{texts?.has(id) ? JSON.stringify(texts.get(id)) : `#${id}`}</code> {s.logProbs[i].toFixed(3)}{' '}
                    · {formatBits(s.entropyBits[i])}
                  </li>
                ))}
              </ol>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
