/**
 * The next-token lab: the text scored at every position in one pass, each token coloured by
 * a metric with its legend and GLTR's histograms, the distribution at any position with the
 * sampling pipeline drawn over it, steps and generation, and the tree of continuations.
 */
import { useMemo } from 'react';
import { bytesProblem, LIMITS } from '../../core/limits';
import { utf8Length } from '../../core/tokenizers/words';
import { COLOUR_METRICS } from '../../core/lab/tokenColours';
import { selectPosition } from '../../state/nextTokenActions';
import { useSession } from '../../state/sessionStore';
import { DEFAULT_TEXT } from '../../state/settings';
import { setText } from '../../state/engineActions';
import { EmptyHint } from '../common/EmptyHint';
import { SaveExperiment } from '../experiments/SaveExperiment';
import { AnalysisStatusLine } from './AnalysisStatusLine';
import { BranchTreeView } from './BranchTreeView';
import { CautiousView } from './CautiousView';
import { ColourMetricToolbar } from './ColourMetricToolbar';
import { DistributionPanel } from './DistributionPanel';
import { GenerateControls } from './GenerateControls';
import { NextTokenTextInput } from './NextTokenTextInput';
import { LabReplacementNotice } from './LabReplacementNotice';
import { SamplingControls } from './SamplingControls';
import { TextSidePanels } from './TextSidePanels';
import { TokenChips } from './TokenChips';
import { useScoredTextView } from './useScoredTextView';
import { useLabOnScreen } from './useLabOnScreen';
import { useFirstView } from '../../state/nextTokenFirstView';

/** Chips of the precomputed first view select nothing: a position's logits need the model. */
const selectNothing = () => {};

export function NextTokenPanel() {
  const text = useSession((s) => s.text);
  const { lab, vocabulary, modelLabel, precomputed } = useLabOnScreen();
  const firstViewCheck = useFirstView((s) => s.check);
  const hasModel = useSession((s) => s.model !== null);
  const settings = useSession((s) => s.settings);
  const { scale, shown, analysed, chips, panelMetrics, tokenText, selected } = useScoredTextView(
    lab,
    settings.colourMetric,
    settings.gltrThresholds,
    vocabulary,
  );
  // Counted once per text: the limit check and the text box's size both read it.
  const textBytes = useMemo(() => utf8Length(text), [text]);
  const tooLong = bytesProblem(LIMITS.nextTokenLab, textBytes);
  const metricInfo = COLOUR_METRICS.find((m) => m.metric === settings.colourMetric)!;

  return (
    <section
      className="next-token"
      aria-label="Next-token lab"
      data-first-view={precomputed ? 'precomputed' : (firstViewCheck?.status ?? 'none')}
    >
      <NextTokenTextInput text={text} textBytes={textBytes} tooLong={tooLong} />
      <LabReplacementNotice />
      <ColourMetricToolbar
        colourMetric={settings.colourMetric}
        thresholds={settings.gltrThresholds}
        scale={scale}
        metricInfo={metricInfo}
      />
      <AnalysisStatusLine
        lab={lab}
        shown={shown}
        hasModel={hasModel}
        tooLong={tooLong}
        precomputedFor={precomputed ? modelLabel : undefined}
      />
      {firstViewCheck?.status === 'different' && (
        <p className="error" role="alert" data-testid="analysis.precomputed.mismatch">
          The precomputed first screen differed from the live model in {firstViewCheck.differences.length} figures (
          {firstViewCheck.differences[0]}): the live figures are shown.
        </p>
      )}
      {text === '' && (
        <EmptyHint name="lab" action={{ label: 'Use an example text', onClick: () => setText(DEFAULT_TEXT) }}>
          Type or paste a text above: each token will be scored, and the distribution shows what the model predicts
          next.
        </EmptyHint>
      )}
      {/* Chips and the distribution share the left column, so the distribution follows the text
          at once (at 1024 × 700 it started below the fold under the GLTR panels); the panels about
          the whole text sit at the top of the right column, above the controls. */}
      <div className="next-token__columns">
        <div className="next-token__main-column">
          <TokenChips
            tokens={chips.tokens}
            metrics={chips.metrics}
            continuationStart={chips.continuationStart}
            scale={scale}
            thresholds={settings.gltrThresholds}
            selected={selected}
            onSelect={precomputed ? selectNothing : selectPosition}
            tokenText={tokenText}
          />
          <DistributionPanel />
        </div>
        <div className="next-token__controls-column">
          <TextSidePanels
            analysed={analysed}
            panelMetrics={panelMetrics}
            colourMetric={settings.colourMetric}
            thresholds={settings.gltrThresholds}
            scale={scale}
            metricLabel={metricInfo.label}
            modelLabel={modelLabel}
          />
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
