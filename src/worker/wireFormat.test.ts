import { describe, expect, it } from 'vitest';
import type { AnalyzeResult, TokenizeResult } from '../protocol/nextToken';
import { decodeResult, encodeResult } from './wireFormat';

/** What postMessage does to the wire form: a structured clone, the listed buffers moved. */
function acrossThreads(wire: unknown, transfer: ArrayBuffer[]): unknown {
  return structuredClone(wire, { transfer });
}

describe('the wire format of tokenize and analyze', () => {
  it('gives back exactly the tokens, whatever their text', () => {
    const result: TokenizeResult = {
      ids: [0, 31, 8191, 50256, 2 ** 31 - 1],
      tokens: [
        { id: 0, text: '', bytesHex: '', special: true },
        { id: 31, text: ' naïve', bytesHex: '206e61c3af7665', special: false },
        { id: 8191, text: '\\xF0', bytesHex: 'f0', special: false },
        { id: 50256, text: '👨‍👩‍👧\n', bytesHex: 'f09f91a8e2808df09f91a9e2808df09f91a70a', special: false },
        { id: 2 ** 31 - 1, text: '<|endoftext|>', bytesHex: '3c7c656e646f66746578747c3e', special: true },
      ],
    };
    const { wire, transfer } = encodeResult('tokenize', result);
    expect(transfer.length).toBeGreaterThan(0);
    expect(decodeResult('tokenize', acrossThreads(wire, transfer))).toEqual(result);
  });

  it('gives back every position number bit for bit', () => {
    const positions = Array.from({ length: 1000 }, (_, i) => ({
      tokenId: i % 8192,
      logProb: (-Math.PI * i) / 7,
      rank: 1 + (i % 50),
      entropyNats: Math.E / (i + 1),
      top10EntropyNats: 1 / 3,
      probabilityRelativeToTop: i === 0 ? 1 : Number.MIN_VALUE * i,
      topTokenId: (i * 31) % 8192,
    }));
    const result = {
      startTokenId: 0,
      positions,
      nextEntropyNats: 2.5,
      reusedPositions: 3,
      computedTokens: 997,
      windowCount: 5,
      windowTokens: 256,
      elapsedMs: 12.5,
    } as AnalyzeResult;
    const { wire, transfer } = encodeResult('analyze', result);
    expect(decodeResult('analyze', acrossThreads(wire, transfer))).toEqual(result);
  });

  it('leaves an empty text and other results as they are', () => {
    const empty: TokenizeResult = { ids: [], tokens: [] };
    const encoded = encodeResult('tokenize', empty);
    expect(decodeResult('tokenize', acrossThreads(encoded.wire, encoded.transfer))).toEqual(empty);
    const other = { rows: [{ a: 1 }] };
    expect(encodeResult('tokenizerLabTokenize', other)).toEqual({ wire: other, transfer: [] });
    expect(decodeResult('tokenizerLabTokenize', other)).toBe(other);
  });
});
