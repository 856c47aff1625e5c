/**
 * A client for the public infini-gram HTTP API (Liu et al. 2024; PAPERS.md section 3): n-gram
 * counts, probabilities and next-token distributions, ∞-gram probabilities and document search
 * over web-scale corpora that no browser can hold. Only token ids are sent (`query_ids`): the
 * caller tokenises with the index's own tokenizer (see apiAlignment.ts).
 *
 * Followed: the API documentation, liujch1998/infini-gram docs/source/api.rst (the readthedocs
 * "API Endpoint" page; last changed 2025-04-30, changelog up to 2024-06-28), checked against
 * the server code api/api_server.py and pkg/infini_gram (engine.py, models.py, cpp_engine.h) at
 * commit 37d2929 (2025-12-06). Not confirmed by either: whether api.infini-gram.io answers CORS
 * preflights (the Flask code sets no CORS headers; a proxy in front may), and whether it
 * rate-limits with HTTP 429 and Retry-After (nothing in the code does). Quirks kept in mind:
 * the server reports refusals as HTTP 200 with an `error` field, overwrites get_doc_by_rank's
 * `token_ids` with the query's, and sends the whole query as infgram_ntd's `longest_suffix`
 * when `suffix_len` is 0.
 *
 * Every failure is one InfiniGramApiError with a one-sentence message. A 429 is retried once,
 * and only when Retry-After asks for a short wait; there are no other retries.
 */
import { z } from 'zod';
import {
  INFINI_GRAM_LIMITS,
  MAX_DOCUMENTS_PER_SEARCH,
  type DistributionOptions,
  type DistributionResult,
  type FoundDocument,
  type InfiniGramApi,
  type InfiniGramApiOptions,
  type ProbabilityResult,
} from './infiniGramApiTypes';

export type InfiniGramErrorKind = 'timeout' | 'rate-limited' | 'unreachable' | 'server' | 'bad-response' | 'cancelled';

export class InfiniGramApiError extends Error {
  constructor(
    readonly kind: InfiniGramErrorKind,
    message: string,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'InfiniGramApiError';
  }
}

export * from './infiniGramApiTypes';

const nat = z.number().int().nonnegative();
const latency = z.number().nonnegative().optional();
const countSchema = z.object({ count: nat, approx: z.boolean().optional(), latency });
const probSchema = z.object({
  prob: z.number().refine((p) => p === -1 || (p >= 0 && p <= 1), 'prob out of range'),
  prompt_cnt: nat,
  cont_cnt: nat,
  latency,
});
const infgramProbSchema = probSchema.extend({ suffix_len: nat, longest_suffix: z.string().optional() });
const ntdSchema = z.object({
  prompt_cnt: nat,
  result_by_token_id: z.record(
    z.string().regex(/^\d+$/),
    z.object({ prob: z.number().min(0).max(1), cont_cnt: nat, token: z.string().optional() }),
  ),
  approx: z.boolean().optional(),
  latency,
});
const infgramNtdSchema = ntdSchema.extend({ suffix_len: nat, longest_suffix: z.string().optional() });
const findSchema = z.object({ cnt: nat, segment_by_shard: z.array(z.tuple([nat, nat])) });
const documentSchema = z.object({
  doc_ix: nat,
  doc_len: nat,
  disp_len: nat,
  needle_offset: nat.optional(),
  metadata: z.string().optional(),
  spans: z.array(z.tuple([z.string(), z.string().nullable()])),
});

type Body = Record<string, unknown>;

const fromNtd = (r: z.infer<typeof ntdSchema>): DistributionResult => ({
  promptCount: r.prompt_cnt,
  approx: r.approx ?? false,
  tokens: Object.entries(r.result_by_token_id)
    .map(([id, e]) => ({ tokenId: Number(id), token: e.token ?? null, prob: e.prob, count: e.cont_cnt }))
    .sort((a, b) => b.prob - a.prob || a.tokenId - b.tokenId),
  latencyMs: r.latency ?? null,
});
const fromProb = (r: z.infer<typeof probSchema>): ProbabilityResult => ({
  prob: r.prob === -1 ? null : r.prob,
  promptCount: r.prompt_cnt,
  contCount: r.cont_cnt,
  latencyMs: r.latency ?? null,
});
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, Math.round(value)));
/** The ∞-gram reads only a suffix of the context: keep the last tokens that fit the API's query limit. */
const lastTokens = (ids: readonly number[], room: number) => ids.slice(Math.max(0, ids.length - room));

