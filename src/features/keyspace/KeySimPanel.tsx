/**
 * The current distribution in key space: its top-N candidates by rank against keySim (the
 * highest cosine between a candidate's key and a top-K key), the mid-ranked look-alikes
 * listed with the top key they resemble, then the maps and the spurious-correlation split
 * of the same candidates.
 */
import { ExportableChart } from '../common/ChartExport';
import { useMemo, useState } from 'react';
import { RankKeySimChart, pointKind, type RankKeySimPoint } from '../../charts/RankKeySimChart';
import { formatProbability } from '../../charts/ProbabilityBars';
import type { KeySpaceInfo } from '../../protocol/keySpace';
import { engineClient } from '../../state/engineClient';
import { focusKeyToken } from '../../state/keySpaceStore';
import { useSession } from '../../state/sessionStore';
import { useWidth } from '../next-token/useWidth';
import { visibleToken } from '../../core/tokenization/visibleText';
import { KeyMapPanel } from './KeyMapPanel';
import { SpuriousPanel } from './SpuriousPanel';
import { useWorkerCall } from '../common/useWorkerTask';

interface Props {
  modelKey: string;
  info: KeySpaceInfo;
  tokenText: (id: number) => string;
  focusTokenId: number | null;
}

function intInput(value: string, min: number, max: number): number | null {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

export function KeySimPanel({ modelKey, info, tokenText, focusTokenId }: Props) {
  const row = useSession((s) => s.nextToken.row);
  const modelLabel = useSession((s) => s.model?.label ?? '');
  const analysedIds = useSession((s) => s.nextToken.analysedIds);
  const startTokenId = useSession((s) => s.nextToken.analysis?.startTokenId ?? null);
  const textLength = analysedIds.length;
  const [topN, setTopN] = useState(100);
  const [topK, setTopK] = useState(10);
  const [threshold, setThreshold] = useState(() => Number(info.randomPairCosine.p90.toFixed(2)));
  const [chartRef, width] = useWidth<HTMLDivElement>(640);
  // A new row (an object from the store) or setting asks again; the key is memoised so it changes only then.
  const key = useMemo(() => (row ? { modelKey, row, topN, topK } : null), [modelKey, row, topN, topK]);
  const call = useWorkerCall(key, (signal) =>
    engineClient().call('keySim', { logits: row!.logits, topN, topK }, { signal }),
  );
  // After an error the older candidates are not shown beside it.
  const result = call.status === 'error' ? null : call.result;
  const label = (id: number) => JSON.stringify(tokenText(id));
  const points: RankKeySimPoint[] = useMemo(
    () =>
      (result?.candidates ?? []).map((c) => ({
        tokenId: c.tokenId,
        rank: c.rank,
        keySim: c.keySim,
        description: `#${c.rank} ${label(c.tokenId)} · p ${formatProbability(c.probability)} · keySim ${Number.isFinite(c.keySim) ? c.keySim.toFixed(3) : '–'}${c.nearestTopRank ? ` (to #${c.nearestTopRank} ${label(result!.candidates[c.nearestTopRank - 1].tokenId)})` : ''}`,
      })),
    [result, tokenText],
  );
  const lookAlikes = (result?.candidates ?? []).filter((c) => pointKind(c, result!.topK, threshold) === 'look-alike');
  const where = row
    ? row.position === textLength
      ? 'the next token after the text'
      : `position ${row.position} of the text`
    : null;
  return (
    <section
      className="keyspace__keysim"
      aria-label="The current distribution in key space"
      data-testid="keyspace.keysim"
      data-status={call.status}
    >
      <h3>The current distribution: rank against key similarity</h3>
      {!row && <p className="hint">No distribution yet: type a text in the Next token view.</p>}
      {row && (
        <p className="hint">
          The distribution over {where} (from the Next token view). A logit is q · key, so a token whose key resembles a
          top key gets a similar logit whether or not it fits (Peng et al. 2024, docs/PAPERS.md section 1). keySim =
          highest cosine between the candidate’s key and the keys of the top {topK}; for comparison, random pairs of
          this model’s keys have median cosine {info.randomPairCosine.p50.toFixed(2)}, 90th percentile{' '}
          {info.randomPairCosine.p90.toFixed(2)}.
        </p>
      )}
      <div className="keyspace__controls">
        <label>
          Candidates (N){' '}
          <input
            type="number"
            min={2}
            max={1000}
            value={topN}
            data-testid="keyspace.topN"
            onChange={(e) => {
              const n = intInput(e.target.value, 2, 1000);
              if (n !== null) setTopN(n);
            }}
          />
        </label>
        <label>
          Top keys (K){' '}
          <input
            type="number"
            min={1}
            max={50}
            value={topK}
            data-testid="keyspace.topK"
            onChange={(e) => {
              const n = intInput(e.target.value, 1, 50);
              if (n !== null) setTopK(n);
            }}
          />
        </label>
        <label>
          Look-alike at keySim ≥{' '}
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={threshold}
            data-testid="keyspace.threshold"
            onChange={(e) => setThreshold(Number(e.target.value))}
          />{' '}
          {threshold.toFixed(2)}
        </label>
      </div>
      {call.status === 'error' && (
        <p className="error" role="alert">
          {call.error}
        </p>
      )}
      <div ref={chartRef}>
        {result && (
          <ExportableChart title="Rank against key similarity" caption={modelLabel} testId="keysim.export">
            <RankKeySimChart
              points={points}
              topK={result.topK}
              threshold={threshold}
              baseline={info.randomPairCosine.p50}
              width={Math.max(320, width)}
              onSelect={focusKeyToken}
            />
          </ExportableChart>
        )}
      </div>
      {result && (
        <>
          <p className="legend">
            <span>
              <span className="legend__swatch rank-keysim__swatch--top" /> top {result.topK}
            </span>
            <span>
              <span className="legend__swatch rank-keysim__swatch--look-alike" /> beyond the top {result.topK}, key like
              a top key (look-alike)
            </span>
            <span>
              <span className="legend__swatch rank-keysim__swatch--other" /> other
            </span>
          </p>
          <h4>
            Mid-ranked look-alikes ({lookAlikes.length} of {result.candidates.length - result.topK} beyond the top{' '}
            {result.topK})
          </h4>
          <ul className="keyspace__lookalikes" data-testid="keyspace.lookalikes">
            {lookAlikes.slice(0, 40).map((c) => (
              <li key={c.tokenId}>
                <button
                  type="button"
                  className="keyspace__token"
                  data-testid="keyspace.lookalike"
                  data-token-id={c.tokenId}
                  onClick={() => focusKeyToken(c.tokenId)}
                >
                  {visibleToken(tokenText(c.tokenId))}
                </button>{' '}
                #{c.rank} · keySim {c.keySim.toFixed(2)} to{' '}
                {visibleToken(tokenText(result.candidates[c.nearestTopRank - 1].tokenId))} (#{c.nearestTopRank})
              </li>
            ))}
          </ul>
          <KeyMapPanel
            modelKey={modelKey}
            candidates={result.candidates}
            topK={result.topK}
            tokenText={tokenText}
            focusTokenId={focusTokenId}
          />
          <SpuriousPanel
            result={result}
            threshold={threshold}
            tokenText={tokenText}
            contextIds={row && startTokenId !== null ? [startTokenId, ...analysedIds.slice(0, row.position)] : []}
          />
        </>
      )}
    </section>
  );
}
