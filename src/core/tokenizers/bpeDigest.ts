/**
 * A BPE `tokenizer.json` pre-digested for fast loading: `npm run tokenizers` writes it beside
 * each shipped tokenizer.json as `tokenizer.digest.json`. Building transformers.js' tokenizer from
 * tokenizer.json spends most of its time on the vocabulary object (262,144 keys for Gemma 3) and
 * the merges (514,906 pairs, each turned into a JSON string key of a Map). The digest holds the
 * same data as plain arrays: the vocabulary by id, and each merge as two numbers, which the
 * engine (byteSpanTokenizer.ts) turns into the same lookups in a fraction of the time.
 *
 * The same tokenizer, not a new one: the ids and byte offsets are those of tokenizer.json through
 * transformers.js (src/engine/byteSpanTokenizerDigest.test.ts compares them).
 */
import { parseTokenizerFileText, TokenizerFileError, type TokenizerJson } from './tokenizerJson';

export const BPE_DIGEST_FILE = 'tokenizer.digest.json';
export const BPE_DIGEST_FORMAT = 'tokenscope-bpe-digest';
/** Bump with tools/tokenizers/copy.ts's COPY_TOOL_VERSION, so npm run tokenizers rewrites the digests. */
export const BPE_DIGEST_VERSION = 1;

export interface BpeDigest {
  format: typeof BPE_DIGEST_FORMAT;
  version: typeof BPE_DIGEST_VERSION;
  /** tokenizer.json with `model.vocab` = {} and `model.merges` = []: everything else as it was. */
  tokenizer: TokenizerJson;
  /** `model.vocab` by id: the token whose id is the index, null for an id no token has. */
  vocab: (string | null)[];
  /** Merge parts that are not vocabulary tokens, numbered after the vocabulary: vocab.length + i. */
  extraSymbols: string[];
  /**
   * The merges in rank order, two numbers each (a vocabulary id or an extra symbol's number per
   * part), every number as `mergeDigits` base-64 digits: about half the bytes of a JSON array of
   * numbers. A merge no pair of tokens can match (transformers.js keeps its rank but never finds
   * it) is written with '=' digits. decodeMerges reads it.
   */
  merges: string;
  mergeDigits: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const NO_MERGE_DIGIT = '=';

/** Numbers 0 .. 64^digits - 1 as fixed-width base-64 digits; -1 as '=' digits. */
export function encodeMerges(numbers: readonly number[], digits: number): string {
  let out = '';
  for (const n of numbers) {
    if (n < 0) out += NO_MERGE_DIGIT.repeat(digits);
    else for (let d = digits - 1; d >= 0; d--) out += BASE64[Math.floor(n / 64 ** d) % 64];
  }
  return out;
}

const DIGIT_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) DIGIT_VALUES[BASE64.charCodeAt(i)] = i;

/** The numbers of `encodeMerges` (-1 for '=' digits); throws on any other character. */
export function decodeMerges(text: string, digits: number): Int32Array {
  const out = new Int32Array(text.length / digits);
  const noMerge = NO_MERGE_DIGIT.repeat(digits);
  for (let i = 0, k = 0; i < out.length; i++, k += digits) {
    if (text.startsWith(noMerge, k)) {
      out[i] = -1;
      continue;
    }
    let n = 0;
    for (let d = 0; d < digits; d++) {
      const code = text.charCodeAt(k + d);
      const value = code < 128 ? DIGIT_VALUES[code] : -1;
      if (value < 0) throw new TokenizerFileError(`the merges hold "${text[k + d]}", not a digit`);
      n = n * 64 + value;
    }
    out[i] = n;
  }
  return out;
}

/**
 * The digest of a BPE tokenizer.json, or the reason there is none (the tokenizer is then loaded
 * from tokenizer.json): not BPE, or ids that are not distinct non-negative integers.
 */
