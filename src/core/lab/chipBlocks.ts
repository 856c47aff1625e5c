/**
 * Blocks of token chips for a virtualised chip list: only the blocks near the visible part
 * of the list are in the DOM, so a 50,000-token text costs what a screenful costs.
 *
 * Blocks are laid out one under the other, so a block boundary is also a line break. A block
 * therefore ends after a token that ends a line once it holds `minTokens`, and is cut at
 * `maxTokens` only when the text has no line break for that long.
 */
export interface ChipBlock {
  /** First token of the block. */
  start: number;
  /** One past the last token of the block. */
  end: number;
}

/** About 5 to 13 lines of chips: a few blocks fill the list's 22rem, so a screenful costs a few hundred chips. */
export const CHIP_BLOCK_MIN_TOKENS = 60;
export const CHIP_BLOCK_MAX_TOKENS = 160;

export function chipBlocks(
  tokenCount: number,
  endsLine: (index: number) => boolean,
  minTokens = CHIP_BLOCK_MIN_TOKENS,
  maxTokens = CHIP_BLOCK_MAX_TOKENS,
): ChipBlock[] {
  if (!(minTokens >= 1 && maxTokens >= minTokens)) throw new Error(`Bad chip block sizes: ${minTokens}..${maxTokens}`);
  const blocks: ChipBlock[] = [];
  let start = 0;
  for (let i = 0; i < tokenCount; i++) {
    const size = i + 1 - start;
    if ((size >= minTokens && endsLine(i)) || size === maxTokens) {
      blocks.push({ start, end: i + 1 });
      start = i + 1;
    }
  }
  if (start < tokenCount || tokenCount === 0) blocks.push({ start, end: tokenCount });
  return blocks;
}

/** The index of the block holding `token` (binary search; blocks are contiguous and sorted). */
export function blockIndexOf(blocks: readonly ChipBlock[], token: number): number {
  let low = 0;
  let high = blocks.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (blocks[middle].start <= token) low = middle;
    else high = middle - 1;
  }
  return low;
}
