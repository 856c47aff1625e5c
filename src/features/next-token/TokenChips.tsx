/**
 * The text as token chips, byte-exact: a leading space shows as ␣, a newline as ↵ (and
 * breaks the line), other characters that draw nothing as \uXXXX (visibleText.ts), bytes of a
 * split UTF-8 character as \xNN, special tokens outlined.
 * Each chip is coloured by the chosen metric of its prediction; hovering tells the id, the
 * byte offsets and the numbers; clicking (or the arrow keys) selects the position. Only the
 * chips near the visible part of the list are in the DOM (VirtualChipList).
 */
import { hsl } from 'd3';
import { Fragment, memo, useCallback, useMemo, type KeyboardEvent, type ReactElement } from 'react';
import type { PositionMetrics } from '../../core/lab/positionMetrics';
import { metricValue, type MetricScale } from '../../core/lab/tokenColours';
import type { TokenView } from '../../protocol/nextToken';
import { formatProbability } from '../../charts/ProbabilityBars';
import { formatCount } from '../../core/formatCount';
import { VirtualChipList } from './VirtualChipList';
import { visiblePieces } from '../../core/tokenization/visibleText';

export interface TokenChipsProps {
  tokens: readonly TokenView[];
  /** metrics[i] belongs to tokens[i]; null while the text is being scored. */
  metrics: readonly PositionMetrics[] | null;
  /** Index of the first generated (continuation) token. */
  continuationStart: number;
  scale: MetricScale;
  thresholds: readonly number[];
  /** The selected position (tokens.length: the end). */
  selected: number;
  onSelect: (position: number) => void;
  /** Rendered text of any token id (for "the model expected …"). */
  tokenText: (id: number) => string;
}

function describe(
  token: TokenView,
  index: number,
  byteStart: number,
  metrics: PositionMetrics | undefined,
  tokenText: (id: number) => string,
): string {
  const byteEnd = byteStart + token.bytesHex.length / 2;
  const lines = [`#${index} · id ${token.id}${token.special ? ' (special)' : ''} · bytes ${byteStart}–${byteEnd}`];
  if (metrics) {
    lines.push(
      `p ${formatProbability(Math.exp(metrics.logProb))} · rank ${formatCount(metrics.rank)} · ${(-metrics.logProb / Math.LN2).toFixed(2)} bits`,
    );
    lines.push(
      `entropy ${(metrics.entropyNats / Math.LN2).toFixed(2)} bits · p/top ${metrics.probabilityRelativeToTop.toFixed(3)}`,
    );
    if (metrics.topTokenId !== token.id)
      lines.push(`the model expected ${JSON.stringify(tokenText(metrics.topTokenId))}`);
  }
  return lines.join('\n');
}

/** Chips kept built at once: a few screenfuls, so scrolling back and forth reuses them. */
const MAX_CACHED_CHIPS = 5_000;

/** Memoised: the lab re-renders on every window of progress, the chips only when their props change. */
export const TokenChips = memo(function TokenChips({
  tokens,
  metrics,
  continuationStart,
  scale,
  thresholds,
  selected,
  onSelect,
  tokenText,
}: TokenChipsProps) {
  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowLeft: selected - 1,
      ArrowRight: selected + 1,
      Home: 0,
      End: tokens.length,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    onSelect(Math.min(tokens.length, Math.max(0, moves[event.key])));
  };
  // byteStarts[i]: the byte offset of token i in the sequence (for the hover text of any chip on screen).
  const byteStarts = useMemo(() => {
    const starts = new Float64Array(tokens.length + 1);
    tokens.forEach((token, i) => (starts[i + 1] = starts[i] + token.bytesHex.length / 2));
    return starts;
  }, [tokens]);
  const endsLine = useCallback((i: number) => i < tokens.length && tokens[i].text.includes('\n'), [tokens]);

  // A chip's element is built once per text, scores and colours (its hover text and colour
  // cost more than the rest of a render): re-renders for a scroll, a resize or a new
  // selection hand React the same elements, which it skips. The selected chip is built anew.
  const chipCache = useMemo(
    () => new Map<number, ReactElement>(),
    [tokens, metrics, continuationStart, scale, thresholds, onSelect, tokenText],
  );
  const buildChip = (i: number, isSelected: boolean): ReactElement => {
    const token = tokens[i];
    const m = metrics?.[i];
    const colour = m ? scale.colour(metricValue(m, scale.metric, thresholds)) : undefined;
    // Light text on the darkest colours keeps every token readable.
    const dark = colour !== undefined && hsl(colour).l < 0.45;
    const classes = [
      'chip',
      token.special && 'chip--special',
      i >= continuationStart && 'chip--generated',
      isSelected && 'chip--selected',
    ]
      .filter(Boolean)
      .join(' ');
    const parts = visiblePieces(token.text);
    return (
      <Fragment key={i}>
        <span
          id={`chip-${i}`}
          role="option"
          aria-selected={isSelected}
          className={classes}
          style={colour ? { background: colour, color: dark ? '#fff' : undefined } : undefined}
          title={describe(token, i, byteStarts[i], m, tokenText)}
          data-testid="text.chip"
          data-position={i}
          data-token-id={token.id}
          data-rank={m?.rank}
          onClick={() => onSelect(i)}
        >
          {parts.map((piece, j) => (
            <span key={j} className={`chip__${piece.kind}`}>
              {piece.value}
            </span>
          ))}
        </span>
        {/* A line may break between any two chips (the ␣ markers are not spaces). */}
        {parts.some((p) => p.kind === 'newline') ? <br /> : <wbr />}
      </Fragment>
    );
  };

  const renderChip = (i: number): ReactElement => {
    if (i === tokens.length) {
      return (
        <span
          key="end"
          id={`chip-${tokens.length}`}
          role="option"
          aria-selected={selected === tokens.length}
          className={`chip chip--end${selected === tokens.length ? ' chip--selected' : ''}`}
          title="The next token after the text"
          data-testid="text.chip.end"
          data-position={tokens.length}
          onClick={() => onSelect(tokens.length)}
        >
          next ▸
        </span>
      );
    }
    if (i === selected) return buildChip(i, true);
    let chip = chipCache.get(i);
    if (!chip) {
      if (chipCache.size >= MAX_CACHED_CHIPS) chipCache.clear();
      chip = buildChip(i, false);
      chipCache.set(i, chip);
    }
    return chip;
  };

  return (
    <VirtualChipList
      className="chips"
      role="listbox"
      tabIndex={0}
      aria-label="Tokens of the text: arrow keys move, the distribution below follows"
      aria-activedescendant={`chip-${selected}`}
      data-testid="text.chips"
      data-token-count={tokens.length}
      onKeyDown={onKeyDown}
      count={tokens.length + 1}
      endsLine={endsLine}
      renderChip={renderChip}
      keepIndex={selected}
    />
  );
});
