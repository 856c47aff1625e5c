/**
 * Unique answers against probes, one line per method (docs/PAPERS.md section 1, figure (c)):
 * solid lines count unique answers judged correct when a list of acceptable answers was
 * given, dashed lines all unique answers. Props in, nothing out.
 */
import { BottomAxis } from './BottomAxis';
import { scaleLinear, schemeTableau10 } from 'd3';

export interface DiversitySeries {
  id: string;
  label: string;
  /** Unique answers after probe i (i = 0..). */
  unique: readonly number[];
  /** Unique correct answers after probe i; null when not judged. */
  uniqueCorrect: readonly number[] | null;
}

export interface DiversityCurveProps {
  series: readonly DiversitySeries[];
  /** Probes planned per method (the x axis' end). */
  totalProbes: number;
  width: number;
  height?: number;
}

const MARGIN = { top: 12, right: 16, bottom: 32, left: 40 };

function path(values: readonly number[], x: (v: number) => number, y: (v: number) => number): string {
  return values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join('');
}

export function DiversityCurve({ series, totalProbes, width, height = 240 }: DiversityCurveProps) {
  const x = scaleLinear()
    .domain([1, Math.max(2, totalProbes)])
    .range([MARGIN.left, width - MARGIN.right]);
  const max = Math.max(1, ...series.flatMap((s) => s.unique));
  const y = scaleLinear()
    .domain([0, max])
    .range([height - MARGIN.bottom, MARGIN.top])
    .nice();
  return (
    <figure className="diversity-curve" data-testid="keyspace.icn.chart">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`Unique answers against probes: ${series.map((s) => `${s.label} ${s.unique.at(-1) ?? 0}${s.uniqueCorrect ? ` (${s.uniqueCorrect.at(-1) ?? 0} correct)` : ''} after ${s.unique.length}`).join('; ')}`}
      >
        {y.ticks(5).map((t) => (
          <g key={t} transform={`translate(0, ${y(t)})`}>
            <line x1={MARGIN.left} x2={width - MARGIN.right} className="chart__grid" />
            <text x={MARGIN.left - 6} dominantBaseline="middle" textAnchor="end" className="chart__tick">
              {t}
            </text>
          </g>
        ))}
        <BottomAxis
          ticks={x.ticks(6)}
          at={x}
          left={MARGIN.left}
          right={width - MARGIN.right}
          height={height}
          bottomMargin={MARGIN.bottom}
          label="probes"
        />
        {series.map((s, i) => (
          <g
            key={s.id}
            data-testid="keyspace.icn.series"
            data-method={s.id}
            data-probes={s.unique.length}
            data-unique={s.unique.at(-1) ?? 0}
            data-unique-correct={s.uniqueCorrect?.at(-1) ?? ''}
          >
            <path
              d={path(s.unique, x, y)}
              fill="none"
              stroke={schemeTableau10[i]}
              strokeWidth={1.5}
              strokeDasharray={s.uniqueCorrect ? '4 3' : undefined}
            />
            {s.uniqueCorrect && (
              <path d={path(s.uniqueCorrect, x, y)} fill="none" stroke={schemeTableau10[i]} strokeWidth={2.5} />
            )}
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        {/* Lines can coincide (every probe a new answer), so the counts are written out too. */}
        {series.map((s, i) => (
          <span key={s.id}>
            <span className="legend__swatch" style={{ background: schemeTableau10[i] }} /> {s.label}:{' '}
            {s.unique.at(-1) ?? 0} unique{s.uniqueCorrect ? `, ${s.uniqueCorrect.at(-1) ?? 0} correct` : ''} after{' '}
            {s.unique.length}
          </span>
        ))}
        {series.some((s) => s.uniqueCorrect) && <span>solid: unique correct answers; dashed: all unique answers</span>}
      </figcaption>
    </figure>
  );
}
