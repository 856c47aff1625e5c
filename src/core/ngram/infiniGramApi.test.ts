/**
 * The infini-gram API client against the loopback test double (tools/infinigram-server.mjs) on a
 * free port: every query type, checked against a naive count over the same documents, and every
 * error kind.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_CORPUS,
  SEPARATOR,
  startInfiniGramServer,
  type InfiniGramServer,
} from '../../../tools/infinigram-server.mjs';
import { createInfiniGramApi, InfiniGramApiError, retryAfterMs, type InfiniGramErrorKind } from './infiniGramApi';

const INDEX = 'v4_pileval_llama';
let server: InfiniGramServer;
const api = (path = '', options: { timeoutMs?: number; maxRetryWaitMs?: number } = {}) =>
  createInfiniGramApi({ endpoint: server.url + path, index: INDEX, ...options });
const requestsTo = (path: string) => server.requests.filter((r) => r.path === path).length;

/** The corpus as the engine lays it out: the separator before every document. */
const flat = BUILTIN_CORPUS.documents.flatMap((d) => [SEPARATOR, ...d.token_ids]);
function naiveCount(ids: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + ids.length <= flat.length; i++) if (ids.every((id, k) => flat[i + k] === id)) n++;
  return n;
}

async function failure(promise: Promise<unknown>): Promise<InfiniGramApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InfiniGramApiError);
  return error as InfiniGramApiError;
}
async function expectKind(promise: Promise<unknown>, kind: InfiniGramErrorKind, message: RegExp) {
  const error = await failure(promise);
  expect(error.kind).toBe(kind);
  expect(error.message).toMatch(message);
  // One sentence: one full stop, at the end.
  expect(error.message.trim().match(/\.(\s|$)/g)?.length).toBe(1);
  return error;
}

beforeAll(async () => {
  server = await startInfiniGramServer({ indexes: [INDEX] });
});
afterAll(() => server.close());

