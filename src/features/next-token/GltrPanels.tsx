/** GLTR's three histograms over the scored text, beside the text view (docs/PAPERS.md section 6). */
import { memo } from 'react';
import { ExportableChart } from '../common/ChartExport';
import { Histogram } from '../../charts/Histogram';
import { rankBucketCounts, relativeToTopHistogram, top10EntropyHistogram } from '../../core/lab/gltrPanels';
import type { PositionMetrics } from '../../core/lab/positionMetrics';
import { GLTR_COLOURS } from '../../core/lab/tokenColours';

/** Memoised: three passes over every position, only when the metrics change (not on each window of progress). */
export const GltrPanels = memo(function GltrPanels({
  metrics,
  thresholds,
  width,
  caption,
}: {
  metrics: readonly PositionMetrics[];
  thresholds: readonly number[];
  width: number;
  /** For the exported files: the model and the text's length. */
  caption: string;
}) {
  const buckets = rankBucketCounts(metrics, thresholds);
  const bucketLabels = [...thresholds.map((t) => `≤${t}`), `>${thresholds.at(-1)}`];
  return (
    <div className="gltr" data-testid="gltr.panels">
      <ExportableChart title="GLTR: tokens per rank bucket" caption={caption} testId="gltr.ranks.export">
        <Histogram
          testId="gltr.ranks"
          title="Tokens per rank bucket"
          width={width}
          bars={buckets.map((count, i) => ({
            label: bucketLabels[i],
            count,
            colour: i === thresholds.length ? GLTR_COLOURS[3] : GLTR_COLOURS[i],
          }))}
        />
      </ExportableChart>
      <ExportableChart title="GLTR: Frac(p)" caption={caption} testId="gltr.frac.export">
        <Histogram
          testId="gltr.frac"
          title="p / top p (Frac(p))"
          width={width}
          bars={relativeToTopHistogram(metrics).map((b) => ({ label: b.from.toFixed(1), count: b.count }))}
        />
      </ExportableChart>
      <ExportableChart title="GLTR: top-10 entropy" caption={caption} testId="gltr.entropy.export">
        <Histogram
          testId="gltr.entropy"
          title="Top-10 entropy (nats)"
          width={width}
          bars={top10EntropyHistogram(metrics).map((b) => ({ label: b.from.toFixed(1), count: b.count }))}
        />
      </ExportableChart>
    </div>
  );
});
