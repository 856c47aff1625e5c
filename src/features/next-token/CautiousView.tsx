/**
 * Cautious decoding, shown (docs/PAPERS.md section 5): the entropy of each generated token's
 * distribution as a timeline with the CNTP thresholds, the trial count N(H) where a step
 * branched, and the fan of trials of a branch point with their perplexities, the kept one marked.
 */
import { scaleLinear } from 'd3';
import { useState } from 'react';
import { CNTP_ENTROPY_HIGH_NATS, CNTP_ENTROPY_LOW_NATS } from '../../core/distribution';
import { useSession } from '../../state/sessionStore';
import { visibleToken } from '../../core/tokenization/visibleText';
import { useWidth } from './useWidth';

const HEIGHT_PX = 80;

export function CautiousView() {
  const lab = useSession((s) => s.nextToken);
  const vocabulary = useSession((s) => s.vocabulary);
  const [ref, width] = useWidth<HTMLDivElement>(320);
  const [shownStep, setShownStep] = useState<number | null>(null);
  const start = lab.textIds.length;
  const positions =
    lab.analysis && lab.analysis.positions.length === lab.analysedIds.length ? lab.analysis.positions.slice(start) : [];
  if (positions.length === 0 && lab.cautiousSteps.length === 0) return null;
  const entropies = positions.map((p) => p.entropyNats);
  const y = scaleLinear()
    .domain([0, Math.max(CNTP_ENTROPY_HIGH_NATS * 1.2, ...entropies)])
    .range([HEIGHT_PX - 4, 4]);
  const slot = width / Math.max(1, entropies.length);
  const branchPoints = new Map(lab.cautiousSteps.filter((s) => s.result.trialCount > 1).map((s, i) => [s.depth, i]));
  const branched = lab.cautiousSteps.filter((s) => s.result.trialCount > 1);
  const step = branched[shownStep ?? branched.length - 1];
  const tokenText = (id: number) => visibleToken(vocabulary?.tokens[id] ?? `#${id}`);
  return (
    <section className="cautious" data-testid="cautious.view" aria-label="Entropy of the generated tokens">
      <h3>Entropy of the continuation</h3>
      <div ref={ref}>
        <svg
          width={width}
          height={HEIGHT_PX}
          role="img"
          aria-label={`Entropy per generated token, nats: ${entropies.map((h) => h.toFixed(2)).join(', ')}`}
        >
          {[CNTP_ENTROPY_LOW_NATS, CNTP_ENTROPY_HIGH_NATS].map((h) => (
            <line key={h} className="cautious__threshold" x1={0} x2={width} y1={y(h)} y2={y(h)}>
              <title>{`CNTP ${h === CNTP_ENTROPY_LOW_NATS ? 'H_min' : 'H_max'} = ${h} nats`}</title>
            </line>
          ))}
          {entropies.map((h, i) => (
            <rect
              key={i}
              x={i * slot + 1}
              width={Math.max(1, slot - 2)}
              y={y(h)}
              height={HEIGHT_PX - 4 - y(h)}
              className={branchPoints.has(i) ? 'cautious__bar cautious__bar--branched' : 'cautious__bar'}
              data-testid="cautious.bar"
              onClick={branchPoints.has(i) ? () => setShownStep(branchPoints.get(i)!) : undefined}
            >
              <title>{`${tokenText(lab.analysedIds[start + i])}: H = ${h.toFixed(3)} nats (model, temperature 1)`}</title>
            </rect>
          ))}
        </svg>
      </div>
      <small className="hint">
        Bars: entropy of each generated token’s distribution; lines: CNTP’s H_min and H_max. Dark bars are where a
        cautious step branched (click one for its trials).
      </small>
      {step && (
        <div className="cautious__fan" data-testid="cautious.fan">
          <strong>{step.result.trialCount} trials</strong> at token {step.depth + 1} (processed H ={' '}
          {step.result.entropyNats.toFixed(3)} nats):
          <ol>
            {step.result.trials.map((trial, i) => (
              <li
                key={i}
                className={
                  i === step.result.chosenIndex ? 'cautious__trial cautious__trial--chosen' : 'cautious__trial'
                }
                data-testid="cautious.trial"
                data-chosen={i === step.result.chosenIndex}
              >
                <code>{trial.tokenIds.map((id) => vocabulary?.tokens[id] ?? `#${id}`).join('')}</code> ·{' '}
                {trial.tokenIds.length} tokens · PPL {trial.perplexity.toFixed(2)}
                {trial.endedOnPunctuation ? '' : ' · hit the length limit'}
                {i === step.result.chosenIndex &&
                  (step.appendedCount < trial.tokenIds.length ? (
                    <span data-testid="cautious.trial.cut">
                      {' '}
                      · kept, its first {step.appendedCount} {step.appendedCount === 1 ? 'token' : 'tokens'} (cut to end
                      at the asked count)
                    </span>
                  ) : (
                    ' · kept'
                  ))}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
