/**
 * Byte offsets of tokens in the text they came from. transformers.js returns ids without
 * offsets, so we line the tokens' own bytes up with the UTF-8 bytes of the text. What a
 * tokenizer may change on the way, and how it is matched:
 * - a dummy prefix space (SentencePiece `Prepend ▁`, `add_prefix_space`): the leading space
 *   of the first token, and of the first token after each special token, has no byte in the
 *   text (tried only if the plain alignment fails);
 * - `▁` tokens read as spaces (tokenBytes' byte-fallback scheme) also match a literal `▁` (U+2581)
 *   in the text, which SentencePiece normalizers leave as it is;
 * - Unicode normalization (NFC, NFKC, ...): the tokens are lined up with the normalized text,
 *   then mapped back to the original text one grapheme cluster at a time.
 * Anything else (lower-casing, `<unk>`) leaves the rest of the tokens unaligned, and says so.
 */

export type UnicodeNormalization = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

export interface AlignOptions {
  /** Token spaces may stand for a literal `▁` in the text (byte-fallback byte scheme). */
  metaspace?: boolean;
  /** The tokenizer's Unicode normalization, if it has one. */
  normalization?: UnicodeNormalization;
  /**
   * special[i]: token i is an added token matched in the raw text. Whitespace next to one may
   * have been stripped (`lstrip` / `rstrip`) and belongs to no token.
   */
  special?: readonly boolean[];
}

export interface Alignment {
  /** starts[i], ends[i]: UTF-8 byte offsets of token i in the text, end exclusive. */
  starts: Int32Array;
  ends: Int32Array;
  /**
   * - `exact`: every token's bytes are the text's bytes at its offsets (bar a dummy prefix
   *   space or a `▁` read as space);
   * - `normalized`: the tokens spell the normalized text; offsets are widened to whole
   *   grapheme clusters of the original text where normalization changed it;
   * - `partial`: tokens from `alignedTokens` on could not be placed (offsets collapse to the
   *   last aligned position).
   */
  kind: 'exact' | 'normalized' | 'partial';
  alignedTokens: number;
  /**
   * The leading space of the first token (and of the first token after each special token)
   * is a dummy prefix with no byte in the text.
   */
  dummyPrefix: boolean;
}

const encoder = new TextEncoder();
const SPACE = 0x20;
const METASPACE = [0xe2, 0x96, 0x81];

interface RawAlignment {
  starts: Int32Array;
  ends: Int32Array;
  aligned: number;
  consumed: number;
}

const isWhitespaceByte = (b: number | undefined) => b === SPACE || b === 0x09 || b === 0x0a || b === 0x0d;

function alignOnce(
  target: Uint8Array,
  tokens: readonly Uint8Array[],
  special: readonly boolean[],
  metaspace: boolean,
  dummyPrefix: boolean,
): RawAlignment {
  const starts = new Int32Array(tokens.length);
  const ends = new Int32Array(tokens.length);
  let p = 0;
  let aligned = 0;
  for (let i = 0; i < tokens.length; i++) {
    const bytes = tokens[i];
    const besideSpecial = special[i] || (i > 0 && special[i - 1]);
    // The tokenizer normalizes each stretch of text between special tokens on its own.
    const startsSection = !special[i] && (i === 0 || special[i - 1]);
    if (besideSpecial && bytes.length > 0 && target[p] !== bytes[0]) while (isWhitespaceByte(target[p])) p += 1;
    const start = p;
    let ok = true;
    for (let k = 0; k < bytes.length && ok; k++) {
      const c = bytes[k];
      if (dummyPrefix && k === 0 && c === SPACE && startsSection) continue;
      if (target[p] === c) p += 1;
      else if (
        metaspace &&
        c === SPACE &&
        target[p] === METASPACE[0] &&
        target[p + 1] === METASPACE[1] &&
        target[p + 2] === METASPACE[2]
      )
        p += 3;
      else ok = false;
    }
    if (!ok) {
      p = start;
      break;
    }
    starts[i] = start;
    ends[i] = p;
    aligned = i + 1;
  }
  if (aligned === tokens.length && aligned > 0 && special[aligned - 1]) while (isWhitespaceByte(target[p])) p += 1;
  for (let i = aligned; i < tokens.length; i++) {
    starts[i] = p;
    ends[i] = p;
  }
  return { starts, ends, aligned, consumed: p };
}

function complete(raw: RawAlignment, tokens: number, targetLength: number): boolean {
  return raw.aligned === tokens && raw.consumed === targetLength;
}

