/**
 * Per-position differences as bars around a zero line: up where B is larger, down where A
 * is, one bar per position (hover: the token and both values). Props in, clicks out.
 */
import { scaleLinear } from 'd3';

export interface DeltaBar {
  key: number;
  /** B − A; null where there is no value (drawn as a gap). */
  delta: number | null;
  /** Tooltip text. */
  detail: string;
}

export interface DeltaBarsProps {
  title: string;
  bars: readonly DeltaBar[];
  width: number;
  height?: number;
  /** Unit of the values, for the axis labels, e.g. "bits". */
  unit: string;
  testId?: string;
}

const LABEL_PX = 44;

export function DeltaBars({ title, bars, width, height = 140, unit, testId }: DeltaBarsProps) {
  const largest = Math.max(0, ...bars.map((b) => Math.abs(b.delta ?? 0)));
  // All deltas zero: an axis of ±1e-9 would only print noise; say so instead and draw flat bars.
  const allZero = largest === 0;
  const y = scaleLinear()
    .domain(allZero ? [-1, 1] : [-largest, largest])
    .range([height - 6, 6]);
  const slot = (width - LABEL_PX) / Math.max(1, bars.length);
  const summary = allZero ? 'no differences' : `largest difference ${largest.toPrecision(3)} ${unit}`;
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={`${title}: ${bars.length} positions, ${summary}`}
      data-testid={testId}
    >
      {!allZero && (
        <text x={0} y={12} className="delta__label">
          +{largest.toPrecision(2)}
        </text>
      )}
      <text x={0} y={height / 2 + 4} className="delta__label">
        {allZero ? `all 0 ${unit}` : `0 ${unit}`}
      </text>
      {!allZero && (
        <text x={0} y={height - 4} className="delta__label">
          −{largest.toPrecision(2)}
        </text>
      )}
      <line x1={LABEL_PX} x2={width} y1={y(0)} y2={y(0)} className="delta__zero" />
      {bars.map((bar, i) =>
        bar.delta === null ? null : (
          <rect
            key={bar.key}
            data-delta={bar.delta}
            className={bar.delta >= 0 ? 'delta__bar delta__bar--up' : 'delta__bar delta__bar--down'}
            x={LABEL_PX + i * slot + (slot > 3 ? 0.5 : 0)}
            width={Math.max(1, slot - (slot > 3 ? 1 : 0))}
            y={Math.min(y(0), y(bar.delta))}
            height={Math.max(bar.delta === 0 ? 0 : 1, Math.abs(y(bar.delta) - y(0)))}
          >
            <title>{bar.detail}</title>
          </rect>
        ),
      )}
    </svg>
  );
}
