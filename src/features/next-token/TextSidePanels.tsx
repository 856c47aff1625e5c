/** Beside the chips: GLTR's histograms and the histogram of the colour metric, as wide as their column. */
import { useMemo } from 'react';
import { Histogram } from '../../charts/Histogram';
import { chartCaption } from '../../core/lab/chartCaption';
import { metricHistogram } from '../../core/lab/gltrPanels';
import type { PositionMetrics } from '../../core/lab/positionMetrics';
import type { ColourMetric, MetricScale } from '../../core/lab/tokenColours';
import { formatCount } from '../../core/formatCount';
import { GltrPanels } from './GltrPanels';
import { useWidth } from './useWidth';

export function TextSidePanels({
  analysed,
  panelMetrics,
  colourMetric,
  thresholds,
  scale,
  metricLabel,
  modelLabel,
}: {
  /** The figures of the text on screen (null while it is not scored). */
  analysed: readonly PositionMetrics[] | null;
  /** The same, deferred: the GLTR panels follow in an interruptible render. */
  panelMetrics: readonly PositionMetrics[] | null;
  colourMetric: ColourMetric;
  thresholds: number[];
  scale: MetricScale;
  metricLabel: string;
  modelLabel: string | undefined;
}) {
  const [sideRef, sideWidth] = useWidth<HTMLDivElement>(280);
  const metricBars = useMemo(
    () =>
      analysed && colourMetric !== 'rank'
        ? metricHistogram(analysed, colourMetric, thresholds).map((b) => ({
            label: formatEdge(b.from),
            count: b.count,
            colour: scale.colour((b.from + b.to) / 2),
          }))
        : null,
    [analysed, colourMetric, thresholds, scale],
  );

  return (
    <div className="next-token__side" ref={sideRef}>
      {analysed && analysed.length > 0 && (
        <>
          {panelMetrics && (
            <GltrPanels
              metrics={panelMetrics}
              thresholds={thresholds}
              width={Math.max(160, sideWidth)}
              caption={chartCaption(modelLabel, `${formatCount(panelMetrics.length)} tokens`)}
            />
          )}
          {metricBars && (
            <Histogram
              testId="text.metric.histogram"
              title={metricLabel}
              width={Math.max(160, sideWidth)}
              bars={metricBars}
            />
          )}
        </>
      )}
    </div>
  );
}

function formatEdge(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
