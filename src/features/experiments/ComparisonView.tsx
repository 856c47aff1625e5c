/**
 * Two experiments (or a saved one and its re-run) side by side: a summary of each (bits per
 * token, bits per byte, mean entropy, top-1 share), and when their tokens agree the
 * per-position change in surprisal as a chart, the positions that changed most, and the
 * looked-at distributions candidate by candidate.
 */
import { ChartExport } from '../common/ChartExport';
import { DeltaBars } from '../../charts/DeltaBars';
import type { SideSummary } from '../../core/experiments/compare';
import { closeComparison } from '../../state/experimentComparisonActions';
import type { ShownComparison } from '../../state/experimentsStore';
import { useWidth } from '../next-token/useWidth';
import { visibleToken } from '../../core/tokenization/visibleText';

const fixed = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;

function SummaryTable({
  nameA,
  nameB,
  a,
  b,
}: {
  nameA: string;
  nameB: string;
  a: SideSummary | null;
  b: SideSummary | null;
}) {
  const rows: [string, (s: SideSummary) => string][] = [
    ['tokens', (s) => s.tokens.toLocaleString('en-US')],
    ['UTF-8 bytes', (s) => s.textBytes.toLocaleString('en-US')],
    ['bits per token', (s) => fixed(s.bitsPerToken, 3)],
    ['bits per byte', (s) => fixed(s.bitsPerByte, 4)],
    ['mean entropy (nats)', (s) => fixed(s.meanEntropyNats, 3)],
    ['actual token ranked 1st', (s) => percent(s.top1Share)],
  ];
  return (
    <table data-testid="comparison.summary">
      <thead>
        <tr>
          <th />
          <th>{nameA}</th>
          <th>{nameB}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <td>{label}</td>
            <td>{a ? value(a) : 'no results'}</td>
            <td>{b ? value(b) : 'no results'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ComparisonView({ shown }: { shown: ShownComparison }) {
  const [chartRef, width] = useWidth<HTMLDivElement>();
  const { comparison, nameA, nameB, verdict } = shown;
  return (
    <section className="comparison" aria-label="Comparison" data-testid="comparison">
      <h3>
        {nameA} ↔ {nameB}{' '}
        <button type="button" onClick={closeComparison} aria-label="Close the comparison">
          ×
        </button>
      </h3>
      {verdict && (
        <p
          data-testid="comparison.verdict"
          data-ok={verdict.ok}
          className={verdict.ok ? 'comparison__verdict--ok' : 'comparison__verdict--bad'}
        >
          {verdict.ok
            ? 'The numbers reproduce (surprisal within 0.001 bits, kept probabilities within 1e-4).'
            : `Changed: ${verdict.problems.join('; ')}.`}
        </p>
      )}
      {shown.verdict && (
        <p className="hint" data-testid="comparison.model-files">
          {shown.modelFiles === null
            ? 'The saved experiment has no file hashes, so whether the model files are the same is unknown.'
            : shown.modelFiles.length === 0
              ? 'The model files are the ones the experiment was saved with (same SHA-256).'
              : `The model files differ from the saved ones: ${shown.modelFiles.join('; ')}.`}
        </p>
      )}
      <SummaryTable nameA={nameA} nameB={nameB} a={comparison.a} b={comparison.b} />
      {comparison.kind === 'summaries' ? (
        <p className="hint" data-testid="comparison.reason">
          {comparison.reason}
        </p>
      ) : (
        <>
          <p data-testid="comparison.positions" data-max-delta={comparison.maxAbsDeltaBits}>
            {comparison.rows.length.toLocaleString('en-US')} positions compared · largest change{' '}
            {comparison.maxAbsDeltaBits.toPrecision(3)} bits
            {comparison.largestAt !== null &&
              ` at position ${comparison.largestAt} (${JSON.stringify(visibleToken(comparison.rows[comparison.largestAt].tokenText))})`}{' '}
            · the actual token’s rank changed at {comparison.rankChanges} position
            {comparison.rankChanges === 1 ? '' : 's'}
            <ChartExport
              title={`Surprisal change ${nameA} vs ${nameB}`}
              containerRef={chartRef}
              testId="comparison.export"
            />
          </p>
          <div ref={chartRef}>
            <DeltaBars
              title={`Surprisal of ${nameB} minus ${nameA}`}
              unit="bits"
              width={width}
              testId="comparison.chart"
              bars={comparison.rows.map((r) => ({
                key: r.position,
                delta: r.deltaBits,
                detail: `${r.position}: ${visibleToken(r.tokenText)} · ${fixed(r.surprisalBitsA, 3)} → ${fixed(r.surprisalBitsB, 3)} bits · rank ${r.rankA ?? '–'} → ${r.rankB ?? '–'}`,
              }))}
            />
          </div>
          <table data-testid="comparison.largest">
            <thead>
              <tr>
                <th>position · token</th>
                <th>{nameA} (bits)</th>
                <th>{nameB} (bits)</th>
                <th>Δ bits</th>
                <th>rank</th>
              </tr>
            </thead>
            <tbody>
              {[...comparison.rows]
                .filter((r) => r.deltaBits !== null)
                .sort((x, y) => Math.abs(y.deltaBits!) - Math.abs(x.deltaBits!))
                .slice(0, 10)
                .map((r) => (
                  <tr key={r.position}>
                    <td>
                      {r.position} · {visibleToken(r.tokenText)}
                    </td>
                    <td>{fixed(r.surprisalBitsA, 3)}</td>
                    <td>{fixed(r.surprisalBitsB, 3)}</td>
                    <td>{fixed(r.deltaBits, 4)}</td>
                    <td>
                      {r.rankA ?? '–'} → {r.rankB ?? '–'}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          {comparison.distributions.map((d) => (
            <table key={d.position} data-testid="comparison.distribution" data-position={d.position}>
              <caption>
                Distribution at position {d.position}
                {d.sameOrder ? ' (same top list)' : ''} · largest |Δp| {d.maxAbsProbabilityDifference.toExponential(2)}
              </caption>
              <thead>
                <tr>
                  <th>token</th>
                  <th>p {nameA}</th>
                  <th>p {nameB}</th>
                </tr>
              </thead>
              <tbody>
                {d.candidates.slice(0, 20).map((c) => (
                  <tr key={c.tokenId}>
                    <td>{visibleToken(c.text)}</td>
                    <td>{fixed(c.probabilityA, 5)}</td>
                    <td>{fixed(c.probabilityB, 5)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </>
      )}
    </section>
  );
}