export function digestBpeTokenizerJson(json: TokenizerJson): BpeDigest | { reason: string } {
  const { vocab: vocabJson, merges: mergesJson, ...modelRest } = json.model;
  if (json.model.type !== 'BPE') return { reason: `the model is ${json.model.type ?? 'untyped'}, not BPE` };
  if (Array.isArray(vocabJson) || !Array.isArray(mergesJson)) return { reason: 'the vocabulary or merges are not BPE' };
  const vocab: (string | null)[] = [];
  for (const [token, id] of Object.entries(vocabJson)) {
    if (!Number.isInteger(id) || id < 0) return { reason: `the token ${JSON.stringify(token)} has the id ${id}` };
    if (vocab[id] != null) return { reason: `two tokens have the id ${id}` };
    while (vocab.length < id) vocab.push(null);
    vocab[id] = token;
  }
  const symbols = new Map<string, number>();
  vocab.forEach((token, id) => token !== null && symbols.set(token, id));
  const extraSymbols: string[] = [];
  const symbolOf = (part: string) => {
    let symbol = symbols.get(part);
    if (symbol === undefined) {
      symbol = vocab.length + extraSymbols.length;
      extraSymbols.push(part);
      symbols.set(part, symbol);
    }
    return symbol;
  };
  const merges: number[] = [];
  // As transformers.js reads merges: pairs, or (when the first is a string) "a b" split at the
  // first space, anything after a second one dropped.
  const strings = !Array.isArray(mergesJson[0]);
  for (const merge of mergesJson) {
    if (strings && typeof merge !== 'string') return { reason: `the merge ${JSON.stringify(merge)} is not a string` };
    const pair = strings ? (merge as string).split(' ', 2) : merge;
    if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string')
      merges.push(symbolOf(pair[0]), symbolOf(pair[1]));
    else merges.push(-1, -1);
  }
  let mergeDigits = 1;
  while (64 ** mergeDigits < vocab.length + extraSymbols.length) mergeDigits += 1;
  return {
    format: BPE_DIGEST_FORMAT,
    version: BPE_DIGEST_VERSION,
    tokenizer: { ...json, model: { ...modelRest, vocab: {}, merges: [] } },
    vocab,
    extraSymbols,
    merges: encodeMerges(merges, mergeDigits),
    mergeDigits,
  };
}

/** Parses the text of a digest file; throws a TokenizerFileError that says what is wrong. */
export function parseBpeDigest(text: string, name = BPE_DIGEST_FILE): BpeDigest {
  const digest = parseTokenizerFileText(text, name) as Partial<BpeDigest> | null;
  if (digest?.format !== BPE_DIGEST_FORMAT || digest.version !== BPE_DIGEST_VERSION)
    throw new TokenizerFileError(
      `${name} is not a version ${BPE_DIGEST_VERSION} tokenizer digest; run npm run tokenizers`,
    );
  if (
    typeof digest.tokenizer?.model !== 'object' ||
    !Array.isArray(digest.vocab) ||
    !Array.isArray(digest.extraSymbols) ||
    typeof digest.merges !== 'string' ||
    !Number.isInteger(digest.mergeDigits) ||
    digest.mergeDigits! < 1 ||
    digest.merges.length % (2 * digest.mergeDigits!) !== 0
  )
    throw new TokenizerFileError(`${name} is incomplete (tokenizer, vocab, extraSymbols and merges are needed)`);
  return digest as BpeDigest;
}

/** Distinct ids of a digest's tokenizer: its vocabulary's and its added tokens' (describeTokenizerJson's count). */
export function digestVocabularySize(digest: BpeDigest): number {
  let size = 0;
  for (const token of digest.vocab) if (token !== null) size += 1;
  const added = new Set<number>();
  for (const token of digest.tokenizer.added_tokens ?? []) if (digest.vocab[token.id] == null) added.add(token.id);
  return size + added.size;
}

/**
 * Token → id, answering `get`, `has`, `set` and `size` as the Map transformers.js keeps
 * (`tokens_to_ids`): an open-addressing table of FNV-1a hashes in a typed array, filled several
 * times faster than a Map of 262,144 new strings (which hashes and grows as it goes).
 */
export class TokenIds {
  private slots: Int32Array;
  private readonly keys: string[] = [];
  private readonly values: number[] = [];

  /** `expected`: about how many tokens it will hold (it grows past that). */
  constructor(expected: number) {
    this.slots = TokenIds.emptySlots(expected);
  }

