/** The text's positions summarised: how often the current token alone gives the prediction. */
import type { BigramSummary } from '../../core/bigram/compare';

const percent = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–');
const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

export function BigramSummaryView({ summary }: { summary: BigramSummary }) {
  return (
    <dl className="bigram__summary" data-testid="bigram.summary">
      <div>
        <dt>Positions</dt>
        <dd>{summary.positions}</dd>
      </div>
      <div title={`Positions with bigramness ≥ ${summary.nearlyBigramThreshold}`}>
        <dt>Almost bigram</dt>
        <dd data-testid="bigram.summary.nearly">{percent(summary.nearlyBigramRate)}</dd>
      </div>
      <div>
        <dt>Top-1 agrees</dt>
        <dd data-testid="bigram.summary.top1">{percent(summary.top1AgreementRate)}</dd>
      </div>
      <div title="KL(full ‖ context-1), mean over positions">
        <dt>Mean KL</dt>
        <dd>{fixed(summary.meanKlNats)} nats</dd>
      </div>
      <div title="Jensen–Shannon divergence, mean over positions (≤ ln 2 = 0.693)">
        <dt>Mean JS</dt>
        <dd>{fixed(summary.meanJsNats)} nats</dd>
      </div>
      <div title="Mean surprisal of the token that came next">
        <dt>Next token, full context</dt>
        <dd>
          {fixed(summary.meanSurprisalBitsFull, 2)} bits · top-1 {percent(summary.nextTop1RateFull)}
        </dd>
      </div>
      <div>
        <dt>Next token, current token only</dt>
        <dd>
          {fixed(summary.meanSurprisalBitsBigram, 2)} bits · top-1 {percent(summary.nextTop1RateBigram)}
        </dd>
      </div>
    </dl>
  );
}
