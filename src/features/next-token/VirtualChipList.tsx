/**
 * A scrolling list of inline token chips that keeps only the blocks near the visible part in
 * the DOM (core/lab/chipBlocks), so a text of tens of thousands of tokens renders as fast as a
 * screenful. The block holding `keepIndex` (the selection) is always rendered, so keyboard
 * focus and aria-activedescendant always have their element, and the list scrolls (itself
 * only, never the page) to keep that chip in view when it changes.
 */
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useMemo, useRef, type HTMLAttributes, type ReactNode } from 'react';
import { blockIndexOf, chipBlocks } from '../../core/lab/chipBlocks';

/** About one line of chips (the .chips line height) per this many tokens: a first guess, corrected by measuring. */
const ESTIMATED_TOKENS_PER_LINE = 10;
const LINE_HEIGHT_PX = 33;

export interface VirtualChipListProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  count: number;
  /** Whether chip i ends a line (blocks end there, so block edges fall on line breaks). */
  endsLine: (index: number) => boolean;
  /** Chip i; its element must carry data-position={i}. */
  renderChip: (index: number) => ReactNode;
  /** The chip that stays rendered and in view (the selection); null for none. */
  keepIndex: number | null;
}

export function VirtualChipList({
  count,
  endsLine,
  renderChip,
  keepIndex,
  className,
  ...containerProps
}: VirtualChipListProps) {
  const blocks = useMemo(() => chipBlocks(count, endsLine), [count, endsLine]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const keptBlock = keepIndex === null ? null : blockIndexOf(blocks, keepIndex);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      return keptBlock === null || indexes.includes(keptBlock) || keptBlock >= blocks.length
        ? indexes
        : [...indexes, keptBlock].sort((a, b) => a - b);
    },
    [keptBlock, blocks.length],
  );
  const virtualizer = useVirtualizer({
    count: blocks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) =>
      LINE_HEIGHT_PX * Math.max(1, Math.ceil((blocks[i].end - blocks[i].start) / ESTIMATED_TOKENS_PER_LINE)),
    getItemKey: (i) => blocks[i].start,
    overscan: 1,
    rangeExtractor,
    // Scrolling re-renders with React's normal batching, not synchronously inside the scroll event.
    useFlushSync: false,
  });

  useLayoutEffect(() => {
    const container = scrollRef.current;
    if (keepIndex === null || !container) return;
    const chip = container.querySelector<HTMLElement>(`[data-position="${keepIndex}"]`);
    if (chip) scrollWithin(container, chip);
    else if (keptBlock !== null) virtualizer.scrollToIndex(keptBlock, { align: 'center' });
    // Only a new selection scrolls; re-renders (new metrics, a resize) leave the user's scroll alone.
  }, [keepIndex]);

  return (
    <div ref={scrollRef} className={className} {...containerProps}>
      <div className="chips__inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const block = blocks[item.index];
          return (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              className="chips__block"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {Array.from({ length: block.end - block.start }, (_, k) => renderChip(block.start + k))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/**
 * ← → on a chip of a list whose chips are one button each (data-position = index): selects the
 * neighbour and moves the focus to it. The neighbour is on screen or in the block just past it,
 * which the list keeps rendered.
 */
export function moveBetweenChips(
  event: React.KeyboardEvent<HTMLElement>,
  position: number,
  count: number,
  onSelect: (position: number) => void,
): void {
  const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
  if (step === 0) return;
  event.preventDefault();
  const next = Math.min(count - 1, Math.max(0, position + step));
  onSelect(next);
  event.currentTarget.closest('.chips')?.querySelector<HTMLElement>(`[data-position="${next}"]`)?.focus();
}

/** Scrolls the list (not the page) by the least amount that shows the chip. */
function scrollWithin(container: HTMLElement, chip: HTMLElement): void {
  const box = container.getBoundingClientRect();
  const target = chip.getBoundingClientRect();
  if (target.top < box.top) container.scrollTop -= box.top - target.top;
  else if (target.bottom > box.bottom) container.scrollTop += target.bottom - box.bottom;
}
