/**
 * The key maps: PCA of all keys computed once per model in the worker; the top-N candidates
 * on those axes coloured by probability, and the whole vocabulary on a canvas with the same
 * candidates highlighted.
 */
import { useMemo } from 'react';
import { KeyScatter, probabilityColour, type KeyScatterPoint } from '../../charts/KeyScatter';
import { formatProbability } from '../../charts/ProbabilityBars';
import { VocabularyMap } from '../../charts/VocabularyMap';
import type { KeySimRow } from '../../protocol/keySpace';
import { engineClient } from '../../state/engineClient';
import { focusKeyToken } from '../../state/keySpaceStore';
import { useWidth } from '../next-token/useWidth';
import { visibleToken } from '../../core/tokenization/visibleText';
import { useWorkerCall } from '../common/useWorkerTask';

interface Props {
  modelKey: string;
  candidates: readonly KeySimRow[];
  topK: number;
  tokenText: (id: number) => string;
  focusTokenId: number | null;
}

export function KeyMapPanel({ modelKey, candidates, topK, tokenText, focusTokenId }: Props) {
  const map = useWorkerCall(modelKey, (signal) => engineClient().call('keyMap', {}, { signal }));
  // After an error the map drawn before is not shown beside it.
  const drawn = map.status === 'error' ? null : map.result;
  const [ref, width] = useWidth<HTMLDivElement>(640);
  const coordinates = drawn?.coordinates ?? null;
  const points: KeyScatterPoint[] = useMemo(
    () =>
      coordinates
        ? candidates.map((c) => ({
            tokenId: c.tokenId,
            x: coordinates[2 * c.tokenId],
            y: coordinates[2 * c.tokenId + 1],
            probability: c.probability,
            rank: c.rank,
            label: visibleToken(tokenText(c.tokenId)),
            description: `#${c.rank} ${JSON.stringify(tokenText(c.tokenId))} · p ${formatProbability(c.probability)}`,
          }))
        : [],
    [coordinates, candidates, tokenText],
  );
  const highlighted = useMemo(
    () => [...candidates].reverse().map((c) => ({ tokenId: c.tokenId, colour: probabilityColour(c.probability) })),
    [candidates],
  );
  const half = Math.max(280, Math.floor((width - 16) / 2));
  return (
    <section className="keyspace__maps" aria-label="Key maps" data-testid="keyspace.maps" data-status={map.status}>
      <h4>Where the candidates’ keys sit (PCA of the keys)</h4>
      {map.status === 'working' && <p className="hint">Computing the principal axes of the keys in the worker…</p>}
      {map.status === 'cancelled' && <p className="hint">Computing the principal axes was cancelled.</p>}
      {map.status === 'error' && (
        <p className="error" role="alert">
          {map.error}
        </p>
      )}
      <div ref={ref} className="keyspace__map-row">
        {drawn && (
          <>
            <figure>
              <KeyScatter
                points={points}
                topK={topK}
                width={half}
                focusTokenId={focusTokenId}
                onSelect={focusKeyToken}
              />
              <figcaption className="hint">
                The top {candidates.length} candidates; colour = probability (log scale, yellow = likely), top {topK}{' '}
                larger and labelled.
              </figcaption>
            </figure>
            <figure>
              <VocabularyMap
                coordinates={drawn.coordinates}
                highlighted={highlighted}
                focusTokenId={focusTokenId}
                width={half}
                onSelect={focusKeyToken}
                label={`All ${(drawn.coordinates.length / 2).toLocaleString('en-US')} keys on the first two principal axes, the candidates highlighted`}
              />
              <figcaption className="hint">
                All {(drawn.coordinates.length / 2).toLocaleString('en-US')} keys (grey), the candidates in colour, the
                focused token ringed in red. Axes: the first two principal components,{' '}
                {(100 * drawn.explainedVarianceRatio[0]).toFixed(1)}% and{' '}
                {(100 * drawn.explainedVarianceRatio[1]).toFixed(1)}% of the keys’ variance
                {drawn.rowsUsed < drawn.coordinates.length / 2
                  ? ` (estimated from ${drawn.rowsUsed.toLocaleString('en-US')} evenly spaced keys)`
                  : ''}
                : two dimensions keep only a little of the geometry, so trust the neighbour lists and keySim over
                distances here. Click a point to focus it.
              </figcaption>
            </figure>
          </>
        )}
      </div>
    </section>
  );
}
