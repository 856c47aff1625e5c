/**
 * The layer view at a selected position: logit-lens top tokens and KL to the final
 * distribution per layer, the cosine curves, recall@1/5/10 of the current token, and the
 * layer × layer covariance similarity (plain or per-dimension standardised; our reading of
 * the paper, docs/PAPERS.md section 2).
 */
import { ExportableChart } from '../common/ChartExport';
import { useEffect, useState } from 'react';
import type { BigramProgress, InternalsReport, LensResult } from '../../protocol/bigram';
import type { TokenView } from '../../protocol/nextToken';
import { CovarianceHeatmap } from '../../charts/CovarianceHeatmap';
import { LayerLineChart } from '../../charts/LayerLineChart';
import { engineClient } from '../../state/engineClient';
import { useSession } from '../../state/sessionStore';
import { chartCaption } from '../../core/lab/chartCaption';
import { visibleToken } from '../../core/tokenization/visibleText';
import { ProgressLine } from './ProgressLine';
import { useWorkerTask } from '../common/useWorkerTask';

export interface LayerViewProps {
  ids: readonly number[];
  position: number;
  internals: InternalsReport;
}

interface LensShown {
  lens: LensResult;
  views: Map<number, TokenView>;
}

/** The selected position's table, shown before the stretch's statistics arrive. */
interface SelectedShown {
  ids: readonly number[];
  selected: LensResult['selected'];
  layerCount: number;
  views: Map<number, TokenView>;
}

async function viewsOf(selected: LensResult['selected'], signal: AbortSignal): Promise<Map<number, TokenView>> {
  const wanted = [...new Set(selected.layers.flatMap((l) => l.top.map((t) => t.id)))];
  const views = await engineClient().call('tokenViews', { ids: wanted }, { signal });
  return new Map(views.map((v) => [v.id, v]));
}

/** The paper's released code does not define its layer-similarity heatmap: say that ours is a reading of it. */
const COVARIANCE_NOTE =
  "Our reading of the paper: its released code does not define this similarity. Here it is the Frobenius cosine of the layers' centred covariance matrices (docs/PAPERS.md section 2 E).";

