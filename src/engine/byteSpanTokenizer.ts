/**
 * A tokenizer built from a `tokenizer.json` (+ `tokenizer_config.json`) with transformers.js' own
 * tokenizer classes, so ids are what the app's models get, plus what the views need on top: each
 * token's bytes and byte-exact text (core/tokenization/tokenBytes) and its UTF-8 byte offsets in
 * the text (core/tokenizers/align). Used by the tokenizer lab, the bias lens, the corpus API and
 * two-model comparison; it lives in the engine because it imports all of transformers.js.
 */
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { tokenizerClass } from './tokenizerClass';
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
import {
  BPE_DIGEST_FILE,
  decodeMerges,
  digestVocabularySize,
  MergeRanks,
  mergeKeyParts,
  parseBpeDigest,
  TokenIds,
  type BpeDigest,
} from '../core/tokenizers/bpeDigest';
import type { TokenSpan, Tokenization } from '../core/tokenizers/tokenSpans';
import { strictUtf8Decoder } from '../core/tokenization/utf8Decoders';
import { decodeExactly } from './exactDecode';

const encoder = new TextEncoder();
const BYTE_FALLBACK_TOKEN = /^<0x[0-9A-Fa-f]{2}>$/;
const NORMALIZATIONS: readonly UnicodeNormalization[] = ['NFC', 'NFD', 'NFKC', 'NFKD'];
const EMPTY = new Uint8Array(0);

/** The parts of transformers.js' BPE model (tokenizers.js `BPE`) a digest fills in. */
interface BpeModelInternals {
  tokens_to_ids: Map<string, number> | TokenIds;
  vocab: string[];
  bpe_ranks: { get(key: string): number | undefined };
}

interface TokenizerInternals {
  _tokenizer: { model: BpeModelInternals; added_tokens: { content: string; id: number }[] };
}

/** Every string in a parsed JSON value (the token names a tokenizer_config.json may hold). */
function stringsIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}

/**
 * transformers.js' own tokenizer class over a digest (core/tokenizers/bpeDigest.ts) instead of
 * the full tokenizer.json. The class is built with a stand-in vocabulary holding every token its
 * constructors look up (the model's unknown token and the tokens tokenizer_config.json names),
 * so the ids it keeps (unknown, padding, end …) are those the full file gives; then the model's
 * vocabulary is replaced by the digest's, with the added tokens put in as the constructor put
 * them, and its merge ranks by a lookup on the digest's numbers that answers every key exactly
 * as transformers.js' Map of JSON keys does. Also returns each id's token as `get_vocab()` has it,
 * without that call's Map of every token. byteSpanTokenizerDigest.test.ts holds all of it against
 * the class built from tokenizer.json.
 */
function tokenizerFromDigest(
  Class: typeof PreTrainedTokenizer,
  digest: BpeDigest,
  config: Record<string, unknown>,
): { tokenizer: PreTrainedTokenizer; tokenById: string[] } {
  const addedTokens = digest.tokenizer.added_tokens ?? [];
  const tokensToIds = new TokenIds(digest.vocab.length + addedTokens.length);
  // The model's id → token array, with a hole for an unused id as transformers.js leaves one.
  const vocab = digest.vocab.slice() as string[];
  for (let id = 0; id < vocab.length; id++) {
    const token = vocab[id];
    if (token === null) delete vocab[id];
    else tokensToIds.set(token, id);
  }
  const standIn: Record<string, number> = {};
  const model = digest.tokenizer.model as TokenizerJson['model'] & { unk_token?: unknown };
  for (const token of stringsIn(model.unk_token, stringsIn(config, new Set()))) {
    const id = tokensToIds.get(token);
    if (id !== undefined) standIn[token] = id;
  }
  const tokenizer = new Class({ ...digest.tokenizer, model: { ...model, vocab: standIn, merges: [] } }, config);
  const inner = (tokenizer as unknown as TokenizerInternals)._tokenizer;
  const bpe = inner?.model;
  if (!(bpe?.tokens_to_ids instanceof Map) || !Array.isArray(bpe.vocab) || !(bpe.bpe_ranks instanceof Map))
    throw new Error('this transformers.js has no BPE model the digest can fill: load tokenizer.json instead');
  // A merge part keeps the digest's number even where an added token took its string.
  const symbolOverrides = new Map<string, number | undefined>();
  /** Where each added token's string may sit in `vocab`: its vocabulary id and its added ids. */
  const placesOf = new Map<string, number[]>();
  for (const token of inner.added_tokens) {
    if (!symbolOverrides.has(token.content)) {
      const vocabId = tokensToIds.get(token.content);
      symbolOverrides.set(token.content, vocabId);
      placesOf.set(token.content, vocabId === undefined ? [] : [vocabId]);
    }
    placesOf.get(token.content)!.push(token.id);
    tokensToIds.set(token.content, token.id);
    vocab[token.id] = token.content;
  }
  digest.extraSymbols.forEach((symbol, i) => symbolOverrides.set(symbol, digest.vocab.length + i));
  const symbolOf = (part: string) => (symbolOverrides.has(part) ? symbolOverrides.get(part) : tokensToIds.get(part));
  const ranks = new MergeRanks(decodeMerges(digest.merges, digest.mergeDigits));
  bpe.tokens_to_ids = tokensToIds;
  bpe.vocab = vocab;
  bpe.bpe_ranks = {
    get(key) {
      const parts = mergeKeyParts(key);
      const a = parts && symbolOf(parts[0]);
      const b = parts && symbolOf(parts[1]);
      return a == null || b == null ? undefined : ranks.rank(a, b);
    },
  };
  // get_vocab() maps each string to the last id that holds it: an earlier id of a repeated string
  // (only an added token's string can repeat) has no token there.
  const tokenById = Array.from(vocab, (token) => token ?? '');
  for (const [content, places] of placesOf) {
    const holding = places.filter((id) => vocab[id] === content);
    const last = Math.max(...holding);
    for (const id of holding) if (id !== last) tokenById[id] = '';
  }
  return { tokenizer, tokenById };
}

