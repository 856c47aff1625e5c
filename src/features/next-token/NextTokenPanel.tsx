/**
 * The next-token lab: the text scored at every position in one pass, each token coloured by
 * a metric with its legend and GLTR's histograms, the distribution at any position with the
 * sampling pipeline drawn over it, steps and generation, and the tree of continuations.
 */
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { Histogram } from '../../charts/Histogram';
import { metricHistogram } from '../../core/lab/gltrPanels';
import { meanSurprisalBits } from '../../core/lab/positionMetrics';
import { bytesProblem, LIMITS, limitSentence } from '../../core/limits';
import { utf8Length } from '../../core/tokenizers/words';
import {
  COLOUR_METRICS,
  metricScale,
  parseThresholds,
  thresholdsProblem,
  type ColourMetric,
} from '../../core/lab/tokenColours';
import { setText, updateSettings } from '../../state/engineActions';
import {
  analysisFreshness,
  cancelAnalysis,
  refreshAnalysis,
  refuseText,
  selectPosition,
} from '../../state/nextTokenActions';
import { useSession } from '../../state/sessionStore';
import { SaveExperiment } from '../experiments/SaveExperiment';
import { BranchTreeView } from './BranchTreeView';
import { CautiousView } from './CautiousView';
import { DistributionPanel } from './DistributionPanel';
import { GenerateControls } from './GenerateControls';
import { GltrPanels } from './GltrPanels';
import { SamplingControls } from './SamplingControls';
import { LongTextBox } from '../shared/LongTextBox';
import { TokenChips } from './TokenChips';
import { useWidth } from './useWidth';
import { chartCaption } from '../../core/lab/chartCaption';
import { formatCount } from '../../core/formatCount';

/** Stated by the text box, before any work. */
const TEXT_LIMIT = limitSentence(LIMITS.nextTokenLab);

