/**
 * The corpus view's second ∞-gram backend: the public infini-gram HTTP API (web-scale corpora
 * no browser can hold), asked for the ∞-gram next-token distribution at one position of a text.
 * Off unless the user turns it on in Settings; the UI never calls this while it is off.
 *
 * The API's indexes hold token ids of their own tokenizer (Llama 2 for most), not the loaded
 * model's: the text's bytes before the position are re-tokenized with the tokenizer lab's copy
 * of that tokenizer (core/ngram/apiAlignment.ts), only those ids are sent, and the answer's ids
 * are shown as that tokenizer's bytes. What this makes approximate is reported in `notes`.
 * Answers are cached in IndexedDB (memory where IndexedDB is missing), so a position looked at
 * again costs the public server nothing; errors are never cached. Every failure of the API is
 * one sentence (core/ngram/infiniGramApi.ts), passed on as an EngineError.
 */
import { apiContextQuery, apiTokenRows } from '../core/ngram/apiAlignment';
import {
  createInfiniGramApi,
  INFINI_GRAM_INDEXES,
  INFINI_GRAM_LIMITS,
  InfiniGramApiError,
  type IndexTokenizer,
  type InfiniGramApi,
} from '../core/ngram/infiniGramApi';
import { bytesToHex } from '../core/tokenization/tokenBytes';
import { bytesProblem, LIMITS } from '../core/limits';
import {
  createMemoryInfiniGramCache,
  infiniGramCacheKey,
  openInfiniGramCache,
  withCache,
  type InfiniGramCache,
} from '../storage/infiniGramCache';
import { EngineError, throwIfCancelled } from './errors';
import type { TokenizerLab } from './tokenizerLab';
import {
  CORPUS_API_MAX_TOP_K,
  type CorpusApiParams,
  type CorpusApiResult,
  type CorpusApiRow,
} from '../protocol/corpus';

/** What the service needs of a tokenizer: the lab's ByteSpanTokenizer has both. */
export interface ApiIndexTokenizer {
  /** Ids without special tokens (no BOS), with the SentencePiece dummy prefix where the tokenizer adds one. */
  encode(text: string): number[];
  tokenBytes(id: number): Uint8Array;
}
/** The tokenizer lab's tokenizer by id (`llama-2`, `gpt2`). */
export type ApiIndexTokenizers = (tokenizerId: string) => Promise<ApiIndexTokenizer>;

/** The lab's tokenizer for each index tokenizer, and how the view names it; null: the lab does not ship it. */
const LAB_TOKENIZERS: Record<IndexTokenizer, { labId: string | null; label: string }> = {
  'llama-2': { labId: 'llama-2', label: 'Llama 2' },
  gpt2: { labId: 'gpt2', label: 'GPT-2' },
  olmo: { labId: null, label: 'OLMo' },
};

/** Context tokens listed in the result, to show what was sent. */
const CONTEXT_TAIL_TOKENS = 12;
/** The longest wait for the IndexedDB cache to open before asking without it. */
const CACHE_OPEN_TIMEOUT_MS = 3000;

export interface CorpusApiServiceOptions {
  tokenizers: ApiIndexTokenizers;
  /** The answer cache, opened on the first query (never while the API is off). Default: IndexedDB, memory where it is missing. */
  openCache?: () => Promise<InfiniGramCache>;
  fetch?: typeof fetch;
  /** Per request; default the client's (10 s). */
  timeoutMs?: number;
}

/** The tokenizer lab's tokenizers, so the API side uses the same files (public/tokenizers/<id>/) and the same loaded instance as the lab. */
export function labIndexTokenizers(lab: TokenizerLab): ApiIndexTokenizers {
  return (tokenizerId) => lab.tokenizerById(tokenizerId);
}

/** IndexedDB where there is one (given up on after a few seconds), memory otherwise. */
export async function defaultInfiniGramCache(): Promise<InfiniGramCache> {
  if (typeof indexedDB === 'undefined') return createMemoryInfiniGramCache();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CACHE_OPEN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([openInfiniGramCache(), timeout]);
  } catch {
    return createMemoryInfiniGramCache();
  } finally {
    clearTimeout(timer);
  }
}

const encoder = new TextEncoder();
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Checks the parameters; throws a bad-request EngineError with one sentence. */
function checkParams(params: CorpusApiParams, textBytes: number) {
  const tooLong = bytesProblem(LIMITS.corpusView, textBytes);
  if (tooLong) throw new EngineError('bad-request', tooLong);
  if (!Number.isInteger(params.byteOffset) || params.byteOffset < 0 || params.byteOffset > textBytes) {
    throw new EngineError('bad-request', `Byte offset ${params.byteOffset} is outside the text (0..${textBytes}).`);
  }
  if (!Number.isInteger(params.topK) || params.topK < 1 || params.topK > CORPUS_API_MAX_TOP_K) {
    throw new EngineError('bad-request', `topK must be a whole number from 1 to ${CORPUS_API_MAX_TOP_K}.`);
  }
  let protocol = '';
  try {
    protocol = new URL(params.endpoint).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new EngineError('bad-request', `The infini-gram API host must be an http(s) URL, not "${params.endpoint}".`);
  }
  const index = INFINI_GRAM_INDEXES.find((i) => i.name === params.index);
  if (!index)
    throw new EngineError(
      'bad-request',
      `There is no infini-gram index "${params.index}" in Tokenscope's list; choose one in Settings.`,
    );
  return index;
}