describe('infini-gram API client: query types', () => {
  it('counts n-grams, the empty query counting every token and separator', async () => {
    const natural = [5613, 4086, 9068]; // "natural language processing" in Llama 2, as the API documentation gives it
    expect(await api().count(natural)).toMatchObject({ count: 1, approx: false });
    expect((await api().count([4086, 9068])).count).toBe(naiveCount([4086, 9068]));
    expect((await api().count([])).count).toBe(flat.length);
    expect((await api().count([17366, 11203])).count).toBe(2); // "lazy dog"
    expect((await api().count([9999])).count).toBe(0);
    expect((await api().count([450])).latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('gives the n-gram probability, and null for a context that does not occur', async () => {
    expect(await api().probability([450], 4996)).toMatchObject({ prob: 2 / 3, promptCount: 3, contCount: 2 }); // P(quick | The)
    expect(await api().probability([9999], 450)).toMatchObject({ prob: null, promptCount: 0, contCount: 0 });
  });

  it('gives the next-token distribution, most probable first', async () => {
    const ntd = await api().nextTokenDistribution([450]);
    expect(ntd.promptCount).toBe(naiveCount([450]));
    expect(ntd.tokens.map((t) => [t.tokenId, t.token, t.count])).toEqual([
      [4996, '▁quick', 2],
      [3014, '▁University', 1],
    ]);
    expect(ntd.tokens[0].prob).toBeCloseTo(2 / 3);
    expect(ntd.approx).toBe(false);
    expect((await api().nextTokenDistribution([9999])).tokens).toEqual([]);
  });

  it('samples past max_support and says so; the separator is end-of-document mass', async () => {
    const exact = await api().nextTokenDistribution([]);
    expect(exact.approx).toBe(false);
    expect(exact.tokens.find((t) => t.tokenId === SEPARATOR)?.count).toBe(BUILTIN_CORPUS.documents.length);
    expect(exact.tokens.reduce((s, t) => s + t.count, 0)).toBe(flat.length);
    const sampled = await api().nextTokenDistribution([], { maxSupport: 4 });
    expect(sampled.approx).toBe(true);
    expect(sampled.promptCount).toBe(flat.length);
    expect(sampled.tokens.reduce((s, t) => s + t.count, 0)).toBe(flat.length);
  });

  it('gives the ∞-gram probability with the longest suffix found', async () => {
    // "<unknown> <unknown> language processing" + "is": the longest suffix in the corpus is "language processing".
    const r = await api().infiniGramProbability([1, 2, 4086, 9068], 338);
    expect(r).toMatchObject({
      suffixLength: 2,
      prob: 0.5,
      promptCount: 2,
      contCount: 1,
      longestSuffix: ' language processing',
    });
    const backedOff = await api().infiniGramProbability([9999], 450);
    expect(backedOff).toMatchObject({ suffixLength: 0, promptCount: flat.length, longestSuffix: '' });
  });

  it('gives the ∞-gram distribution; a suffix of 0 has an empty longest suffix despite the server', async () => {
    const r = await api().infiniGramDistribution([1, 17366]);
    expect(r.suffixLength).toBe(1);
    expect(r.longestSuffix).toBe(' lazy');
    expect(r.tokens.map((t) => [t.tokenId, t.count])).toEqual([
      [11203, 2],
      [29889, 1],
    ]);
    const none = await api().infiniGramDistribution([9999]);
    expect(none).toMatchObject({ suffixLength: 0, longestSuffix: '', promptCount: flat.length });
  });

  it('trims a context longer than the API takes to its last tokens for the ∞-gram', async () => {
    const long = [...Array(700).fill(9999), 17366];
    expect((await api().infiniGramDistribution(long)).suffixLength).toBe(1);
    expect((await api().infiniGramProbability(long, 11203)).prob).toBeCloseTo(2 / 3);
  });

  it('searches documents: find, then one get_doc_by_rank per document, with the match marked', async () => {
    const before = server.requests.length;
    const r = await api().searchDocuments([17366], 2, { maxDisplayTokens: 6 }); // "lazy"
    expect(r.count).toBe(3);
    expect(r.documents).toHaveLength(2);
    expect(server.requests.slice(before).map((q) => q.queryType)).toEqual([
      'find',
      'get_doc_by_rank',
      'get_doc_by_rank',
    ]);
    for (const d of r.documents) {
      expect([2, 3]).toContain(d.docIndex);
      expect(d.displayLength).toBeLessThanOrEqual(6);
      expect(d.spans.filter((s) => s.matched).map((s) => s.text)).toContain(' lazy');
      expect(d.metadata).toContain('lazy');
    }
    expect((await api().searchDocuments([9999], 5)).documents).toEqual([]);
  });
});

describe('infini-gram API client: errors', () => {
  it('times out on a server that answers too late', async () => {
    await expectKind(
      api('delay-2000/', { timeoutMs: 200 }).count([450]),
      'timeout',
      /^The infini-gram API at 127\.0\.0\.1:\d+ did not answer within 0\.2 s\.$/,
    );
  });

  it('retries a 429 once after a short Retry-After, then answers', async () => {
    const path = '/status-429/retry-after-0/fail-1/';
    expect((await api(path.slice(1)).count([450])).count).toBe(3);
    expect(requestsTo(path)).toBe(2);
  });

  it('does not wait for a long Retry-After: one request, a rate-limited error', async () => {
    const path = '/status-429/retry-after-60/';
    const error = await expectKind(
      api(path.slice(1)).count([450]),
      'rate-limited',
      /is limiting requests; try again in 60 s\.$/,
    );
    expect(error.status).toBe(429);
    expect(requestsTo(path)).toBe(1);
  });

  it('gives up after one retry when the server keeps limiting', async () => {
    const path = '/status-429/retry-after-0/';
    await expectKind(api(path.slice(1)).count([450]), 'rate-limited', /still limiting requests after one retry/);
    expect(requestsTo(path)).toBe(2);
  });

  it('reports a server failure with its status', async () => {
    const error = await expectKind(
      api('status-500/').count([450]),
      'server',
      /failed with HTTP 500 \(\[Flask\] Internal server error: simulated 500\)\.$/,
    );
    expect(error.status).toBe(500);
  });

  it('reports a refusal, whether HTTP 200 with an error field or HTTP 400', async () => {
    await expectKind(
      api().count(Array(501).fill(450)),
      'server',
      /refused the query: Please limit your input to <= 500 tokens\.$/,
    );
    await expectKind(
      createInfiniGramApi({ endpoint: server.url, index: 'v4_nope' }).count([450]),
      'server',
      /refused the query: \[Flask\] Invalid index: v4_nope\.$/,
    );
  });

  it('reports malformed JSON and answers of the wrong shape as bad responses', async () => {
    await expectKind(api('malformed/').count([450]), 'bad-response', /not valid JSON\.$/);
    const wrongShape = createInfiniGramApi({
      endpoint: 'https://api.example/',
      index: INDEX,
      fetch: async () => new Response(JSON.stringify({ count: 'many' })),
    });
    await expectKind(
      wrongShape.count([1]),
      'bad-response',
      /^The infini-gram API at api\.example sent an answer Tokenscope cannot read \(count: .+\)\.$/,
    );
  });

  it('reports a refused connection as unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await expectKind(
      createInfiniGramApi({ endpoint: `http://127.0.0.1:${port}/`, index: INDEX }).count([1]),
      'unreachable',
      /could not be reached/,
    );
  });

  it('cancels on abort: in flight, before sending, and while waiting to retry', async () => {
    const inFlight = new AbortController();
    setTimeout(() => inFlight.abort(), 50);
    await expectKind(
      api('delay-2000/').count([450], { signal: inFlight.signal }),
      'cancelled',
      /^The infini-gram query to 127\.0\.0\.1:\d+ was cancelled\.$/,
    );

    const before = server.requests.length;
    await expectKind(api().count([450], { signal: AbortSignal.abort() }), 'cancelled', /cancelled/);
    expect(server.requests.length).toBe(before);

    const waiting = new AbortController();
    setTimeout(() => waiting.abort(), 100);
    await expectKind(
      api('status-429/retry-after-2/').count([450], { signal: waiting.signal }),
      'cancelled',
      /cancelled/,
    );
  });

  it('reads Retry-After as seconds or a date, and a missing one as a second', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs('soon')).toBeNull();
  });
});

describe('loopback server', () => {
  it('answers CORS preflights and marks answers readable across origins (COEP require-corp)', async () => {
    const preflight = await fetch(server.url, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:4317',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    const post = await fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ index: INDEX, query_type: 'count', query_ids: [] }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBe('*');
    expect(post.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect(post.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await (await fetch(server.url)).json()).toEqual([INDEX]);
  });
});
