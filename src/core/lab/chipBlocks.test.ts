import { describe, expect, it } from 'vitest';
import { blockIndexOf, CHIP_BLOCK_MAX_TOKENS, CHIP_BLOCK_MIN_TOKENS, chipBlocks } from './chipBlocks';

describe('chip blocks', () => {
  it('cover every token once, in order, within the size bounds', () => {
    for (const count of [0, 1, 149, 150, 151, 399, 400, 401, 1234, 50_000]) {
      const newlineEvery = 37;
      const blocks = chipBlocks(count, (i) => i % newlineEvery === newlineEvery - 1);
      expect(blocks[0].start).toBe(0);
      expect(blocks.at(-1)!.end).toBe(count);
      blocks.forEach((b, k) => {
        if (k > 0) expect(b.start).toBe(blocks[k - 1].end);
        expect(b.end - b.start).toBeLessThanOrEqual(CHIP_BLOCK_MAX_TOKENS);
        // Every block but the last ends a line (here a newline comes every 37 tokens, well under the maximum).
        if (k < blocks.length - 1) expect((b.end - 1) % newlineEvery).toBe(newlineEvery - 1);
        if (k < blocks.length - 1) expect(b.end - b.start).toBeGreaterThanOrEqual(CHIP_BLOCK_MIN_TOKENS);
      });
    }
  });

  it('cut a text without line breaks at the maximum', () => {
    expect(chipBlocks(900, () => false, 150, 400)).toEqual([
      { start: 0, end: 400 },
      { start: 400, end: 800 },
      { start: 800, end: 900 },
    ]);
  });

  it('end a block at the first line end past the minimum', () => {
    const lineEnds = new Set([10, 160, 170]);
    expect(chipBlocks(300, (i) => lineEnds.has(i), 150, 400)).toEqual([
      { start: 0, end: 161 },
      { start: 161, end: 300 },
    ]);
  });

  it('find the block of any token, matching a linear scan', () => {
    const blocks = chipBlocks(5000, (i) => i % 211 === 0 || i % 97 === 0);
    for (let token = 0; token < 5000; token += 7) {
      const linear = blocks.findIndex((b) => token >= b.start && token < b.end);
      expect(blockIndexOf(blocks, token)).toBe(linear);
    }
    // The position after the last token (the "next" chip) belongs to the last block.
    expect(blockIndexOf(blocks, 5000)).toBe(blocks.length - 1);
  });

  it('refuse sizes that cannot make blocks', () => {
    expect(() => chipBlocks(10, () => false, 0, 5)).toThrow(/Bad chip block sizes/);
    expect(() => chipBlocks(10, () => false, 6, 5)).toThrow(/Bad chip block sizes/);
  });
});
