/**
 * A tokenizer built from a `tokenizer.json` (+ `tokenizer_config.json`) with transformers.js' own
 * tokenizer classes, so ids are what the app's models get, plus what the views need on top: each
 * token's bytes and byte-exact text (core/tokenization/tokenBytes) and its UTF-8 byte offsets in
 * the text (core/tokenizers/align). Used by the tokenizer lab, the bias lens, the corpus API and
 * two-model comparison; it lives in the engine because it imports all of transformers.js.
 */
import * as transformers from '@huggingface/transformers';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { renderTokenBytes, tokenBytes, type TokenByteScheme } from '../core/tokenization/tokenBytes';
import { alignTokens, type UnicodeNormalization } from '../core/tokenizers/align';
import {
  checkTokenizerJson,
  describeTokenizerJson,
  parseTokenizerJson,
  TokenizerFileError,
  type TokenizerDescription,
  type TokenizerJson,
} from '../core/tokenizers/tokenizerJson';
import type { TokenSpan, Tokenization } from '../core/tokenizers/tokenSpans';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const BYTE_FALLBACK_TOKEN = /^<0x[0-9A-Fa-f]{2}>$/;
const NORMALIZATIONS: readonly UnicodeNormalization[] = ['NFC', 'NFD', 'NFKC', 'NFKD'];
const EMPTY = new Uint8Array(0);

/** The transformers.js class AutoTokenizer would pick from `tokenizer_config.json`. */
function tokenizerClass(config: Record<string, unknown>): typeof PreTrainedTokenizer {
  const name = typeof config.tokenizer_class === 'string' ? config.tokenizer_class.replace(/Fast$/, '') : '';
  const candidate = (transformers as unknown as Record<string, unknown>)[name];
  if (
    typeof candidate === 'function' &&
    (candidate === PreTrainedTokenizer || candidate.prototype instanceof PreTrainedTokenizer)
  ) {
    return candidate as typeof PreTrainedTokenizer;
  }
  return PreTrainedTokenizer;
}

export class ByteSpanTokenizer {
  readonly description: TokenizerDescription;
  readonly byteScheme: TokenByteScheme;
  /** Ids are 0 .. idLimit - 1 (some may be unused). */
  readonly idLimit: number;
  /** Encoding adds a space before the text (SentencePiece dummy prefix, `add_prefix_space`). */
  readonly addsPrefixSpace: boolean;
  private readonly tokenizer: PreTrainedTokenizer;
  private readonly rawById: string[];
  private readonly special = new Set<number>();
  private readonly specialContent = new Map<number, string>();
  private readonly bytesCache = new Map<number, Uint8Array>();
  /** The Unicode normalization the tokenizer applies (decode gives back the normalized text). */
  readonly normalization: UnicodeNormalization | undefined;
  private allBytes: Uint8Array[] | null = null;

  private constructor(json: TokenizerJson, config: Record<string, unknown>) {
    this.description = describeTokenizerJson(json);
    this.byteScheme = this.description.byteScheme;
    const Class = tokenizerClass(config);
    try {
      this.tokenizer = new Class(json, config);
    } catch (err) {
      throw new TokenizerFileError(`the tokenizer cannot be built from tokenizer.json: ${(err as Error).message}`);
    }
    let idLimit = 0;
    const vocab = this.tokenizer.get_vocab();
    for (const id of vocab.values()) idLimit = Math.max(idLimit, id + 1);
    this.idLimit = idLimit;
    this.rawById = new Array<string>(idLimit).fill('');
    for (const [token, id] of vocab) if (id >= 0) this.rawById[id] = token;
    for (const id of this.tokenizer.all_special_ids) this.special.add(id);
    for (const token of json.added_tokens ?? []) {
      if (!token.special) continue;
      this.special.add(token.id);
      this.specialContent.set(token.id, token.content);
    }
    this.normalization = NORMALIZATIONS.find((form) => this.description.normalizers.includes(form));
    const probe = this.encode('a');
    this.addsPrefixSpace = probe.length > 0 && this.tokenBytes(probe[0])[0] === 0x20;
  }