export function NextTokenPanel() {
  const text = useSession((s) => s.text);
  const lab = useSession((s) => s.lab);
  const model = useSession((s) => s.model);
  const settings = useSession((s) => s.settings);
  const vocabulary = useSession((s) => s.vocabulary);
  const [thresholdText, setThresholdText] = useState(settings.gltrThresholds.join(', '));
  const [sideRef, sideWidth] = useWidth<HTMLDivElement>(280);
  const scale = useMemo(
    () => metricScale(settings.colourMetric, settings.gltrThresholds),
    [settings.colourMetric, settings.gltrThresholds],
  );
  const tokens = useMemo(
    () => [...lab.textTokens, ...lab.continuationTokens],
    [lab.textTokens, lab.continuationTokens],
  );
  // Figures only for the text on screen; while a new text is scored, chips keep the colours of the unchanged prefix.
  // Keyed on what it reads: a progress update during scoring does not re-walk 50,000 ids.
  const freshness = useMemo(() => analysisFreshness(lab), [lab.analysis, lab.analysedIds, lab.textIds, lab.tree]);
  const shown = freshness.current ? lab.analysis : null;
  const analysed = shown?.positions ?? null;
  const meanBits = analysed ? meanSurprisalBits(analysed) : null;
  const thresholdsError = thresholdsProblem(thresholdText);
  const chipMetrics = useMemo(
    () => analysed ?? lab.analysis?.positions.slice(0, freshness.validPrefix) ?? null,
    [analysed, lab.analysis, freshness.validPrefix],
  );
  // A new text of 50,000 tokens, or its scores, re-render the chips and the GLTR panels in a
  // deferred, interruptible render: the worker's message is handled at once and clicks go first.
  const chips = useDeferredValue(
    useMemo(
      () => ({ tokens, metrics: chipMetrics, continuationStart: lab.textTokens.length }),
      [tokens, chipMetrics, lab.textTokens.length],
    ),
  );
  const panelMetrics = useDeferredValue(analysed);
  const tokenText = useCallback((id: number) => vocabulary?.tokens[id] ?? `#${id}`, [vocabulary]);
  const metricBars = useMemo(
    () =>
      analysed && settings.colourMetric !== 'rank'
        ? metricHistogram(analysed, settings.colourMetric, settings.gltrThresholds).map((b) => ({
            label: formatEdge(b.from),
            count: b.count,
            colour: scale.colour((b.from + b.to) / 2),
          }))
        : null,
    [analysed, settings.colourMetric, settings.gltrThresholds, scale],
  );
  const selected = lab.selected ?? tokens.length;
  const tooLong = useMemo(() => bytesProblem(LIMITS.nextTokenLab, utf8Length(text)), [text]);
  const metricInfo = COLOUR_METRICS.find((m) => m.metric === settings.colourMetric)!;

  const onTextChange = (value: string) => {
    if (bytesProblem(LIMITS.nextTokenLab, utf8Length(value))) {
      // Kept (nothing typed is lost) but not scored: the refusal below says why.
      useSession.setState({ text: value });
      refuseText();
      return;
    }
    setText(value);
  };

  return (
    <section className="next-token" aria-label="Next-token lab">
      <label className="next-token__label" htmlFor="text-input">
        Text <span className="hint">({TEXT_LIMIT})</span>
      </label>
      <LongTextBox
        id="text-input"
        testId="text.input"
        className="next-token__text"
        value={text}
        onChange={onTextChange}
        rows={4}
      />
      {tooLong && (
        <p className="notice notice--error" role="alert" data-testid="text.too-long">
          {tooLong} It is kept here but not scored: shorten it, or score the whole file with the CLI:{' '}
          <code>npm run cli -- score file.txt</code>.
        </p>
      )}
      <div className="next-token__toolbar">
        <label>
          Colour by{' '}
          <select
            value={settings.colourMetric}
            data-testid="text.metric"
            onChange={(e) => updateSettings({ colourMetric: e.target.value as ColourMetric })}
          >
            {COLOUR_METRICS.map((m) => (
              <option key={m.metric} value={m.metric}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {settings.colourMetric === 'rank' && (
          <>
            <label>
              Buckets{' '}
              <input
                className="next-token__thresholds"
                value={thresholdText}
                data-testid="text.thresholds"
                aria-invalid={thresholdsError !== null}
                onChange={(e) => {
                  setThresholdText(e.target.value);
                  const parsed = parseThresholds(e.target.value);
                  if (parsed) updateSettings({ gltrThresholds: parsed });
                }}
              />
            </label>
            {thresholdsError && (
              <span className="error" data-testid="text.thresholds.problem">
                {thresholdsError}
              </span>
            )}
          </>
        )}
        <span className="legend" data-testid="text.legend" aria-label={`Legend: ${metricInfo.label}`}>
          {scale.legend.map((stop) => (
            <span key={stop.label} className="legend__stop">
              <span className="legend__swatch" style={{ background: stop.colour }} />
              {stop.label}
            </span>
          ))}
        </span>
      </div>
      <small className="hint">{metricInfo.explanation}</small>
      <div className="next-token__status" data-testid="analysis.status" data-status={lab.status}>
        {lab.status === 'running' && lab.progress && lab.progress.totalWindows > 1 ? (
          <>
            Scoring window {lab.progress.doneWindows} of {lab.progress.totalWindows}…{' '}
            <button type="button" data-testid="analysis.cancel" onClick={cancelAnalysis}>
              Cancel
            </button>
          </>
        ) : lab.status === 'error' ? (
          <span className="error" role="alert">
            {lab.error}
          </span>
        ) : shown && model ? (
          <>
            {shown.positions.length.toLocaleString('en-US')} tokens scored after the start token
            {meanBits !== null ? ` · mean surprisal ${meanBits.toFixed(2)} bits` : ''} · model run on{' '}
            {shown.computedTokens.toLocaleString('en-US')} {shown.computedTokens === 1 ? 'token' : 'tokens'}
            {shown.reusedPositions > 0
              ? ` (${shown.reusedPositions.toLocaleString('en-US')} positions kept from before the edit)`
              : ''}{' '}
            · {shown.elapsedMs.toFixed(0)} ms
            {shown.windowCount > 1 && (
              <span data-testid="analysis.windowed">
                {' '}
                · longer than the model’s {shown.windowTokens}-token context: scored through {shown.windowCount}{' '}
                overlapping windows, each token sees at least {Math.ceil(shown.windowTokens / 2)} tokens before it
              </span>
            )}
          </>
        ) : lab.status === 'running' ? (
          'Scoring…'
        ) : model && !tooLong && lab.status === 'idle' && lab.textIds.length > 0 ? (
          <>
            Not scored.{' '}
            <button type="button" data-testid="analysis.score" onClick={() => void refreshAnalysis()}>
              Score
            </button>
          </>
        ) : model ? (
          ''
        ) : (
          'Waiting for the model…'
        )}
      </div>
      <div className="next-token__text-row">
        <TokenChips
          tokens={chips.tokens}
          metrics={chips.metrics}
          continuationStart={chips.continuationStart}
          scale={scale}
          thresholds={settings.gltrThresholds}
          selected={selected}
          onSelect={selectPosition}
          tokenText={tokenText}
        />
        <div className="next-token__side" ref={sideRef}>
          {analysed && analysed.length > 0 && (
            <>
              {panelMetrics && (
                <GltrPanels
                  metrics={panelMetrics}
                  thresholds={settings.gltrThresholds}
                  width={Math.max(160, sideWidth)}
                  caption={chartCaption(model?.label, `${formatCount(panelMetrics.length)} tokens`)}
                />
              )}
              {metricBars && (
                <Histogram
                  testId="text.metric.histogram"
                  title={metricInfo.label}
                  width={Math.max(160, sideWidth)}
                  bars={metricBars}
                />
              )}
            </>
          )}
        </div>
      </div>
      <div className="next-token__columns">
        <div className="next-token__main-column">
          <DistributionPanel />
        </div>
        <div className="next-token__controls-column">
          <SaveExperiment />
          <SamplingControls />
          <GenerateControls />
          <CautiousView />
          <BranchTreeView />
        </div>
      </div>
    </section>
  );
}

function formatEdge(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
