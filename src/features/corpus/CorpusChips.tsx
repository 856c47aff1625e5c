/**
 * The text as chips coloured by the effective n of each token's ∞-gram (how long a context the
 * corpus still matches); click or Enter selects the position, ← → move. Only the chips near the
 * visible part are in the DOM.
 */
import { useCallback } from 'react';
import type { TokenView } from '../../protocol/nextToken';
import { moveBetweenChips, VirtualChipList } from '../next-token/VirtualChipList';
import { visibleToken } from '../../core/tokenization/visibleText';
import { EFFECTIVE_N_LEGEND, effectiveNColour, effectiveNTextColour } from './corpusColours';

export interface CorpusChipsProps {
  tokens: readonly TokenView[];
  suffixLength: readonly number[];
  infiniGramProbability: readonly number[];
  modelProbability: readonly number[];
  selected: number | null;
  onSelect: (position: number) => void;
}

export function CorpusChips({
  tokens,
  suffixLength,
  infiniGramProbability,
  modelProbability,
  selected,
  onSelect,
}: CorpusChipsProps) {
  const endsLine = useCallback((i: number) => (tokens[i]?.text ?? '').includes('\n'), [tokens]);
  const renderChip = (i: number) => {
    const n = suffixLength[i] + 1;
    return (
      <button
        type="button"
        key={i}
        className={`chip${selected === i ? ' chip--selected' : ''}`}
        data-testid="corpus.chip"
        data-position={i}
        data-effective-n={n}
        data-token-id={tokens[i]?.id}
        style={{ background: effectiveNColour(n), color: effectiveNTextColour(n) }}
        aria-pressed={selected === i}
        title={`effective n ${n} · P∞ ${infiniGramProbability[i].toPrecision(3)} · model ${modelProbability[i].toPrecision(3)}`}
        onClick={() => onSelect(i)}
        onKeyDown={(e) => moveBetweenChips(e, i, tokens.length, onSelect)}
      >
        {visibleToken(tokens[i]?.text ?? '')}
      </button>
    );
  };
  return (
    <>
      <VirtualChipList
        className="chips"
        data-testid="corpus.chips"
        aria-label="Tokens coloured by the effective n of the corpus's ∞-gram"
        count={tokens.length}
        endsLine={endsLine}
        renderChip={renderChip}
        keepIndex={selected}
      />
      <p className="bigram__legend" data-testid="corpus.legend">
        <span>effective n:</span>
        {EFFECTIVE_N_LEGEND.map((stop) => (
          <span key={stop.n} className="legend__stop">
            <span className="legend__swatch" style={{ background: stop.colour }} />
            {stop.n === 32 ? '32+' : stop.n}
          </span>
        ))}
        <span>(1: the previous token never occurs in the corpus)</span>
      </p>
    </>
  );
}
