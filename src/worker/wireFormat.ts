/**
 * How the two biggest results cross the thread boundary. A structured clone costs about a
 * microsecond per property on the receiving (main) thread: 45,000 tokens or positions as
 * objects took 75–115 ms there, a frozen frame. As columns in typed arrays (transferred, not
 * copied) and one joined string, they cross at once and are rebuilt in about 10 ms.
 *
 * Only `tokenize` and `analyze` are encoded; every other result crosses as it is.
 */
import type { PositionMetrics } from '../core/lab/positionMetrics';
import type { AnalyzeReply, TokenView, TokenizeResult } from '../protocol/nextToken';
import type { CallKind } from '../protocol/calls';

/** The numeric fields of a position, in column order (every one a float64 number). */
const POSITION_FIELDS = [
  'tokenId',
  'logProb',
  'rank',
  'entropyNats',
  'top10EntropyNats',
  'probabilityRelativeToTop',
  'topTokenId',
] as const satisfies readonly (keyof PositionMetrics)[];

interface PackedPositions {
  /** Row-major: POSITION_FIELDS.length numbers per position. */
  columns: Float64Array;
}

interface PackedTokens {
  ids: Int32Array;
  special: Uint8Array;
  /** Every token's text joined; textEnds[i] is where token i's ends. */
  text: string;
  textEnds: Uint32Array;
  /** Every token's bytesHex joined; hexEnds[i] is where token i's ends. */
  hex: string;
  hexEnds: Uint32Array;
}

export function packPositions(positions: readonly PositionMetrics[]): PackedPositions {
  const width = POSITION_FIELDS.length;
  const columns = new Float64Array(positions.length * width);
  positions.forEach((position, i) => POSITION_FIELDS.forEach((field, f) => (columns[i * width + f] = position[field])));
  return { columns };
}

export function unpackPositions({ columns }: PackedPositions): PositionMetrics[] {
  const width = POSITION_FIELDS.length;
  const positions: PositionMetrics[] = new Array(columns.length / width);
  for (let i = 0; i < positions.length; i++) {
    const at = i * width;
    positions[i] = {
      tokenId: columns[at],
      logProb: columns[at + 1],
      rank: columns[at + 2],
      entropyNats: columns[at + 3],
      top10EntropyNats: columns[at + 4],
      probabilityRelativeToTop: columns[at + 5],
      topTokenId: columns[at + 6],
    };
  }
  return positions;
}

export function packTokens(tokens: readonly TokenView[]): PackedTokens {
  const textEnds = new Uint32Array(tokens.length);
  const hexEnds = new Uint32Array(tokens.length);
  let textLength = 0;
  let hexLength = 0;
  tokens.forEach((token, i) => {
    textEnds[i] = textLength += token.text.length;
    hexEnds[i] = hexLength += token.bytesHex.length;
  });
  return {
    ids: Int32Array.from(tokens, (t) => t.id),
    special: Uint8Array.from(tokens, (t) => (t.special ? 1 : 0)),
    text: tokens.map((t) => t.text).join(''),
    textEnds,
    hex: tokens.map((t) => t.bytesHex).join(''),
    hexEnds,
  };
}

export function unpackTokens(packed: PackedTokens): TokenView[] {
  const tokens: TokenView[] = new Array(packed.ids.length);
  for (let i = 0; i < tokens.length; i++) {
    tokens[i] = {
      id: packed.ids[i],
      text: packed.text.slice(i === 0 ? 0 : packed.textEnds[i - 1], packed.textEnds[i]),
      bytesHex: packed.hex.slice(i === 0 ? 0 : packed.hexEnds[i - 1], packed.hexEnds[i]),
      special: packed.special[i] === 1,
    };
  }
  return tokens;
}

/** Worker side: the result as it is posted, and what to transfer with it. */
export function encodeResult(kind: CallKind, result: unknown): { wire: unknown; transfer: ArrayBuffer[] } {
  if (kind === 'tokenize') {
    const { ids, tokens } = result as TokenizeResult;
    const packed = packTokens(tokens);
    const wireIds = Int32Array.from(ids);
    return {
      wire: { ids: wireIds, packedTokens: packed },
      transfer: [wireIds, packed.ids, packed.special, packed.textEnds, packed.hexEnds].map(
        (array) => array.buffer as ArrayBuffer,
      ),
    };
  }
  if (kind === 'analyze') {
    const { positions, ...rest } = result as AnalyzeReply;
    const packed = packPositions(positions);
    // The row's logits (with `rowPosition`) are moved by transferablesOf, like any result's.
    return { wire: { ...rest, packedPositions: packed }, transfer: [packed.columns.buffer as ArrayBuffer] };
  }
  return { wire: result, transfer: [] };
}

/** Main-thread side: the result as the engine returned it. */
export function decodeResult(kind: CallKind, wire: unknown): unknown {
  if (kind === 'tokenize') {
    const { ids, packedTokens } = wire as { ids: Int32Array; packedTokens: PackedTokens };
    return { ids: Array.from(ids), tokens: unpackTokens(packedTokens) } satisfies TokenizeResult;
  }
  if (kind === 'analyze') {
    const { packedPositions, ...rest } = wire as Omit<AnalyzeReply, 'positions'> & {
      packedPositions: PackedPositions;
    };
    return { ...rest, positions: unpackPositions(packedPositions) } satisfies AnalyzeReply;
  }
  return wire;
}
