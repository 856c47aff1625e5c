/**
 * The text as chips coloured by how much of each prediction the current token alone explains;
 * click or Enter selects a position. Only the chips near the visible part are in the DOM.
 */
import type { BigramPositionComparison } from '../../core/bigram/compare';
import type { TokenView } from '../../protocol/nextToken';
import { memo, useCallback } from 'react';
import { moveBetweenChips, VirtualChipList } from '../next-token/VirtualChipList';
import { visibleToken } from '../../core/tokenization/visibleText';
import { BIGRAM_LEGEND, bigramColour, bigramTextColour } from './bigramColours';

export interface BigramChipsProps {
  tokens: readonly TokenView[];
  rows: readonly BigramPositionComparison[];
  selected: number | null;
  onSelect: (position: number) => void;
}

/** Memoised: the view re-renders on every step of progress and on any click in the app, the chips only when their props change. */
export const BigramChips = memo(function BigramChips({ tokens, rows, selected, onSelect }: BigramChipsProps) {
  const endsLine = useCallback((i: number) => (tokens[rows[i]?.position]?.text ?? '').includes('\n'), [tokens, rows]);
  const renderChip = (i: number) => {
    const row = rows[i];
    return (
      <button
        type="button"
        key={row.position}
        className={`chip bigram__chip${selected === row.position ? ' chip--selected' : ''}`}
        data-testid="bigram.chip"
        data-position={row.position}
        data-bigramness={row.bigramness.toFixed(4)}
        style={{ background: bigramColour(row.bigramness), color: bigramTextColour(row.bigramness) }}
        aria-pressed={selected === row.position}
        title={`after “${tokens[row.position]?.text ?? ''}”: bigramness ${row.bigramness.toFixed(2)}, JS ${row.jsNats.toFixed(3)} nats, top-1 ${row.top1Agrees ? 'agrees' : 'differs'}`}
        onClick={() => onSelect(row.position)}
        onKeyDown={(e) => moveBetweenChips(e, row.position, rows.length, onSelect)}
      >
        {visibleToken(tokens[row.position]?.text ?? '')}
      </button>
    );
  };
  return (
    <>
      <VirtualChipList
        className="chips bigram__chips"
        data-testid="bigram.chips"
        aria-label="Tokens coloured by how bigram each prediction is"
        count={rows.length}
        endsLine={endsLine}
        renderChip={renderChip}
        keepIndex={selected}
      />
      <p className="bigram__legend" data-testid="bigram.legend">
        <span>context changed the prediction</span>
        {BIGRAM_LEGEND.map((stop) => (
          <span
            key={stop.value}
            className="bigram__swatch"
            style={{ background: stop.colour }}
            title={stop.value.toFixed(2)}
          />
        ))}
        <span>the current token alone predicts it (1 − JS/ln 2)</span>
      </p>
    </>
  );
});