export function LayerView({ ids, position, internals }: LayerViewProps) {
  const modelLabel = useSession((s) => s.model?.label);
  const task = useWorkerTask<LensShown, BigramProgress>();
  const [early, setEarly] = useState<SelectedShown | null>(null);
  const [standardised, setStandardised] = useState(false);
  useEffect(() => {
    if (!internals.available) return;
    task.run(async (signal, onProgress) => {
      // The table first (one window's forward), then the stretch's statistics (the rest of it).
      const first = await engineClient().call('layerLensSelected', { ids: [...ids], position }, { signal, onProgress });
      const firstViews = await viewsOf(first.selected, signal);
      setEarly({ ids, selected: first.selected, layerCount: first.layerCount, views: firstViews });
      const lens = await engineClient().call('layerLens', { ids: [...ids], position }, { signal, onProgress });
      const views = await viewsOf(lens.selected, signal);
      return { lens, views };
    });
  }, [ids, position, internals.available]);

  if (!internals.available) {
    return (
      <section className="bigram__layers" data-testid="bigram.layers" data-status="unavailable">
        <h2>Layers</h2>
        <p className="notice" role="note" data-testid="bigram.layers.unavailable">
          {internals.reason}
        </p>
      </section>
    );
  }
  // The stretch's charts of the previous click stay until the new ones come; the table never shows another position.
  const shown = task.result?.lens.selected.position === position ? task.result : null;
  const status = task.status === 'ready' && !shown ? 'working' : task.status;
  // The table of this position: from the whole result, or from the first answer while the rest runs.
  const table: SelectedShown | null = shown
    ? { ids, selected: shown.lens.selected, layerCount: shown.lens.layerCount, views: shown.views }
    : early?.ids === ids && early.selected.position === position
      ? early
      : null;
  return (
    <section
      className="bigram__layers"
      data-testid="bigram.layers"
      data-status={status}
      data-table-status={table ? 'ready' : status}
      aria-busy={status === 'working'}
    >
      <h2>Layers at position {position}</h2>
      <p className="bigram__note">
        Logit lens: each layer's residual stream through the final norm ({internals.finalNormSource}) and the
        unembedding. Layer 1 is the <em>early exit</em> approximation of the bigram subnetwork (an approximation, not
        the paper's trained mask).
      </p>
      <p className="bigram__note" data-testid="bigram.layers.residual">
        Residual stream: {internals.residualSource}.
      </p>
      <ProgressLine
        status={task.status}
        progress={task.progress}
        error={task.error}
        onCancel={task.cancel}
        testId="bigram.layers.progress"
      />
      {table && <SelectedTable table={table} />}
      {task.result && (
        <StretchCharts
          shown={task.result}
          caption={chartCaption(modelLabel, `position ${position}`)}
          standardised={standardised}
          onStandardised={setStandardised}
        />
      )}
    </section>
  );
}

/** The selected position's logit lens per layer. */
function SelectedTable({ table }: { table: SelectedShown }) {
  const { selected, layerCount, views } = table;
  const label = (id: number) => visibleToken(views.get(id)?.text ?? `#${id}`);
  return (
    <table className="bigram__table" data-testid="bigram.lens.table" data-position={selected.position}>
      <thead>
        <tr>
          <th>Layer</th>
          <th>Top tokens (logit lens)</th>
          <th>KL to final (nats)</th>
          <th>Rank of next</th>
          <th>Rank of current (W_E·h)</th>
        </tr>
      </thead>
      <tbody>
        {selected.layers.map((layer) => (
          <tr key={layer.layer} data-testid="bigram.lens.row" data-layer={layer.layer}>
            <th scope="row">
              {layer.layer}
              {layer.layer === 1 ? ' (early exit)' : layer.layer === layerCount ? ' (final)' : ''}
            </th>
            <td>{layer.top.map((t) => `${label(t.id)} ${(100 * t.probability).toFixed(1)}%`).join(' · ')}</td>
            <td data-testid="bigram.lens.kl">{layer.klToFinalNats.toFixed(3)}</td>
            <td>{layer.nextRank ?? '–'}</td>
            <td>{layer.currentTokenRank}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The statistics over the analysed stretch: per-layer curves and the covariance similarity. */
function StretchCharts({
  shown,
  caption,
  standardised,
  onStandardised,
}: {
  shown: LensShown;
  /** For the exported charts: the model and the position. */
  caption: string;
  standardised: boolean;
  onStandardised: (v: boolean) => void;
}) {
  const { lens } = shown;
  const layers = lens.layers;
  return (
    <>
      <p className="bigram__note">
        Over {lens.positionCount} positions (from {lens.firstPosition}); lens statistics over {lens.lensPositionCount}{' '}
        of them, evenly spread.
      </p>
      <div className="bigram__charts">
        <ExportableChart title="KL to final per layer" caption={caption} testId="bigram.chart.kl.export">
          <LayerLineChart
            title="Mean KL(final ‖ lens) per layer (nats)"
            width={320}
            testId="bigram.chart.kl"
            series={[{ label: 'KL to final', values: layers.map((l) => l.klToFinalMeanNats), colour: '#b5523b' }]}
          />
        </ExportableChart>
        <ExportableChart
          title="Cosine to embedding and next key per layer"
          caption={caption}
          testId="bigram.chart.cosine.export"
        >
          <LayerLineChart
            title="Cosine of the centred state to…"
            width={320}
            testId="bigram.chart.cosine"
            series={[
              {
                label: 'current token embedding E[wᵢ]',
                values: layers.map((l) => l.cosineToCurrentEmbedding),
                colour: '#2b6cb0',
              },
              { label: 'next token key U[wᵢ₊₁]', values: layers.map((l) => l.cosineToNextKey), colour: '#c05621' },
            ]}
          />
        </ExportableChart>
        <ExportableChart
          title="Recall of the current token per layer"
          caption={caption}
          testId="bigram.chart.recall.export"
        >
          <LayerLineChart
            title="Recall of the current token (W_E · h)"
            width={320}
            yDomain={[0, 1]}
            testId="bigram.chart.recall"
            series={[
              { label: 'recall@1', values: layers.map((l) => l.recallAt1), colour: '#2f855a' },
              { label: 'recall@5', values: layers.map((l) => l.recallAt5), colour: '#68d391' },
              { label: 'recall@10', values: layers.map((l) => l.recallAt10), colour: '#9ae6b4' },
            ]}
          />
        </ExportableChart>
        <ExportableChart
          title="Surprisal r, lens vs model, per layer"
          caption={caption}
          testId="bigram.chart.rout.export"
        >
          <LayerLineChart
            title="r of next-token surprisal, lens vs model"
            width={320}
            yDomain={[-0.2, 1]}
            testId="bigram.chart.rout"
            series={[{ label: 'Pearson r', values: layers.map((l) => l.outSurprisalPearson), colour: '#6b46c1' }]}
          />
        </ExportableChart>
        <div>
          <label className="bigram__toggle">
            <input
              type="checkbox"
              checked={standardised}
              onChange={(e) => onStandardised(e.target.checked)}
              data-testid="bigram.covariance.standardised"
            />{' '}
            standardise each dimension (outlier dimensions stop dominating)
          </label>
          <ExportableChart
            title="Covariance similarity, layer × layer (our reading of the paper)"
            caption={caption}
            testId="bigram.covariance.export"
          >
            <CovarianceHeatmap
              title={`Covariance similarity, layer × layer${standardised ? ' (standardised)' : ''}`}
              size={260}
              testId="bigram.covariance"
              matrix={standardised ? lens.covarianceStandardised : lens.covariance}
              note={COVARIANCE_NOTE}
            />
          </ExportableChart>
        </div>
      </div>
    </>
  );
}