  /**
   * Builds a tokenizer from parsed files. Throws a TokenizerFileError with the reason when
   * `tokenizer.json` is not usable.
   */
  static fromJson(tokenizerJson: unknown, tokenizerConfig: unknown = {}): ByteSpanTokenizer {
    checkTokenizerJson(tokenizerJson);
    const config =
      typeof tokenizerConfig === 'object' && tokenizerConfig !== null
        ? (tokenizerConfig as Record<string, unknown>)
        : {};
    return new ByteSpanTokenizer(tokenizerJson, config);
  }

  /**
   * Builds a tokenizer from the files' text (as fetched or read from disk). Throws a
   * TokenizerFileError with the reason for a truncated, HTML or otherwise unusable file.
   */
  static fromText(tokenizerJsonText: string, tokenizerConfigText?: string): ByteSpanTokenizer {
    const json = parseTokenizerJson(tokenizerJsonText);
    let config: unknown = {};
    if (tokenizerConfigText !== undefined) {
      try {
        config = JSON.parse(tokenizerConfigText);
      } catch (err) {
        throw new TokenizerFileError(`tokenizer_config.json is not valid JSON: ${(err as Error).message}`);
      }
    }
    return ByteSpanTokenizer.fromJson(json, config);
  }

  /** Token ids for the text, without the special tokens a model adds (BOS, ...). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false });
  }

  /** The text of token ids, without the "clean-up" that removes spaces before punctuation. */
  decode(ids: readonly number[]): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  isSpecial(id: number): boolean {
    return this.special.has(id);
  }

  /** The raw vocabulary string of a token ('' for an unused id). */
  rawToken(id: number): string {
    return this.rawById[id] ?? '';
  }

  /** The bytes a token stands for; special tokens stand for the UTF-8 of their content. */
  tokenBytes(id: number): Uint8Array {
    let bytes = this.bytesCache.get(id);
    if (!bytes) {
      const content = this.specialContent.get(id);
      bytes =
        content !== undefined || this.special.has(id)
          ? encoder.encode(content ?? this.rawToken(id))
          : tokenBytes(this.rawToken(id), this.byteScheme);
      this.bytesCache.set(id, bytes);
    }
    return bytes;
  }

  /**
   * Every id's bytes, with special tokens (and unused ids) as empty arrays: the vocabulary the
   * byte-level probability and token-healing functions run over.
   */
  vocabularyBytes(): Uint8Array[] {
    this.allBytes ??= this.rawById.map((raw, id) => (raw === '' || this.special.has(id) ? EMPTY : this.tokenBytes(id)));
    return this.allBytes;
  }

  /** Tokenizes a text into byte-exact tokens with byte offsets. */
  tokenize(text: string): Tokenization {
    const ids = this.encode(text);
    const bytes = ids.map((id) => this.tokenBytes(id));
    const special = ids.map((id) => this.special.has(id));
    const alignment = alignTokens(text, bytes, {
      metaspace: this.byteScheme === 'byte-fallback',
      normalization: this.normalization,
      special,
    });
    const tokens = ids.map((id, index): TokenSpan => ({
      index,
      id,
      start: alignment.starts[index],
      end: alignment.ends[index],
      bytes: bytes[index],
      text: renderTokenBytes(bytes[index]),
      special: special[index],
      byteFallback: this.byteScheme === 'byte-fallback' && BYTE_FALLBACK_TOKEN.test(this.rawToken(id)),
    }));
    return {
      text,
      byteLength: encoder.encode(text).length,
      tokens,
      alignment: alignment.kind,
      dummyPrefix: alignment.dummyPrefix,
    };
  }

  /**
   * The canonical encoding of a byte string, in the byte space the vocabulary bytes live in
   * (with the dummy prefix space when the tokenizer adds one), or null when the bytes are not
   * the encoding of any text: incomplete UTF-8, a missing prefix space, or a text the
   * tokenizer's normalization changes.
   */
  encodeBytes(bytes: Uint8Array): number[] | null {
    let body = bytes;
    if (this.addsPrefixSpace) {
      if (bytes.length === 0) return [];
      if (bytes[0] !== 0x20) return null;
      body = bytes.subarray(1);
    }
    let text: string;
    try {
      text = strictDecoder.decode(body);
    } catch {
      return null;
    }
    const ids = this.encode(text);
    let offset = 0;
    for (const id of ids) {
      const piece = this.tokenBytes(id);
      for (let k = 0; k < piece.length; k++) if (bytes[offset + k] !== piece[k]) return null;
      offset += piece.length;
    }
    return offset === bytes.length ? ids : null;
  }
}
