/** What the chips and side panels show of the scored text: its colour scale, tokens, current figures and their deferred copies. */
import { useCallback, useDeferredValue, useMemo } from 'react';
import { metricScale, type ColourMetric } from '../../core/lab/tokenColours';
import type { VocabularyResult } from '../../protocol/nextToken';
import { analysisFreshness } from '../../state/nextTokenActions';
import type { NextTokenLabState } from '../../state/sessionStore';

export function useScoredTextView(
  lab: NextTokenLabState,
  colourMetric: ColourMetric,
  thresholds: number[],
  vocabulary: VocabularyResult | null,
) {
  const scale = useMemo(() => metricScale(colourMetric, thresholds), [colourMetric, thresholds]);
  const tokens = useMemo(
    () => [...lab.textTokens, ...lab.continuationTokens],
    [lab.textTokens, lab.continuationTokens],
  );
  // Figures only for the text on screen; while a new text is scored, chips keep the colours of the unchanged prefix.
  // Keyed on what it reads: a progress update during scoring does not re-walk 50,000 ids.
  const freshness = useMemo(() => analysisFreshness(lab), [lab.analysis, lab.analysedIds, lab.textIds, lab.tree]);
  const shown = freshness.current ? lab.analysis : null;
  const analysed = shown?.positions ?? null;
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
  const selected = lab.selected ?? tokens.length;
  return { scale, shown, analysed, chips, panelMetrics, tokenText, selected };
}