export class CorpusApiService {
  private cache: Promise<InfiniGramCache> | null = null;

  constructor(private readonly options: CorpusApiServiceOptions) {}

  /** The API's ∞-gram next-token distribution at `byteOffset` of the text. */
  async next(params: CorpusApiParams, { signal }: { signal?: AbortSignal } = {}): Promise<CorpusApiResult> {
    const started = performance.now();
    const textBytes = encoder.encode(params.text).length;
    const index = checkParams(params, textBytes);
    const { labId, label } = LAB_TOKENIZERS[index.tokenizer];
    if (labId === null) {
      throw new EngineError(
        'bad-request',
        `The index ${index.name} holds ${label} token ids, and the tokenizer lab does not ship the ${label} tokenizer; choose a Llama 2 index in Settings.`,
      );
    }
    const tokenizer = await this.options.tokenizers(labId);
    throwIfCancelled(signal, 'The infini-gram query');

    // apiContextQuery tokenizes the context, then the context and what follows (to check the
    // boundary): the second tokenization also gives the text's actual next token.
    const tokenizations: number[][] = [];
    const query = apiContextQuery(params.text, params.byteOffset, (text) => {
      const ids = tokenizer.encode(text);
      tokenizations.push(ids);
      return ids;
    });
    const contextTokens = query.truncatedTokens + query.queryIds.length;
    const onward = tokenizations.length > 1 ? tokenizations[tokenizations.length - 1] : null;
    const actualTokenId = query.boundaryAgrees && onward ? (onward[contextTokens] ?? null) : null;

    const cache = await this.openCache();
    throwIfCancelled(signal, 'The infini-gram query');
    const raw = createInfiniGramApi({
      endpoint: params.endpoint,
      index: index.name,
      fetch: this.options.fetch,
      timeoutMs: this.options.timeoutMs,
    });
    const api: InfiniGramApi = withCache(raw, cache);
    const key = infiniGramCacheKey(raw.endpoint, raw.index, 'infgram_ntd', query.queryIds, { maxSupport: undefined });
    const fromCache = (await cache.get(key).catch(() => undefined)) !== undefined;
    let answer;
    try {
      answer = await api.infiniGramDistribution(query.queryIds, { signal });
    } catch (error) {
      if (error instanceof InfiniGramApiError)
        throw new EngineError(error.kind === 'cancelled' ? 'cancelled' : 'network', error.message);
      throw error;
    }

    const pieces = new Map(answer.tokens.map((t) => [t.tokenId, t.token]));
    const decode = (id: number): Uint8Array | string => {
      const bytes = tokenizer.tokenBytes(id);
      // An id the tokenizer lacks (another vocabulary): the API's own piece, SentencePiece spaces as spaces.
      return bytes.length > 0 ? bytes : (pieces.get(id)?.replaceAll('▁', ' ') ?? `#${id}`);
    };
    const rows: CorpusApiRow[] = apiTokenRows(answer.tokens.slice(0, params.topK), decode).map((row) => ({
      tokenId: row.tokenId,
      text: row.text,
      bytesHex: bytesToHex(row.bytes),
      probability: row.prob,
      count: row.count,
      endOfDocument: row.endOfDocument,
      isActual: row.tokenId === actualTokenId,
    }));
    const contextTail = query.queryIds.slice(-CONTEXT_TAIL_TOKENS).map((id) => {
      const shown = decode(id);
      return typeof shown === 'string'
        ? shown
        : apiTokenRows([{ tokenId: id, prob: 0, count: 0 }], () => shown)[0].text;
    });

    const notes: string[] = [];
    if (query.droppedBytes > 0) {
      notes.push(
        `The position falls inside a character, so the context stops before it (${plural(query.droppedBytes, 'byte')} of it left out).`,
      );
    } else if (!query.boundaryAgrees) {
      notes.push(
        `${label} would not end a token here (it reads the context's last bytes as part of a longer token), so the corpus holds few or no continuations of this context.`,
      );
    }
    if (query.windowStart > 0)
      notes.push(
        `Only the last ${plural(query.contextEnd - query.windowStart, 'byte')} of the text before the position were re-tokenized.`,
      );
    if (query.truncatedTokens > 0) {
      notes.push(
        `Only the last ${plural(query.queryIds.length, 'token')} of the context's ${contextTokens.toLocaleString('en-US')} were sent (the API takes at most ${INFINI_GRAM_LIMITS.maxQueryTokens}).`,
      );
    }
    if (answer.approx)
      notes.push(
        `The API counted a sample of the ${plural(answer.promptCount, 'occurrence')} of the context, not every one.`,
      );

    return {
      endpoint: params.endpoint,
      index: index.name,
      corpus: index.corpus,
      tokenizerId: labId,
      tokenizerLabel: label,
      queryTokens: query.queryIds.length,
      contextTokens,
      contextTail,
      suffixLength: answer.suffixLength,
      longestSuffix: answer.longestSuffix,
      promptCount: answer.promptCount,
      sampled: answer.approx,
      approximate: notes.length > 0,
      rows,
      otherTokens: Math.max(0, answer.tokens.length - rows.length),
      actualTokenId,
      notes,
      fromCache,
      elapsedMs: performance.now() - started,
    };
  }

  private openCache(): Promise<InfiniGramCache> {
    this.cache ??= (this.options.openCache ?? defaultInfiniGramCache)().catch(() => createMemoryInfiniGramCache());
    return this.cache;
  }
}