export function createInfiniGramApi(options: InfiniGramApiOptions): InfiniGramApi {
  const { endpoint, index } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 3_000;
  const host = hostOf(endpoint);
  const fail = (kind: InfiniGramErrorKind, message: string, status?: number) =>
    new InfiniGramApiError(kind, message, status);
  const cancelled = () => fail('cancelled', `The infini-gram query to ${host} was cancelled.`);

  /** One HTTP exchange: the status, Retry-After and body text, or a timeout / cancel / unreachable error. */
  async function exchange(body: Body, signal: AbortSignal | undefined) {
    if (signal?.aborted) throw cancelled();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await fetchImpl(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      // The timer runs on through the body: a server that stalls mid-answer is a timeout too.
      return { status: response.status, retryAfter: response.headers.get('Retry-After'), text: await response.text() };
    } catch {
      if (signal?.aborted) throw cancelled();
      if (timedOut)
        throw fail('timeout', `The infini-gram API at ${host} did not answer within ${formatSeconds(timeoutMs)} s.`);
      // fetch's TypeError says no more than "failed": offline, DNS, refused, or blocked by CORS all look alike.
      throw fail(
        'unreachable',
        `The infini-gram API at ${host} could not be reached (offline, a wrong address, or a server that does not accept requests from this page).`,
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** POSTs a query and returns its validated answer. */
  async function post<T>(schema: z.ZodType<T>, fields: Body, signal: AbortSignal | undefined): Promise<T> {
    const body = { index, ...fields };
    let answer = await exchange(body, signal);
    if (answer.status === 429) {
      const waitMs = retryAfterMs(answer.retryAfter);
      if (waitMs === null || waitMs > maxRetryWaitMs) {
        const when = waitMs === null ? 'later' : `in ${formatSeconds(waitMs)} s`;
        throw fail('rate-limited', `The infini-gram API at ${host} is limiting requests; try again ${when}.`, 429);
      }
      await sleep(waitMs, signal, cancelled);
      answer = await exchange(body, signal);
      if (answer.status === 429)
        throw fail(
          'rate-limited',
          `The infini-gram API at ${host} is still limiting requests after one retry; try again later.`,
          429,
        );
    }
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      json = undefined;
    }
    const serverError =
      typeof json === 'object' && json !== null && typeof (json as { error?: unknown }).error === 'string'
        ? sentencePart((json as { error: string }).error)
        : null;
    if (answer.status >= 400 || serverError !== null) {
      if (answer.status < 500 && serverError)
        throw fail('server', `The infini-gram API at ${host} refused the query: ${serverError}.`, answer.status);
      throw fail(
        'server',
        `The infini-gram API at ${host} failed with HTTP ${answer.status}${serverError ? ` (${serverError})` : ''}.`,
        answer.status,
      );
    }
    if (json === undefined)
      throw fail(
        'bad-response',
        `The infini-gram API at ${host} sent an answer that is not valid JSON.`,
        answer.status,
      );
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length ? `${issue.path.join('.')}: ` : '';
      throw fail(
        'bad-response',
        `The infini-gram API at ${host} sent an answer Tokenscope cannot read (${where}${issue?.message ?? 'unexpected shape'}).`,
        answer.status,
      );
    }
    return parsed.data;
  }

  const supportOf = (o?: DistributionOptions) =>
    o?.maxSupport === undefined ? {} : { max_support: clamp(o.maxSupport, 1, INFINI_GRAM_LIMITS.maxSupport) };
  const maxQuery = INFINI_GRAM_LIMITS.maxQueryTokens;

  return {
    endpoint,
    index,
    async count(queryIds, o) {
      const r = await post(countSchema, { query_type: 'count', query_ids: [...queryIds] }, o?.signal);
      return { count: r.count, approx: r.approx ?? false, latencyMs: r.latency ?? null };
    },
    async probability(contextIds, tokenId, o) {
      return fromProb(await post(probSchema, { query_type: 'prob', query_ids: [...contextIds, tokenId] }, o?.signal));
    },
    async nextTokenDistribution(contextIds, o) {
      return fromNtd(
        await post(ntdSchema, { query_type: 'ntd', query_ids: [...contextIds], ...supportOf(o) }, o?.signal),
      );
    },
    async infiniGramProbability(contextIds, tokenId, o) {
      const r = await post(
        infgramProbSchema,
        { query_type: 'infgram_prob', query_ids: [...lastTokens(contextIds, maxQuery - 1), tokenId] },
        o?.signal,
      );
      return {
        ...fromProb(r),
        suffixLength: r.suffix_len,
        longestSuffix: r.suffix_len === 0 ? '' : (r.longest_suffix ?? ''),
      };
    },
    async infiniGramDistribution(contextIds, o) {
      const r = await post(
        infgramNtdSchema,
        { query_type: 'infgram_ntd', query_ids: lastTokens(contextIds, maxQuery), ...supportOf(o) },
        o?.signal,
      );
      return {
        ...fromNtd(r),
        suffixLength: r.suffix_len,
        longestSuffix: r.suffix_len === 0 ? '' : (r.longest_suffix ?? ''),
      };
    },
    async searchDocuments(queryIds, maxResults, o) {
      const ids = [...queryIds];
      const found = await post(findSchema, { query_type: 'find', query_ids: ids }, o?.signal);
      const wanted = clamp(maxResults, 1, MAX_DOCUMENTS_PER_SEARCH);
      const ranks: { shard: number; rank: number }[] = [];
      found.segment_by_shard.forEach(([lo, hi], shard) => {
        for (let rank = lo; rank < hi && ranks.length < wanted; rank++) ranks.push({ shard, rank });
      });
      const display =
        o?.maxDisplayTokens === undefined
          ? {}
          : { max_disp_len: clamp(o.maxDisplayTokens, 1, INFINI_GRAM_LIMITS.maxDisplayTokens) };
      const documents: FoundDocument[] = [];
      // One at a time: a search is a handful of requests, and the public server is shared.
      for (const { shard, rank } of ranks) {
        const d = await post(
          documentSchema,
          { query_type: 'get_doc_by_rank', query_ids: ids, s: shard, rank, ...display },
          o?.signal,
        );
        documents.push({
          shard,
          rank,
          docIndex: d.doc_ix,
          docLength: d.doc_len,
          displayLength: d.disp_len,
          needleOffset: d.needle_offset ?? null,
          metadata: d.metadata ?? null,
          spans: d.spans.map(([text, label]) => ({ text, matched: label !== null })),
        });
      }
      return { count: found.cnt, documents };
    },
  };
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host || endpoint;
  } catch {
    return endpoint;
  }
}

const formatSeconds = (ms: number) => String(Math.round(ms / 100) / 10);

/** A server's message as part of our sentence: one line, short, without its own closing punctuation. */
function sentencePart(message: string): string {
  const line = message
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!]+$/, '');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; a missing header counts as 1 s, an unreadable one as null. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return 1000;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function sleep(ms: number, signal: AbortSignal | undefined, cancelled: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
