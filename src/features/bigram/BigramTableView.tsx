/** The full bigram table: the model's context-1 prediction for the N most frequent tokens (corpus, else the text), cached per model. */
import { useState } from 'react';
import type { BigramProgress, BigramTableResult, CorpusInfo } from '../../protocol/bigram';
import type { TokenView } from '../../protocol/nextToken';
import { engineClient } from '../../state/engineClient';
import { visibleToken } from '../../core/tokenization/visibleText';
import { ProgressLine } from './ProgressLine';
import { useWorkerTask } from '../common/useWorkerTask';

const SIZES = [50, 200, 1000, 2000];

/** The text's tokens by how often they occur (ties: first occurrence). */
function frequentInText(ids: readonly number[], n: number): number[] {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([id]) => id);
}

interface TableShown {
  table: BigramTableResult;
  views: Map<number, TokenView>;
}

export function BigramTableView({ ids, corpus }: { ids: readonly number[] | null; corpus: CorpusInfo | null }) {
  const [size, setSize] = useState(200);
  const task = useWorkerTask<TableShown, BigramProgress>();
  const build = () =>
    task.run(async (signal, onProgress) => {
      const tokenIds = corpus ? null : frequentInText(ids ?? [], size);
      const table = await engineClient().call('bigramTable', { tokenIds, count: size }, { signal, onProgress });
      const wanted = new Set<number>();
      for (const row of table.rows) {
        wanted.add(row.tokenId);
        for (const t of [...row.top, ...(row.corpusTop ?? [])]) wanted.add(t.id);
      }
      const views = await engineClient().call('tokenViews', { ids: [...wanted] }, { signal });
      return { table, views: new Map(views.map((v) => [v.id, v])) };
    });
  const label = (views: Map<number, TokenView>, id: number) => visibleToken(views.get(id)?.text ?? `#${id}`);
  const shown = task.result;
  return (
    <section className="bigram__full-table" data-testid="bigram.table">
      <h2>Bigram table</h2>
      <div className="bigram__row">
        <label>
          Most frequent{' '}
          <select value={size} onChange={(e) => setSize(Number(e.target.value))} data-testid="bigram.table.size">
            {SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>{' '}
          tokens of {corpus ? corpus.label : 'the text'}
        </label>
        <button type="button" onClick={build} disabled={!corpus && !ids?.length} data-testid="bigram.table.build">
          Build table
        </button>
      </div>
      <ProgressLine
        status={task.status}
        progress={task.progress}
        error={task.error}
        onCancel={task.cancel}
        testId="bigram.table.progress"
      />
      {shown && (
        <>
          <p className="bigram__note" data-testid="bigram.table.info">
            {shown.table.rows.length} rows: {shown.table.computedRows} computed now, {shown.table.cachedRows} from this
            model's cache.
          </p>
          <div className="bigram__scroll">
            <table className="bigram__table">
              <thead>
                <tr>
                  <th>Token</th>
                  <th>Model, current token only</th>
                  <th>Entropy (bits)</th>
                  {shown.table.corpusLabel && (
                    <>
                      <th>Corpus bigram</th>
                      <th>Cross-entropy (bits)</th>
                    </>
                  )}
                </tr>
              </thead>
              <tbody>
                {shown.table.rows.map((row) => (
                  <tr key={row.tokenId} data-testid="bigram.table.row">
                    <th scope="row">{label(shown.views, row.tokenId)}</th>
                    <td>
                      {row.top
                        .map((t) => `${label(shown.views, t.id)} ${(100 * t.probability).toFixed(1)}%`)
                        .join(' · ')}
                    </td>
                    <td>{row.entropyBits.toFixed(2)}</td>
                    {shown.table.corpusLabel && (
                      <>
                        <td>
                          {row.corpusTop?.length
                            ? row.corpusTop
                                .map((t) => `${label(shown.views, t.id)} ${(100 * t.probability).toFixed(1)}%`)
                                .join(' · ')
                            : 'never a context'}
                        </td>
                        <td>{row.corpusCrossEntropyBits?.toFixed(2) ?? '–'}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
