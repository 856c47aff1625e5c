import type { KeyboardEvent } from 'react';

/**
 * Props that make an SVG mark behave like a button when the chart is given an `onSelect`:
 * focusable, clicked with the mouse, and chosen with Enter or Space from the keyboard (SVG
 * elements get none of this for free). Without `onSelect` the mark is plain.
 */
export function selectableMarkProps(onSelect: ((tokenId: number) => void) | undefined, tokenId: number) {
  if (!onSelect) return { role: undefined, tabIndex: undefined, onClick: undefined, onKeyDown: undefined };
  return {
    role: 'button',
    tabIndex: 0,
    onClick: () => onSelect(tokenId),
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(tokenId);
      }
    },
  };
}