function parseConfigText(tokenizerConfigText: string | undefined): unknown {
  if (tokenizerConfigText === undefined) return {};
  try {
    return JSON.parse(tokenizerConfigText);
  } catch (err) {
    throw new TokenizerFileError(`tokenizer_config.json is not valid JSON: ${(err as Error).message}`);
  }
}

function configRecord(tokenizerConfig: unknown): Record<string, unknown> {
  return typeof tokenizerConfig === 'object' && tokenizerConfig !== null
    ? (tokenizerConfig as Record<string, unknown>)
    : {};
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

  private constructor(json: TokenizerJson, config: Record<string, unknown>, digest?: BpeDigest) {
    const description = describeTokenizerJson(json);
    this.description = digest ? { ...description, vocabularySize: digestVocabularySize(digest) } : description;
    this.byteScheme = this.description.byteScheme;
    const Class = tokenizerClass(config);
    let built: { tokenizer: PreTrainedTokenizer; tokenById: string[] | null };
    try {
      built = digest
        ? tokenizerFromDigest(Class, digest, config)
        : { tokenizer: new Class(json, config), tokenById: null };
    } catch (err) {
      const file = digest ? BPE_DIGEST_FILE : 'tokenizer.json';
      throw new TokenizerFileError(`the tokenizer cannot be built from ${file}: ${(err as Error).message}`);
    }
    this.tokenizer = built.tokenizer;
    if (built.tokenById) {
      this.idLimit = built.tokenById.length;
      this.rawById = built.tokenById;
    } else {
      let idLimit = 0;
      const vocab = this.tokenizer.get_vocab();
      for (const id of vocab.values()) idLimit = Math.max(idLimit, id + 1);
      this.idLimit = idLimit;
      this.rawById = new Array<string>(idLimit).fill('');
      for (const [token, id] of vocab) if (id >= 0) this.rawById[id] = token;
    }
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
    return new ByteSpanTokenizer(tokenizerJson, configRecord(tokenizerConfig));
  }

  /**
   * Builds a tokenizer from the files' text (as fetched or read from disk). Throws a
   * TokenizerFileError with the reason for a truncated, HTML or otherwise unusable file.
   */
  static fromText(tokenizerJsonText: string, tokenizerConfigText?: string): ByteSpanTokenizer {
    const json = parseTokenizerJson(tokenizerJsonText);
    return ByteSpanTokenizer.fromJson(json, parseConfigText(tokenizerConfigText));
  }

  /**
   * The same tokenizer from its digest (`tokenizer.digest.json`, written by npm run tokenizers),
   * built several times faster. Throws a TokenizerFileError for a file that is not a digest.
   */
  static fromDigest(digestText: string, tokenizerConfigText?: string): ByteSpanTokenizer {
    const digest = parseBpeDigest(digestText);
    return new ByteSpanTokenizer(digest.tokenizer, configRecord(parseConfigText(tokenizerConfigText)), digest);
  }

  /** Token ids for the text, without the special tokens a model adds (BOS, ...). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false });
  }

  /** The text of token ids, without the "clean-up" that removes spaces before punctuation. */
  decode(ids: readonly number[]): string {
    return decodeExactly(this.tokenizer, ids);
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
      text = strictUtf8Decoder.decode(body);
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
