/**
 * The same text through every selected tokenizer, one row of byte-exact chips each. Hovering
 * (or focusing) a chip highlights, in every row, the tokens whose bytes overlap it.
 */
import { Fragment, memo } from 'react';
import type { LabRow, LabRowOk, LabToken } from '../../protocol/tokenizerLab';
import { overlaps } from './labChips';
import { visiblePieces } from '../../core/tokenization/visibleText';

export interface ByteSpan {
  start: number;
  end: number;
}

export interface TokenRowsProps {
  rows: readonly LabRow[];
  /** Ids still being loaded or tokenized, with what is happening. */
  pending: readonly { tokenizerId: string; label: string; what: string }[];
  hover: ByteSpan | null;
  onHover: (span: ByteSpan | null) => void;
}

function describe(token: LabToken, index: number): string {
  const kind = token.special ? ' (special)' : token.byteFallback ? ' (byte fallback)' : '';
  return `#${index} · id ${token.id}${kind} · bytes ${token.start}–${token.end}`;
}

/** Chips per block: a block is React's unit of work, so a row of thousands renders in short slices. */
const CHIPS_PER_BLOCK = 200;

const Chips = memo(function Chips({
  row,
  hover,
  onHover,
}: {
  row: LabRowOk;
  hover: ByteSpan | null;
  onHover: (span: ByteSpan | null) => void;
}) {
  const blockStarts: number[] = [];
  for (let start = 0; start < row.tokens.length; start += CHIPS_PER_BLOCK) blockStarts.push(start);
  return (
    <div className="chips tlab-row__chips" data-testid="tokenizers.chips" onMouseLeave={() => onHover(null)}>
      {blockStarts.map((start) => {
        const end = Math.min(start + CHIPS_PER_BLOCK, row.tokens.length);
        // A block only sees the hover when it holds lit chips, so moving the mouse re-renders one or two blocks.
        const blockHover = hover !== null && blockOverlaps(row.tokens, start, end, hover) ? hover : null;
        return (
          <ChipBlock key={start} tokens={row.tokens} start={start} end={end} hover={blockHover} onHover={onHover} />
        );
      })}
    </div>
  );
});

/** Whether any of tokens[start..end) overlaps the span (offsets are not assumed in order: some rows' are approximate). */
function blockOverlaps(tokens: readonly LabToken[], start: number, end: number, span: ByteSpan): boolean {
  for (let i = start; i < end; i++) if (overlaps(tokens[i].start, tokens[i].end, span.start, span.end)) return true;
  return false;
}

const ChipBlock = memo(function ChipBlock({
  tokens,
  start,
  end,
  hover,
  onHover,
}: {
  tokens: readonly LabToken[];
  start: number;
  end: number;
  hover: ByteSpan | null;
  onHover: (span: ByteSpan | null) => void;
}) {
  const chips = [];
  for (let i = start; i < end; i++) {
    const token = tokens[i];
    const lit = hover !== null && overlaps(token.start, token.end, hover.start, hover.end);
    const classes = [
      'chip',
      'tlab-chip',
      token.special && 'chip--special',
      token.byteFallback && 'tlab-chip--fallback',
      lit && 'tlab-chip--lit',
      i % 2 === 1 && 'tlab-chip--odd',
    ]
      .filter(Boolean)
      .join(' ');
    const parts = visiblePieces(token.text);
    chips.push(
      <Fragment key={i}>
        <span
          className={classes}
          title={describe(token, i)}
          tabIndex={-1}
          data-testid="tokenizers.chip"
          data-token-id={token.id}
          data-start={token.start}
          data-end={token.end}
          data-lit={lit ? 'true' : undefined}
          onMouseEnter={() => onHover({ start: token.start, end: token.end })}
          onFocus={() => onHover({ start: token.start, end: token.end })}
        >
          {parts.map((piece, j) => (
            <span key={j} className={`chip__${piece.kind}`}>
              {piece.value}
            </span>
          ))}
        </span>
        {parts.some((p) => p.kind === 'newline') ? <br /> : <wbr />}
      </Fragment>,
    );
  }
  return <>{chips}</>;
});

export function TokenRows({ rows, pending, hover, onHover }: TokenRowsProps) {
  return (
    <div className="tlab-rows" data-testid="tokenizers.rows">
      {rows.map((row) => (
        <section
          key={row.tokenizerId}
          className="tlab-row"
          data-testid="tokenizers.row"
          data-tokenizer={row.tokenizerId}
          data-status={row.status}
          data-token-count={row.status === 'ok' ? row.tokenCount : undefined}
        >
          <h3 className="tlab-row__title">
            {row.label}{' '}
            {row.status === 'ok' ? (
              <span className="muted">
                {row.algorithm} ·{' '}
                <span data-testid="tokenizers.row.count">{row.tokenCount.toLocaleString('en-US')}</span> tokens
                {row.alignment === 'partial' ? ' · offsets approximate' : ''}
              </span>
            ) : null}
          </h3>
          {row.status === 'ok' ? (
            <Chips row={row} hover={hover} onHover={onHover} />
          ) : (
            <p className="error" role="alert" data-testid="tokenizers.row.error" data-file={row.file ?? ''}>
              {row.message}
            </p>
          )}
        </section>
      ))}
      {pending.map((p) => (
        <section
          key={p.tokenizerId}
          className="tlab-row tlab-row--pending"
          data-testid="tokenizers.row.pending"
          data-tokenizer={p.tokenizerId}
        >
          <h3 className="tlab-row__title">
            {p.label} <span className="muted">{p.what}</span>
          </h3>
        </section>
      ))}
    </div>
  );
}
