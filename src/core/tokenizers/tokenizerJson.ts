/**
 * Reading a `tokenizer.json` (the Hugging Face `tokenizers` format) before any tokenizer is
 * built from it: refuse broken files with a reason a person can act on, and describe the
 * algorithm from the file itself (model type, pre-tokenizer, normalizer, decoder), so a
 * shipped, Hub or local tokenizer gets the same label.
 */
import { byteSchemeOfDecoder, type TokenByteScheme } from '../tokenization/tokenBytes';

export type TokenizerModelType = 'BPE' | 'Unigram' | 'WordPiece' | 'WordLevel';

/** How the tokenizer cuts text, as a label for people. */
export type TokenizerAlgorithm =
  | 'byte-level BPE'
  | 'SentencePiece BPE with byte fallback'
  | 'SentencePiece BPE'
  | 'SentencePiece Unigram with byte fallback'
  | 'SentencePiece Unigram'
  | 'BPE'
  | 'WordPiece'
  | 'word-level';

export interface TokenizerDescription {
  algorithm: TokenizerAlgorithm;
  modelType: TokenizerModelType;
  /** How token strings encode bytes (see core/tokenization/tokenBytes). */
  byteScheme: TokenByteScheme;
  /** `model.byte_fallback`: unknown characters become `<0xNN>` byte tokens. */
  byteFallback: boolean;
  /** Distinct token ids: the model's vocabulary plus added tokens. */
  vocabularySize: number;
  /** Added tokens (special and not) listed in `added_tokens`. */
  addedTokens: number;
  specialTokens: number;
  /** Component types as written in the file, e.g. ["Split", "ByteLevel"]; [] when absent. */
  normalizers: string[];
  preTokenizers: string[];
  decoders: string[];
}

/** A `tokenizer.json` that cannot be used, with the reason. */
export class TokenizerFileError extends Error {
  override name = 'TokenizerFileError';
}

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
}

/** The parts of a `tokenizer.json` this module relies on (everything else passes through). */
export interface TokenizerJson {
  model: {
    type?: string;
    vocab: Record<string, number> | [string, number][];
    merges?: unknown[];
    byte_fallback?: boolean;
    continuing_subword_prefix?: string;
  };
  added_tokens?: AddedTokenJson[];
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  decoder?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses and checks the text of a `tokenizer.json`. Throws a TokenizerFileError that says
 * what is wrong: not JSON (a truncated download ends mid-value), an HTML page, or JSON
 * without a usable model.
 */
export function parseTokenizerJson(text: string, name = 'tokenizer.json'): TokenizerJson {
  const json = parseTokenizerFileText(text, name);
  checkTokenizerJson(json, name);
  return json;
}

/**
 * JSON.parse for a tokenizer file, throwing a TokenizerFileError that says what went wrong: an
 * HTML page instead of the file, a truncated download (the JSON ends mid-value), or invalid JSON.
 */
export function parseTokenizerFileText(text: string, name: string): unknown {
  const head = text.trimStart().slice(0, 100).toLowerCase();
  if (head.startsWith('<!doctype') || head.startsWith('<html'))
    throw new TokenizerFileError(`${name} is an HTML page, not a tokenizer`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const truncated = /end of (json )?input|unterminated/i.test((err as Error).message);
    throw new TokenizerFileError(
      truncated
        ? `${name} is cut off (the JSON ends after ${text.length.toLocaleString('en-US')} characters): the file is truncated`
        : `${name} is not valid JSON: ${(err as Error).message}`,
    );
  }
}

/** Checks an already parsed `tokenizer.json`; throws a TokenizerFileError with the reason. */
export function checkTokenizerJson(json: unknown, name = 'tokenizer.json'): asserts json is TokenizerJson {
  if (!isRecord(json)) throw new TokenizerFileError(`${name} is not a JSON object`);
  const model = json.model;
  if (!isRecord(model)) throw new TokenizerFileError(`${name} has no "model" object: it is not a tokenizers file`);
  const vocab = model.vocab;
  if (!(isRecord(vocab) || Array.isArray(vocab)))
    throw new TokenizerFileError(`${name} has no vocabulary ("model.vocab" is missing)`);
  if ((Array.isArray(vocab) ? vocab.length : Object.keys(vocab).length) === 0)
    throw new TokenizerFileError(`${name} has an empty vocabulary`);
  modelTypeOf(model as TokenizerJson['model'], name);
  if (json.added_tokens !== undefined) {
    if (!Array.isArray(json.added_tokens)) throw new TokenizerFileError(`${name}: "added_tokens" is not a list`);
    for (const token of json.added_tokens) {
      if (!isRecord(token) || typeof token.id !== 'number' || typeof token.content !== 'string') {
        throw new TokenizerFileError(`${name}: an entry of "added_tokens" has no numeric id or no content`);
      }
    }
  }
}

function modelTypeOf(model: TokenizerJson['model'], name: string): TokenizerModelType {
  const declared = model.type;
  if (declared === 'BPE' || declared === 'Unigram' || declared === 'WordPiece' || declared === 'WordLevel')
    return declared;
  if (declared !== undefined)
    throw new TokenizerFileError(`${name}: model type "${String(declared)}" is not supported`);
  // Older files omit the type: infer it the way the tokenizers library does.
  if (Array.isArray(model.merges)) return 'BPE';
  if (Array.isArray(model.vocab)) return 'Unigram';
  if (typeof model.continuing_subword_prefix === 'string') return 'WordPiece';
  return 'WordLevel';
}

/** Component types of a normalizer / pre-tokenizer / decoder, flattened through Sequences. */
export function componentTypes(node: unknown): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (!isRecord(value)) return;
    if (typeof value.type === 'string' && value.type !== 'Sequence') out.push(value.type);
    for (const key of ['normalizers', 'pretokenizers', 'decoders'] as const) {
      const children = value[key];
      if (Array.isArray(children)) children.forEach(visit);
    }
  };
  visit(node);
  return out;
}

