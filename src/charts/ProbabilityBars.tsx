/**
 * Horizontal probability bars: one per candidate, plus one for everything else (the tail),
 * so the bars always add up to the whole distribution. Each bar shows the model's
 * probability (the pale bar, temperature 1) and the probability after the sampling stage
 * being looked at (the solid bar); tokens a stage removed are struck through and say which
 * stage did it. Props in, callbacks out.
 */
import { scaleLinear, scaleLog } from 'd3';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';

export interface ProbabilityBar {
  key: string | number;
  label: string;
  /** p from the model (temperature 1), in [0, 1]. */
  probability: number;
  /** p after the sampling stage shown; equal to `probability` when no stage applies. */
  shownProbability?: number;
  /** The stage that removed the token, e.g. "top-p"; null or absent when it survives. */
  removedBy?: string | null;
  /** 1-based rank. */
  rank?: number;
  /** The token that actually came next: highlighted. */
  isActual?: boolean;
  /** Shown in a tooltip, e.g. the token id and bytes. */
  detail?: string;
}

export interface ProbabilityBarsProps {
  bars: readonly ProbabilityBar[];
  tailProbability: number;
  tailShownProbability?: number;
  tailCount: number;
  /** Pixels. */
  width: number;
  scale?: 'linear' | 'log';
  /** Clicking (or Enter on) a bar; absent when bars cannot be chosen. */
  onSelect?: (bar: ProbabilityBar) => void;
  /** A second, smaller button at the row's end (e.g. "show this token in key space"); absent: none. */
  onInspect?: (bar: ProbabilityBar) => void;
  /** What the inspect button does, for its tooltip and label. */
  inspectLabel?: string;
  /** A row to give the keyboard focus when bars are next drawn (cleared once done); null: none. */
  pendingFocusRow?: RefObject<number | null>;
  /** Rows and columns this many times their usual size, for type set larger by CSS (presenter mode: 1.5). */
  sizeScale?: number;
}

/** Sizes at the chart's own type (14 px labels); `sizeScale` multiplies them. */
const BASE_INSPECT_WIDTH_PX = 22;
const BASE_ROW_HEIGHT_PX = 24;
const BASE_RANK_WIDTH_PX = 52;
const BASE_LABEL_WIDTH_PX = 150;
const BASE_VALUE_WIDTH_PX = 130;
const LOG_FLOOR = 1e-8;

/** 12.3%, 0.086%, 3.2e-5% */
export function formatProbability(p: number): string {
  const percent = p * 100;
  if (percent === 0) return '0%';
  if (percent >= 1) return `${percent.toFixed(1)}%`;
  if (percent >= 0.001) return `${Number(percent.toPrecision(2))}%`;
  return `${percent.toExponential(1)}%`;
}