function bestOf(
  target: Uint8Array,
  tokens: readonly Uint8Array[],
  special: readonly boolean[],
  metaspace: boolean,
): { raw: RawAlignment; dummyPrefix: boolean } {
  const plain = alignOnce(target, tokens, special, metaspace, false);
  if (complete(plain, tokens.length, target.length) || !tokens.some((t) => t[0] === SPACE))
    return { raw: plain, dummyPrefix: false };
  const prefixed = alignOnce(target, tokens, special, metaspace, true);
  if (complete(prefixed, tokens.length, target.length) || prefixed.aligned > plain.aligned)
    return { raw: prefixed, dummyPrefix: true };
  return { raw: plain, dummyPrefix: false };
}

/** Grapheme clusters of `text` with their UTF-8 byte spans. */
function graphemeSpans(text: string): { segment: string; start: number; end: number }[] {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const spans: { segment: string; start: number; end: number }[] = [];
  let offset = 0;
  for (const { segment } of segmenter.segment(text)) {
    const length = encoder.encode(segment).length;
    spans.push({ segment, start: offset, end: offset + length });
    offset += length;
  }
  return spans;
}

/**
 * Lines tokens up with a text.
 *
 * @param text the text that was tokenized
 * @param tokenBytes each token's bytes (special tokens: the UTF-8 of their content)
 */
export function alignTokens(text: string, tokenBytes: readonly Uint8Array[], options: AlignOptions = {}): Alignment {
  const metaspace = options.metaspace ?? false;
  const special = options.special ?? [];
  const textBytes = encoder.encode(text);
  const direct = bestOf(textBytes, tokenBytes, special, metaspace);
  if (
    complete(direct.raw, tokenBytes.length, textBytes.length) ||
    !options.normalization ||
    text.normalize(options.normalization) === text
  ) {
    const kind = complete(direct.raw, tokenBytes.length, textBytes.length) ? 'exact' : 'partial';
    return {
      starts: direct.raw.starts,
      ends: direct.raw.ends,
      kind,
      alignedTokens: direct.raw.aligned,
      dummyPrefix: direct.dummyPrefix,
    };
  }
  // Normalize cluster by cluster, remembering which original bytes each normalized byte came from.
  const form = options.normalization;
  const clusters = graphemeSpans(text);
  const pieces: Uint8Array[] = [];
  const originStart: number[] = [];
  const originEnd: number[] = [];
  for (const cluster of clusters) {
    const normalized = encoder.encode(cluster.segment.normalize(form));
    const unchanged =
      normalized.length === cluster.end - cluster.start && cluster.segment.normalize(form) === cluster.segment;
    pieces.push(normalized);
    for (let k = 0; k < normalized.length; k++) {
      originStart.push(unchanged ? cluster.start + k : cluster.start);
      originEnd.push(unchanged ? cluster.start + k + 1 : cluster.end);
    }
  }
  const target = new Uint8Array(originStart.length);
  let offset = 0;
  for (const piece of pieces) {
    target.set(piece, offset);
    offset += piece.length;
  }
  const viaNormalized = bestOf(target, tokenBytes, special, metaspace);
  if (viaNormalized.raw.aligned <= direct.raw.aligned) {
    return {
      starts: direct.raw.starts,
      ends: direct.raw.ends,
      kind: 'partial',
      alignedTokens: direct.raw.aligned,
      dummyPrefix: direct.dummyPrefix,
    };
  }
  const { raw } = viaNormalized;
  const starts = new Int32Array(tokenBytes.length);
  const ends = new Int32Array(tokenBytes.length);
  const mapStart = (p: number) => (p < originStart.length ? originStart[p] : textBytes.length);
  const mapEnd = (p: number) => (p === 0 ? 0 : originEnd[p - 1]);
  for (let i = 0; i < tokenBytes.length; i++) {
    if (raw.starts[i] === raw.ends[i]) {
      starts[i] = ends[i] = i < raw.aligned ? mapStart(raw.starts[i]) : mapEnd(raw.consumed);
      continue;
    }
    starts[i] = mapStart(raw.starts[i]);
    ends[i] = mapEnd(raw.ends[i]);
  }
  const whole = complete(raw, tokenBytes.length, target.length);
  return {
    starts,
    ends,
    kind: whole ? 'normalized' : 'partial',
    alignedTokens: raw.aligned,
    dummyPrefix: viaNormalized.dummyPrefix,
  };
}