/** Whether a component tree writes spaces as "▁" (Metaspace, or Replace / Prepend with ▁). */
function usesMetaspace(...nodes: unknown[]): boolean {
  return nodes.some((node) => JSON.stringify(node ?? null).includes('\u2581'));
}

/**
 * Distinct ids of the vocabulary and the added tokens. Reads an object vocabulary through its
 * keys and counts small non-negative integer ids in a byte per id: for Gemma 3's 262,144
 * tokens `Object.values` and a Set took about 220 ms of a 1.4 s build, this about 80.
 */
function countIds(json: TokenizerJson): { size: number; special: number } {
  const vocab = json.model.vocab;
  const added = json.added_tokens ?? [];
  const ids: number[] = [];
  if (Array.isArray(vocab)) for (let id = 0; id < vocab.length; id++) ids.push(id);
  else for (const token of Object.keys(vocab)) ids.push(vocab[token]);
  for (const token of added) ids.push(token.id);
  const special = added.filter((token) => token.special).length;
  return { size: distinctCount(ids), special };
}

const LARGEST_BYTE_MAP_ID = 1 << 24;

function distinctCount(ids: readonly number[]): number {
  if (!ids.every((id) => Number.isInteger(id) && id >= 0 && id < LARGEST_BYTE_MAP_ID)) return new Set(ids).size;
  const seen = new Uint8Array(ids.reduce((max, id) => Math.max(max, id + 1), 0));
  let count = 0;
  for (const id of ids) {
    if (seen[id] === 0) count += 1;
    seen[id] = 1;
  }
  return count;
}

/**
 * Describes a checked `tokenizer.json`.
 *
 * @example
 * describeTokenizerJson(gpt2Json).algorithm // "byte-level BPE"
 * describeTokenizerJson(llama2Json).algorithm // "SentencePiece BPE with byte fallback"
 */
export function describeTokenizerJson(json: TokenizerJson): TokenizerDescription {
  const modelType = modelTypeOf(json.model, 'tokenizer.json');
  const byteFallback = json.model.byte_fallback === true;
  const preTokenizers = componentTypes(json.pre_tokenizer);
  const decoders = componentTypes(json.decoder);
  const normalizers = componentTypes(json.normalizer);
  const byteLevel = preTokenizers.includes('ByteLevel') || decoders.includes('ByteLevel');
  const metaspace = usesMetaspace(json.normalizer, json.pre_tokenizer, json.decoder);
  let algorithm: TokenizerAlgorithm;
  if (modelType === 'BPE') {
    if (byteLevel) algorithm = 'byte-level BPE';
    else if (metaspace) algorithm = byteFallback ? 'SentencePiece BPE with byte fallback' : 'SentencePiece BPE';
    else algorithm = 'BPE';
  } else if (modelType === 'Unigram') {
    algorithm = byteFallback ? 'SentencePiece Unigram with byte fallback' : 'SentencePiece Unigram';
  } else {
    algorithm = modelType === 'WordPiece' ? 'WordPiece' : 'word-level';
  }
  const { size, special } = countIds(json);
  return {
    algorithm,
    modelType,
    byteScheme: byteSchemeOfDecoder(json.decoder),
    byteFallback,
    vocabularySize: size,
    addedTokens: json.added_tokens?.length ?? 0,
    specialTokens: special,
    normalizers,
    preTokenizers,
    decoders,
  };
}