  get size(): number {
    return this.keys.length;
  }

  get(key: unknown): number | undefined {
    const entry = this.find(key);
    return entry < 0 ? undefined : this.values[entry];
  }

  has(key: unknown): boolean {
    return this.find(key) >= 0;
  }

  set(key: string, value: number): this {
    const entry = this.find(key);
    if (entry >= 0) {
      this.values[entry] = value;
      return this;
    }
    if (this.keys.length * 2 >= this.slots.length) {
      this.slots = TokenIds.emptySlots(this.keys.length * 2);
      this.keys.forEach((k, i) => this.insert(k, i));
    }
    this.keys.push(key);
    this.values.push(value);
    this.insert(key, this.keys.length - 1);
    return this;
  }

  private static emptySlots(expected: number): Int32Array {
    let size = 16;
    while (size < expected * 2) size *= 2; // at most half full: short probes
    return new Int32Array(size).fill(-1);
  }

  private static hash(key: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return h;
  }

  private insert(key: string, entry: number): void {
    const mask = this.slots.length - 1;
    let slot = TokenIds.hash(key) & mask;
    while (this.slots[slot] !== -1) slot = (slot + 1) & mask;
    this.slots[slot] = entry;
  }

  /** The entry holding `key`, or -1. */
  private find(key: unknown): number {
    if (typeof key !== 'string') return -1;
    const mask = this.slots.length - 1;
    for (let slot = TokenIds.hash(key) & mask; this.slots[slot] !== -1; slot = (slot + 1) & mask)
      if (this.keys[this.slots[slot]] === key) return this.slots[slot];
    return -1;
  }
}

/**
 * The rank of each merge by its two parts' numbers: an open-addressing hash table in typed
 * arrays, built in milliseconds where a Map of 500,000 string keys takes a quarter of a second.
 * A pair listed twice keeps its last rank, as transformers.js' Map does.
 */
export class MergeRanks {
  private readonly mask: number;
  private readonly firsts: Int32Array;
  private readonly seconds: Int32Array;
  private readonly ranks: Int32Array;

  /** Two symbol numbers per rank (a digest's decoded merges), -1 for a merge that never matches. */
  constructor(merges: ArrayLike<number>) {
    const count = merges.length / 2;
    let size = 1;
    while (size < count * 2) size *= 2; // at most half full: short probes
    this.mask = size - 1;
    this.firsts = new Int32Array(size).fill(-1);
    this.seconds = new Int32Array(size);
    this.ranks = new Int32Array(size);
    for (let rank = 0; rank < count; rank++) {
      const a = merges[2 * rank];
      const b = merges[2 * rank + 1];
      if (a < 0) continue;
      let slot = this.slotOf(a, b);
      while (this.firsts[slot] !== -1 && (this.firsts[slot] !== a || this.seconds[slot] !== b))
        slot = (slot + 1) & this.mask;
      this.firsts[slot] = a;
      this.seconds[slot] = b;
      this.ranks[slot] = rank;
    }
  }

  rank(a: number, b: number): number | undefined {
    for (let slot = this.slotOf(a, b); this.firsts[slot] !== -1; slot = (slot + 1) & this.mask)
      if (this.firsts[slot] === a && this.seconds[slot] === b) return this.ranks[slot];
    return undefined;
  }

  private slotOf(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) & this.mask;
  }
}

/**
 * The two parts of a merge key as transformers.js writes it, `JSON.stringify([a, b])` of two
 * strings (the only keys it asks for). Without a backslash no part holds a quote, so the first
 * quote after `["` closes the first part; keys with escapes go through JSON.parse. Null for other keys.
 */
export function mergeKeyParts(key: string): [string, string] | null {
  if (!key.includes('\\')) {
    const end = key.indexOf('"', 2);
    if (!key.startsWith('["') || !key.endsWith('"]') || end < 0 || !key.startsWith('","', end)) return null;
    return [key.slice(2, end), key.slice(end + 3, -2)];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    return null;
  }
  return Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string'
    ? [parsed[0], parsed[1]]
    : null;
}
