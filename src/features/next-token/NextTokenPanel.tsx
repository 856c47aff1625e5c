/**
 * The first view: a text box and the next-token distribution at the end of the text, as
 * top-N bars with the tail mass. The full next-token lab builds on this later.
 */
import { useEffect, useRef, useState } from 'react';
import { ProbabilityBars, type ProbabilityBar } from '../../charts/ProbabilityBars';
import { setText } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';

/** Makes whitespace visible in a token label: a leading space as ␣, newlines as ↵. */
export function visibleToken(text: string): string {
  return text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥');
}

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function NextTokenPanel() {
  const text = useSession((s) => s.text);
  const prediction = useSession((s) => s.prediction);
  const vocabulary = useSession((s) => s.vocabulary);
  const model = useSession((s) => s.model);
  const [chartRef, width] = useWidth<HTMLDivElement>();
  const distribution = prediction.distribution;
  const bars: ProbabilityBar[] = (distribution?.top ?? []).map((c) => ({
    key: c.tokenId,
    label: visibleToken(vocabulary?.tokens[c.tokenId] ?? `#${c.tokenId}`),
    probability: c.probability,
    detail: `id ${c.tokenId}`,
  }));
  const appendToken = (bar: ProbabilityBar) => {
    const raw = vocabulary?.tokens[Number(bar.key)];
    // Only tokens that are whole UTF-8 text can be typed back; byte fragments show as \xNN.
    if (raw !== undefined && !/\\x[0-9A-F]{2}/.test(raw)) setText(text + raw);
  };
  return (
    <section className="next-token" aria-label="Next-token prediction">
      <label className="next-token__label" htmlFor="text-input">Text</label>
      <textarea
        id="text-input"
        data-testid="text.input"
        className="next-token__text"
        value={text}
        spellCheck={false}
        onChange={(event) => setText(event.target.value)}
        rows={5}
      />
      <div className="next-token__summary" data-testid="distribution.summary">
        {model && distribution ? (
          <>
            Next token after {prediction.textTokens.toLocaleString('en-US')} tokens
            {prediction.contextTokens < prediction.textTokens ? ` (the model sees the last ${prediction.contextTokens})` : ''} · entropy{' '}
            {(distribution.entropyNats / Math.LN2).toFixed(2)} bits · {prediction.elapsedMs?.toFixed(0)} ms
          </>
        ) : prediction.status === 'error' ? (
          <span className="error">{prediction.error}</span>
        ) : (
          'Waiting for the model…'
        )}
      </div>
      <div ref={chartRef} className={`next-token__chart${prediction.status === 'running' ? ' is-running' : ''}`} data-testid="distribution.chart" data-status={prediction.status}>
        {distribution && (
          <ProbabilityBars bars={bars} tailProbability={distribution.tailProbability} tailCount={distribution.tailCount} width={width} onSelect={appendToken} />
        )}
      </div>
      {distribution && <p className="hint">Click a bar to append that token. Bars are the {bars.length} most probable tokens; the last bar is everything else.</p>}
    </section>
  );
}
