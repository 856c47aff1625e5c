/**
 * The distribution at the selected position: the whole vocabulary's softmax in float64, the
 * top-N bars with rank and probability, the actual token wherever it ranks, the tail mass,
 * the entropy, and what each sampling stage keeps. Clicking a bar appends that token.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { ChartExport } from '../common/ChartExport';
import { ProbabilityBars, type ProbabilityBar } from '../../charts/ProbabilityBars';
import { chartCaption, samplingCaption } from '../../core/lab/chartCaption';
import { distributionView, STAGE_NAMES } from '../../core/lab/distributionView';
import { appendToken, canAppendAt, currentRow } from '../../state/nextTokenActions';
import { updateSettings } from '../../state/engineActions';
import { openKeySpace } from '../../state/keySpaceStore';
import { useSession } from '../../state/sessionStore';
import { markDistributionShown } from '../../state/nextTokenFirstView';
import { useLabOnScreen } from './useLabOnScreen';
import { PRESENTER_BAR_SCALE, PRESENTER_TOP_N, usePresenter } from '../../state/presenterStore';
import { visibleToken } from '../../core/tokenization/visibleText';
import { useWidth } from './useWidth';

const STAGE_LABELS: Record<string, string> = {
  temperature: 'temperature',
  topK: 'top-k',
  topP: 'top-p',
  minP: 'min-p',
};

export function DistributionPanel() {
  const { lab, vocabulary, modelLabel, precomputed } = useLabOnScreen();
  const settings = useSession((s) => s.settings);
  const [chartRef, width] = useWidth<HTMLDivElement>();
  /** Which stage's probabilities the solid bars show (3: after every stage). */
  const [stageShown, setStageShown] = useState(3);
  const focusAfterAppend = useRef<number | null>(null);
  // A row of the previous text is not drawn under a new one (unless the edit left its context alone).
  const row = useMemo(() => currentRow(lab), [lab]);
  const actualTokenId = row && row.position < lab.analysedIds.length ? lab.analysedIds[row.position] : null;
  const presenting = usePresenter((s) => s.presenting);
  const { temperature, topK, topP, minP } = settings;
  // Presenter mode draws fewer, larger bars: all of them fit a 720 px screen under the text.
  const topN = presenting ? Math.min(settings.topN, PRESENTER_TOP_N) : settings.topN;
  // Only what the maths reads: a colour-metric or scale change does not recompute the softmax.
  const view = useMemo(
    () => (row ? distributionView(row.logits, { temperature, topK, topP, minP }, topN, actualTokenId) : null),
    [row, temperature, topK, topP, minP, topN, actualTokenId],
  );
  // The precomputed first view has the logits after the text, not the model: nothing is appended until it is loaded.
  const appendable = !precomputed && canAppendAt(lab);
  const live = !precomputed && lab.status === 'ready';
  useEffect(() => {
    if (view) markDistributionShown(live);
  }, [view, live]);
  const bars: ProbabilityBar[] = (view?.rows ?? []).map((r) => {
    const removedAt = r.removedBy ? STAGE_NAMES.indexOf(r.removedBy) : -1;
    return {
      key: r.tokenId,
      label: visibleToken(vocabulary?.tokens[r.tokenId] ?? `#${r.tokenId}`),
      probability: r.probability,
      shownProbability: r.afterStage[stageShown],
      removedBy: removedAt >= 0 && removedAt <= stageShown ? STAGE_LABELS[r.removedBy!] : null,
      rank: r.rank,
      isActual: r.isActual,
      detail: `id ${r.tokenId} · log p ${r.logProb.toFixed(3)}${r.isActual ? ' · the actual token' : ''}`,
    };
  });
  const position = row?.position ?? 0;
  const atEnd = position === lab.analysedIds.length;
  return (
    <section className="distribution" aria-label="Distribution at the selected position">
      <div className="distribution__head" data-testid="distribution.summary">
        {view && row ? (
          <>
            <strong>{atEnd ? 'Next token' : `Position ${position}`}</strong>
            {precomputed && (
              <>
                {' '}
                <span className="precomputed-tag" data-testid="distribution.precomputed">
                  precomputed · model loading
                </span>
              </>
            )}
            {!atEnd && actualTokenId !== null && (
              <>
                {' '}
                · actual {JSON.stringify(vocabulary?.tokens[actualTokenId] ?? '')} at rank{' '}
                {view.rows.find((r) => r.isActual)?.rank.toLocaleString('en-US')}
              </>
            )}{' '}
            · entropy {view.entropyBits.toFixed(2)} bits
            {settingsChangeDistribution(view.stages)
              ? ` → ${view.sampledEntropyBits.toFixed(2)} after sampling settings`
              : ''}{' '}
            · context {row.contextTokens.toLocaleString('en-US')} tokens · tail: the other{' '}
            {view.tail.count.toLocaleString('en-US')} tokens hold {(view.tail.probability * 100).toFixed(1)}%
          </>
        ) : lab.status === 'error' ? (
          <span className="error">{lab.error}</span>
        ) : lab.status === 'running' ? (
          'Scoring…'
        ) : (
          'Waiting for the model…'
        )}
      </div>
      <div className="distribution__options">
        <label>
          Bars show p after{' '}
          <select
            value={stageShown}
            data-testid="distribution.stage"
            onChange={(e) => setStageShown(Number(e.target.value))}
          >
            {STAGE_NAMES.map((name, i) => (
              <option key={name} value={i}>
                {i === 3 ? 'every stage (what is sampled)' : STAGE_LABELS[name]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Scale{' '}
          <select
            value={settings.probabilityScale}
            data-testid="distribution.scale"
            onChange={(e) => updateSettings({ probabilityScale: e.target.value as 'linear' | 'log' })}
          >
            <option value="linear">linear</option>
            <option value="log">log</option>
          </select>
        </label>
        <label>
          Bars{' '}
          <input
            type="number"
            min={1}
            max={200}
            value={settings.topN}
            data-testid="distribution.topN"
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 1 && n <= 200) updateSettings({ topN: n });
            }}
          />
        </label>
        {view && (
          <ChartExport
            title={`Next-token distribution at ${atEnd ? 'the end' : `position ${position}`}`}
            caption={chartCaption(
              modelLabel,
              samplingCaption(settings),
              stageShown === 3 ? 'bars after every stage' : `bars after ${STAGE_LABELS[STAGE_NAMES[stageShown]]}`,
            )}
            containerRef={chartRef}
            testId="distribution.export"
          />
        )}
      </div>
      {view && (
        <ol className="stages" data-testid="distribution.stages">
          {view.stages.map((stage) => (
            <li
              key={stage.name}
              className={stage.active ? 'stage stage--active' : 'stage'}
              data-stage={stage.name}
              data-kept={stage.keptCount}
            >
              {STAGE_LABELS[stage.name]}:{' '}
              {stage.active
                ? `keeps ${stage.keptCount.toLocaleString('en-US')} tokens${stage.name === 'temperature' ? '' : `, removes ${(stage.removedProbability * 100).toFixed(1)}% of the mass`}`
                : 'off'}
            </li>
          ))}
        </ol>
      )}
      <div
        ref={chartRef}
        className={`distribution__chart${lab.status === 'running' ? ' is-running' : ''}`}
        data-testid="distribution.chart"
        data-status={precomputed ? 'precomputed' : lab.status === 'ready' && row ? 'ready' : lab.status}
        data-position={position}
      >
        {view && (
          <ProbabilityBars
            bars={bars}
            tailProbability={view.tail.probability}
            tailShownProbability={view.tail.afterStage[stageShown]}
            tailCount={view.tail.count}
            width={width}
            scale={settings.probabilityScale}
            onSelect={
              appendable && !lab.generation
                ? (bar) => {
                    // Enter on a focused bar: the chart is redrawn for the next position; the focus comes back to the same row.
                    if (document.activeElement?.closest('[data-testid="distribution.chart"]'))
                      focusAfterAppend.current = bars.findIndex((b) => b.key === bar.key);
                    void appendToken(Number(bar.key), 'click');
                  }
                : undefined
            }
            pendingFocusRow={focusAfterAppend}
            sizeScale={presenting ? PRESENTER_BAR_SCALE : 1}
            onInspect={precomputed ? undefined : (bar) => openKeySpace(Number(bar.key))}
            inspectLabel="Key space: this token's nearest keys and this distribution's keySim"
          />
        )}
      </div>
      {view && (
        <p className="hint">
          {precomputed
            ? 'Precomputed for this text and shipped with the app: bars can be clicked once the model is loaded. '
            : appendable
              ? 'Click a bar (or focus it and press Enter) to append that token. '
              : 'Select the end of the text (next ▸) or a generated token to append tokens. '}
          Pale bars: the model’s probability at temperature 1; solid bars: after the sampling settings.
          {precomputed ? '' : ' ◎ opens a token in the key space.'}
        </p>
      )}
    </section>
  );
}

function settingsChangeDistribution(stages: readonly { active: boolean }[]): boolean {
  return stages.some((s) => s.active);
}
