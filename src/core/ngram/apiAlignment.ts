/**
 * Between the loaded model's tokens and an infini-gram API index, which holds token ids of its
 * own tokenizer (Llama 2 for most indexes): the two meet on bytes.
 *
 * A model position is a byte offset in the text (where the model's next token starts). The API
 * query for it is the text's bytes before that offset, tokenised on their own with the index's
 * tokenizer, so both sides condition on the same bytes. Then each token id of the API's answer
 * is shown as its bytes (a decode function of the index's tokenizer), next to the model's tokens.
 *
 * What is approximate, and reported:
 * - `boundaryAgrees: false`: the index's tokenizer, reading on past the offset, would not cut
 *   there (the context ends mid-token for it, e.g. the model cut "Hel|lo" where Llama 2 has one
 *   token "▁Hello"). The corpus holds the longer token, so the API's counts for a context ending
 *   in "▁Hel" see few or no continuations; its distribution is then of little use.
 * - `droppedBytes > 0`: the offset falls inside a UTF-8 character (a byte-level model split it);
 *   the context stops at the character's start, so those bytes are missing from it.
 * - The context is tokenised from the start of a window (`windowBytes` before the offset,
 *   moved forward to just after a space or newline) and only its last `maxTokens` ids are sent:
 *   tokens early in a long text may differ from a tokenisation of the whole text, which matters
 *   only if the corpus matches a suffix that long.
 * - A SentencePiece tokenizer (Llama 2) adds its dummy-prefix space before the first token, as
 *   it did for every corpus document: a context starting at the text's start reads as if it
 *   followed a space or a document start.
 */
import { renderTokenBytes } from '../tokenization/tokenBytes';
import { INFINI_GRAM_LIMITS } from './infiniGramApi';
import { lenientUtf8Decoder } from '../tokenization/utf8Decoders';

export interface ApiContextQuery {
  /** The index tokenizer's ids for the context: the ids to send. */
  queryIds: number[];
  /** UTF-8 bytes of the text the context covers: [windowStart, contextEnd). */
  windowStart: number;
  contextEnd: number;
  /** Bytes between the last whole character and the offset, left out of the context. */
  droppedBytes: number;
  /** Ids cut from the front to fit maxTokens. */
  truncatedTokens: number;
  /** The index's tokenizer also puts a token boundary at the offset when it reads on (see above). */
  boundaryAgrees: boolean;
}

export interface ApiContextOptions {
  /** At most this many ids (the API's limit, less one for prob queries). Default 499. */
  maxTokens?: number;
  /** Bytes of text before the offset to tokenise. Default 4096. */
  windowBytes?: number;
  /** Characters after the offset read to check the boundary. Default 16. */
  lookaheadChars?: number;
}

const encoder = new TextEncoder();
const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/** The largest character boundary at or before `offset`. */
function characterStart(bytes: Uint8Array, offset: number): number {
  let at = offset;
  while (at > 0 && at < bytes.length && isContinuation(bytes[at])) at--;
  return at;
}

/**
 * The API query for the model position at `byteOffset` (UTF-8) of `text`. `tokenize` is the
 * index's tokenizer, without special tokens (no BOS).
 */
export function apiContextQuery(
  text: string,
  byteOffset: number,
  tokenize: (text: string) => readonly number[],
  options: ApiContextOptions = {},
): ApiContextQuery {
  const maxTokens = options.maxTokens ?? INFINI_GRAM_LIMITS.maxQueryTokens - 1;
  const windowBytes = options.windowBytes ?? 4096;
  const lookaheadChars = options.lookaheadChars ?? 16;
  const bytes = encoder.encode(text);
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset > bytes.length) {
    throw new RangeError(`Byte offset ${byteOffset} is outside the text (0..${bytes.length}).`);
  }
  const contextEnd = characterStart(bytes, byteOffset);
  let windowStart = 0;
  if (contextEnd > windowBytes) {
    windowStart = characterStart(bytes, contextEnd - windowBytes);
    // Start after whitespace, so the first token is a whole word rather than a fragment of one.
    for (let i = windowStart; i < contextEnd; i++) {
      if (bytes[i] === 0x20 || bytes[i] === 0x0a) {
        windowStart = i + 1;
        break;
      }
    }
  }
  const context = lenientUtf8Decoder.decode(bytes.subarray(windowStart, contextEnd));
  const ids = [...tokenize(context)];
  const queryIds = ids.slice(Math.max(0, ids.length - maxTokens));

  let boundaryAgrees = contextEnd === byteOffset;
  if (boundaryAgrees && contextEnd < bytes.length && context.length > 0) {
    const following = Array.from(
      lenientUtf8Decoder.decode(
        bytes.subarray(contextEnd, characterStart(bytes, Math.min(bytes.length, contextEnd + 4 * lookaheadChars))),
      ),
    )
      .slice(0, lookaheadChars)
      .join('');
    // Same ids for the context's bytes when reading on ⇒ a boundary at the offset (an id always stands for the same bytes).
    const onward = tokenize(context + following);
    boundaryAgrees = ids.every((id, k) => onward[k] === id) && onward.length > ids.length;
  }
  return {
    queryIds,
    windowStart,
    contextEnd,
    droppedBytes: byteOffset - contextEnd,
    truncatedTokens: ids.length - queryIds.length,
    boundaryAgrees,
  };
}

export interface ApiTokenRow {
  tokenId: number;
  prob: number;
  count: number;
  /** The bytes the token stands for in the index's tokenizer (empty for the document separator). */
  bytes: Uint8Array;
  /** Byte-exact display: whole characters as text, bytes of split characters as \xNN. */
  text: string;
  /** The token is the corpus's document separator: the mass of "the document ends here". */
  endOfDocument: boolean;
}

/**
 * The API's next tokens as bytes, to show beside the model's: `decode` gives a token id's bytes
 * (or text) in the index's tokenizer, e.g. ByteSpanTokenizer.tokenBytes for Llama 2.
 */
export function apiTokenRows(
  tokens: readonly { tokenId: number; prob: number; count: number }[],
  decode: (tokenId: number) => Uint8Array | string,
): ApiTokenRow[] {
  return tokens.map(({ tokenId, prob, count }) => {
    const endOfDocument = tokenId === INFINI_GRAM_LIMITS.documentSeparator;
    const decoded = endOfDocument ? new Uint8Array(0) : decode(tokenId);
    const bytes = typeof decoded === 'string' ? encoder.encode(decoded) : decoded;
    return {
      tokenId,
      prob,
      count,
      bytes,
      text: endOfDocument ? '(end of document)' : renderTokenBytes(bytes),
      endOfDocument,
    };
  });
}