export function ProbabilityBars({
  bars,
  tailProbability,
  tailShownProbability,
  tailCount,
  width,
  scale = 'linear',
  onSelect,
  onInspect,
  inspectLabel = 'Inspect',
  pendingFocusRow,
  sizeScale = 1,
}: ProbabilityBarsProps) {
  const rowHeightPx = BASE_ROW_HEIGHT_PX * sizeScale;
  const rankWidthPx = BASE_RANK_WIDTH_PX * sizeScale;
  const inspectWidthPx = BASE_INSPECT_WIDTH_PX * sizeScale;
  const left = rankWidthPx + BASE_LABEL_WIDTH_PX * sizeScale;
  const barSpace = Math.max(40, width - left - BASE_VALUE_WIDTH_PX * sizeScale - (onInspect ? inspectWidthPx : 0));
  const x = useMemo(() => {
    const largest = Math.max(...bars.map((b) => Math.max(b.probability, b.shownProbability ?? 0)), 1e-12);
    if (scale === 'log') {
      const smallest = Math.min(
        ...bars.flatMap((b) => [b.probability, b.shownProbability ?? 1]).filter((p) => p > 0),
        1,
      );
      const axis = scaleLog()
        .domain([Math.max(LOG_FLOOR, smallest / 2), Math.max(largest, LOG_FLOOR * 10)])
        .range([0, barSpace])
        .clamp(true);
      return (p: number) => (p > 0 ? axis(Math.max(p, LOG_FLOOR)) : 0);
    }
    // Scaled to the candidates, so they stay readable when the tail holds most of the mass;
    // a tail longer than the axis is cut and drawn with a broken end.
    const axis = scaleLinear().domain([0, largest]).range([0, barSpace]);
    return (p: number) => axis(p);
  }, [bars, barSpace, scale]);
  const tail: ProbabilityBar = {
    key: 'tail',
    label: `other ${tailCount.toLocaleString('en-US')} tokens`,
    probability: tailProbability,
    shownProbability: tailShownProbability,
  };
  const rows = [...bars.map((bar) => ({ bar, tail: false })), ...(tailCount > 0 ? [{ bar: tail, tail: true }] : [])];
  // One tab stop for the whole chart (roving tabindex): ↑ ↓ Home End move between bars, → and ← between a bar and its inspect button.
  const svgRef = useRef<SVGSVGElement>(null);
  const [activeBar, setActiveBar] = useState(0);
  const active = Math.min(activeBar, Math.max(0, bars.length - 1));
  // The bars take the tab stop when they append; otherwise the inspect buttons do.
  const primary: 'bar' | 'inspect' = onSelect ? 'bar' : 'inspect';
  const focusRow = (index: number, part: 'bar' | 'inspect') => {
    const next = Math.min(bars.length - 1, Math.max(0, index));
    setActiveBar(next);
    const testId = part === 'bar' ? 'distribution.bar' : 'distribution.bar.inspect';
    svgRef.current?.querySelectorAll<SVGGElement>(`[data-testid="${testId}"]`)[next]?.focus();
  };
  // A row to focus once bars are drawn (the parent's chart was replaced while the next distribution loaded).
  useEffect(() => {
    if (!pendingFocusRow || pendingFocusRow.current === null || bars.length === 0) return;
    focusRow(pendingFocusRow.current, primary);
    pendingFocusRow.current = null;
  });
  const onRowKey = (event: KeyboardEvent, index: number, part: 'bar' | 'inspect') => {
    const moves: Record<string, [number, 'bar' | 'inspect']> = {
      ArrowDown: [index + 1, part],
      ArrowUp: [index - 1, part],
      Home: [0, part],
      End: [bars.length - 1, part],
      ArrowRight: [index, onInspect ? 'inspect' : part],
      ArrowLeft: [index, onSelect ? 'bar' : part],
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    event.stopPropagation();
    focusRow(...moves[event.key]);
  };
  return (
    <svg
      ref={svgRef}
      className="probability-bars"
      width={width}
      height={rows.length * rowHeightPx}
      role="list"
      aria-label="Next-token probabilities: arrow keys move between the bars"
    >
      {rows.map(({ bar, tail: isTail }, i) => {
        const shown = bar.shownProbability ?? bar.probability;
        const changed = Math.abs(shown - bar.probability) > 1e-12;
        const removed = Boolean(bar.removedBy);
        const selectable = !isTail && onSelect !== undefined;
        const classes = [
          'bar',
          isTail && 'bar--tail',
          removed && 'bar--removed',
          bar.isActual && 'bar--actual',
          selectable && 'bar--selectable',
        ]
          .filter(Boolean)
          .join(' ');
        const value = removed
          ? `${formatProbability(bar.probability)} · cut by ${bar.removedBy}`
          : changed
            ? `${formatProbability(bar.probability)} → ${formatProbability(shown)}`
            : formatProbability(bar.probability);
        return (
          <g
            // By row, not by token: after Enter appends a token, the focused row stays in the page with the next distribution's bar.
            key={isTail ? 'tail' : i}
            transform={`translate(0, ${i * rowHeightPx})`}
            role={selectable ? 'button' : 'listitem'}
            tabIndex={selectable ? (i === active ? 0 : -1) : undefined}
            aria-label={`${bar.label}: ${value}${bar.isActual ? ', the actual token' : ''}`}
            data-testid={isTail ? 'distribution.tail' : 'distribution.bar'}
            data-token-id={isTail ? undefined : bar.key}
            data-probability={bar.probability}
            data-shown-probability={shown}
            data-removed-by={bar.removedBy ?? ''}
            data-actual={bar.isActual ? 'true' : undefined}
            className={classes}
            onClick={selectable ? () => onSelect(bar) : undefined}
            onKeyDown={
              selectable
                ? (event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      onSelect(bar);
                    } else onRowKey(event, i, 'bar');
                  }
                : undefined
            }
            onFocus={selectable ? () => setActiveBar(i) : undefined}
          >
            <title>{`${bar.label}: ${value}${bar.detail ? ` (${bar.detail})` : ''}`}</title>
            {/* The whole row is the click target, not just the drawn marks. */}
            <rect className="bar__hit" x={0} y={0} width={width} height={rowHeightPx} fill="transparent" />
            <text
              className="bar__rank"
              x={rankWidthPx - 8}
              y={rowHeightPx / 2}
              dominantBaseline="middle"
              textAnchor="end"
            >
              {bar.rank !== undefined ? `#${bar.rank.toLocaleString('en-US')}` : ''}
            </text>
            <text className="bar__label" x={left - 8} y={rowHeightPx / 2} dominantBaseline="middle" textAnchor="end">
              {bar.label}
            </text>
            <rect
              className="bar__model"
              x={left}
              y={3}
              height={rowHeightPx - 6}
              width={Math.max(1, Math.min(barSpace, x(bar.probability)))}
              rx={2}
            />
            {!removed && (
              <rect
                className={`bar__fill${x(shown) > barSpace ? ' bar__fill--cut' : ''}`}
                x={left}
                y={7}
                height={rowHeightPx - 14}
                width={Math.max(1, Math.min(barSpace, x(shown)))}
                rx={2}
              />
            )}
            {removed && (
              <line
                className="bar__strike"
                x1={left}
                x2={left + Math.max(8, Math.min(barSpace, x(bar.probability)))}
                y1={rowHeightPx / 2}
                y2={rowHeightPx / 2}
              />
            )}
            <text
              className="bar__value"
              x={left + Math.min(barSpace, Math.max(x(bar.probability), x(shown))) + 6}
              y={rowHeightPx / 2}
              dominantBaseline="middle"
            >
              {value}
            </text>
            {onInspect && !isTail && (
              <g
                className="bar__inspect"
                transform={`translate(${width - inspectWidthPx}, 0)`}
                role="button"
                tabIndex={primary === 'inspect' && i === active ? 0 : -1}
                aria-label={`${inspectLabel}: ${bar.label}`}
                data-testid="distribution.bar.inspect"
                data-token-id={bar.key}
                onClick={(event) => {
                  event.stopPropagation();
                  onInspect(bar);
                }}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' || event.key === ' ') {
                    event.preventDefault();
                    event.stopPropagation();
                    onInspect(bar);
                  } else onRowKey(event, i, 'inspect');
                }}
                onFocus={(event) => {
                  event.stopPropagation();
                  setActiveBar(i);
                }}
              >
                <title>{`${inspectLabel}: ${bar.label}`}</title>
                <rect width={inspectWidthPx} height={rowHeightPx} fill="transparent" />
                <text x={inspectWidthPx / 2} y={rowHeightPx / 2} dominantBaseline="middle" textAnchor="middle">
                  ◎
                </text>
              </g>
            )}
          </g>
        );
      })}
    </svg>
  );
}
