/**
 * Tokens by effective n (bars, left axis) with the share of them where the ∞-gram agrees with
 * the text (line, right axis, 0–100%), as the infini-gram paper plots it; a second line for
 * sparse tokens only. Props in, nothing out.
 */
import { axisBottom, axisLeft, axisRight, line, scaleBand, scaleLinear, select } from 'd3';
import { useEffect, useRef } from 'react';

export interface AgreementChartBin {
  effectiveN: number;
  tokens: number;
  agreeing: number;
  sparseTokens: number;
  sparseAgreeing: number;
}

export interface AgreementChartProps {
  bins: readonly AgreementChartBin[];
  width: number;
  height?: number;
  /** Whether the last bin holds every longer n ("32+"). */
  lastBinOpen: boolean;
}

const MARGIN = { top: 10, right: 44, bottom: 30, left: 48 };

export function AgreementChart({ bins, width, height = 220, lastBinOpen }: AgreementChartProps) {
  const axes = useRef<SVGGElement>(null);
  const innerWidth = Math.max(40, width - MARGIN.left - MARGIN.right);
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  const label = (i: number) => `${bins[i].effectiveN}${lastBinOpen && i === bins.length - 1 ? '+' : ''}`;
  const x = scaleBand<number>()
    .domain(bins.map((_, i) => i))
    .range([0, innerWidth])
    .padding(0.15);
  const yCount = scaleLinear()
    .domain([0, Math.max(1, ...bins.map((b) => b.tokens))])
    .nice()
    .range([innerHeight, 0]);
  const yShare = scaleLinear().domain([0, 1]).range([innerHeight, 0]);
  const centre = (i: number) => (x(i) ?? 0) + x.bandwidth() / 2;
  const share = (agreeing: number, tokens: number) => (tokens === 0 ? null : agreeing / tokens);
  const path = (pick: (b: AgreementChartBin) => number | null) =>
    line<number>()
      .defined((i) => pick(bins[i]) !== null)
      .x(centre)
      .y((i) => yShare(pick(bins[i]) ?? 0))(bins.map((_, i) => i)) ?? '';

  useEffect(() => {
    if (!axes.current) return;
    const g = select(axes.current);
    g.selectAll('*').remove();
    const every = Math.ceil(bins.length / 16);
    g.append('g')
      .attr('transform', `translate(0,${innerHeight})`)
      .call(axisBottom(x).tickFormat((i) => (i % every === 0 ? label(i) : '')));
    g.append('g').call(axisLeft(yCount).ticks(5, 's'));
    g.append('g').attr('transform', `translate(${innerWidth},0)`).call(axisRight(yShare).ticks(5, '.0%'));
  }, [bins, innerWidth, innerHeight]);

  const summary = bins
    .map(
      (b, i) => `n ${label(i)}: ${b.tokens} tokens, ${b.tokens ? Math.round((100 * b.agreeing) / b.tokens) : 0}% agree`,
    )
    .join('; ');
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={`Tokens and agreement by effective n: ${summary}`}
      data-testid="corpus.agreement-chart"
    >
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {bins.map((b, i) => (
          <rect
            key={b.effectiveN}
            x={x(i)}
            width={x.bandwidth()}
            y={yCount(b.tokens)}
            height={innerHeight - yCount(b.tokens)}
            fill="#c6dbef"
            data-tokens={b.tokens}
          >
            <title>{`effective n ${label(i)}: ${b.tokens} tokens, ${b.agreeing} agree (P∞ > 0.5); sparse ${b.sparseTokens}, ${b.sparseAgreeing} agree`}</title>
          </rect>
        ))}
        <path d={path((b) => share(b.agreeing, b.tokens))} fill="none" stroke="#08519c" strokeWidth={2} />
        <path
          d={path((b) => share(b.sparseAgreeing, b.sparseTokens))}
          fill="none"
          stroke="#e6550d"
          strokeWidth={2}
          strokeDasharray="4 3"
        />
        <g ref={axes} />
        <text x={innerWidth / 2} y={innerHeight + 26} textAnchor="middle" fontSize={11}>
          effective n (longest matching suffix + 1)
        </text>
      </g>
    </svg>
  );
}
