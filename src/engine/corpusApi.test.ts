/**
 * The corpus view's infini-gram API backend against the loopback test double of the API
 * (tools/infinigram-server.mjs) on a free port, its corpus tokenized at test start with the
 * Llama 2 tokenizer the app ships (whatever vocabulary that file has), the tokenizer taken
 * from the tokenizer lab by id as the worker does. Checked against a naive ∞-gram over the same
 * documents; every failure is one sentence, and nothing is cached but answers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEPARATOR, startInfiniGramServer, type InfiniGramServer } from '../../tools/infinigram-server.mjs';
import { buildInfiniGramCorpus, loadTokenizer } from '../../tools/infinigram-corpus';
import { createMemoryInfiniGramCache, type InfiniGramCache } from '../storage/infiniGramCache';
import { CorpusApiService, labIndexTokenizers, type ApiIndexTokenizer } from './corpusApi';
import { type CorpusApiParams } from '../protocol/corpus';
import { EngineError } from './errors';
import { TokenizerLab, type TokenizerFiles } from './tokenizerLab';

const TOKENIZERS_DIR = fileURLToPath(new URL('../../public/tokenizers/', import.meta.url));
const INDEX = 'v4_rpj_llama_s4';
const diskFiles: TokenizerFiles = {
  where: (path) => join(TOKENIZERS_DIR, path),
  read: async (path) =>
    existsSync(join(TOKENIZERS_DIR, path)) ? readFileSync(join(TOKENIZERS_DIR, path), 'utf8') : null,
};

let server: InfiniGramServer;
let tokenizer: ApiIndexTokenizer;
let flat: number[];
const lab = new TokenizerLab(diskFiles, () => null);
const utf8 = (s: string) => new TextEncoder().encode(s).length;

function service(options: { timeoutMs?: number; cache?: InfiniGramCache } = {}) {
  const cache = options.cache ?? createMemoryInfiniGramCache();
  return new CorpusApiService({
    tokenizers: labIndexTokenizers(lab),
    openCache: async () => cache,
    timeoutMs: options.timeoutMs,
  });
}
const params = (text: string, byteOffset: number, rest: Partial<CorpusApiParams> = {}): CorpusApiParams => ({
  text,
  byteOffset,
  topK: 10,
  endpoint: server.url,
  index: INDEX,
  ...rest,
});

/** The ∞-gram by brute force: the longest suffix of ids that occurs, and the counts of what follows it. */
function naiveInfiniGram(ids: readonly number[]) {
  const occurrences = (q: readonly number[]) => {
    const at: number[] = [];
    for (let i = 0; i + q.length <= flat.length; i++) if (q.every((id, k) => flat[i + k] === id)) at.push(i);
    return at;
  };
  let length = 0;
  while (length < ids.length && occurrences(ids.slice(ids.length - length - 1)).length > 0) length++;
  const suffix = ids.slice(ids.length - length);
  const at = occurrences(suffix);
  const next = new Map<number, number>();
  for (const i of at) {
    const id = flat[i + suffix.length] ?? SEPARATOR;
    next.set(id, (next.get(id) ?? 0) + 1);
  }
  return { suffixLength: length, promptCount: at.length, next };
}

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}
const oneSentence = (message: string) => expect(message.trim().match(/\.(\s|$)/g)?.length).toBe(1);

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

beforeAll(async () => {
  tokenizer = await labIndexTokenizers(lab)('llama-2');
  const corpus = buildInfiniGramCorpus(loadTokenizer(join(TOKENIZERS_DIR, 'llama-2')));
  flat = corpus.documents.flatMap((d) => [SEPARATOR, ...d.token_ids]);
  server = await startInfiniGramServer({ corpus, indexes: [INDEX, 'v4_pileval_gpt2'] });
});
afterAll(() => server?.close());

describe('the infini-gram API backend of the corpus view', () => {
  const TEXT = 'The state of the Union is strong';
  const CONTEXT = 'The state of the Union is';

  it("gives the API's ∞-gram distribution at a position, in the index tokenizer's tokens, the text's next token marked", async () => {
    const result = await service().next(params(TEXT, utf8(CONTEXT)));
    const ids = tokenizer.encode(CONTEXT);
    const naive = naiveInfiniGram(ids);
    expect(result).toMatchObject({
      index: INDEX,
      corpus: 'RedPajama',
      tokenizerId: 'llama-2',
      tokenizerLabel: 'Llama 2',
      queryTokens: ids.length,
      contextTokens: ids.length,
    });
    expect(result.suffixLength).toBe(naive.suffixLength);
    expect(result.suffixLength).toBe(ids.length); // the whole context occurs (three sentences start with it)
    expect(result.promptCount).toBe(naive.promptCount);
    expect(result.promptCount).toBe(3);
    expect(result.rows.map((r) => [r.tokenId, r.count])).toEqual(
      [...naive.next].sort((a, b) => b[1] - a[1] || a[0] - b[0]),
    );
    expect(result.rows.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1);
    // " strong" follows twice, " sound" once, in any vocabulary that keeps " strong" / " sound" whole or not.
    const strong = tokenizer.encode(TEXT)[ids.length];
    expect(result.actualTokenId).toBe(strong);
    expect(result.rows[0]).toMatchObject({ tokenId: strong, isActual: true, count: 2 });
    expect(result.rows[0].probability).toBeCloseTo(2 / 3);
    expect(result.rows[0].text.startsWith(' s')).toBe(true);
    expect(result.rows[1].isActual).toBe(false);
    expect(result.contextTail.join('')).toBe(` ${CONTEXT}`); // the dummy prefix space, as in the corpus's documents
    expect(result).toMatchObject({ approximate: false, notes: [], sampled: false, fromCache: false, otherTokens: 0 });
  });

  it('cuts the rows to topK and counts the rest', async () => {
    const result = await service().next(params(TEXT, utf8(CONTEXT), { topK: 1 }));
    expect(result.rows).toHaveLength(1);
    expect(result.otherTokens).toBe(1);
  });

  it('backs off to the longest suffix the corpus holds, down to token frequencies for an empty context', async () => {
    const text = 'Nobody ever said that the Union is strong';
    const context = 'Nobody ever said that the Union is';
    const result = await service().next(params(text, utf8(context)));
    const naive = naiveInfiniGram(tokenizer.encode(context));
    expect(result.suffixLength).toBe(naive.suffixLength);
    expect(result.suffixLength).toBeLessThan(result.queryTokens);
    expect(result.promptCount).toBe(naive.promptCount);

    const empty = await service().next(params(text, 0));
    expect(empty).toMatchObject({ queryTokens: 0, suffixLength: 0, promptCount: flat.length });
    expect(empty.rows.find((r) => r.endOfDocument)).toMatchObject({ tokenId: SEPARATOR, text: '(end of document)' });
  });

  it('says when the index tokenizer would not cut at the position, and when the position splits a character', async () => {
    const midWord = await service().next(params(TEXT, utf8('The state of the Un')));
    expect(midWord.approximate).toBe(true);
    expect(midWord.actualTokenId).toBeNull();
    expect(midWord.notes).toEqual([expect.stringMatching(/^Llama 2 would not end a token here/)]);
    midWord.notes.forEach(oneSentence);

    const text = 'A naïve reader';
    const inside = await service().next(params(text, utf8('A na') + 1)); // between the two bytes of "ï"
    expect(inside.notes).toEqual([
      'The position falls inside a character, so the context stops before it (1 byte of it left out).',
    ]);
    expect(inside.approximate).toBe(true);

    const atEnd = await service().next(params(TEXT, utf8(TEXT)));
    expect(atEnd).toMatchObject({ actualTokenId: null, approximate: false });
  });

  it('re-tokenizes only the last 4 KB before the position and sends at most the API limit', async () => {
    const text = 'word '.repeat(2000);
    const result = await service().next(params(text, utf8(text)));
    expect(result.queryTokens).toBe(499);
    expect(result.contextTokens).toBeGreaterThan(499);
    expect(result.notes).toHaveLength(2);
    expect(result.notes[0]).toMatch(/^Only the last 4,09\d bytes of the text before the position were re-tokenized\.$/);
    expect(result.notes[1]).toMatch(
      /^Only the last 499 tokens of the context's [\d,]+ were sent \(the API takes at most 500\)\.$/,
    );
  });

  it('caches answers: the same position again costs the server nothing', async () => {
    const cache = createMemoryInfiniGramCache();
    const before = server.requests.length;
    const first = await service({ cache }).next(params(TEXT, utf8(CONTEXT)));
    expect(server.requests.length).toBe(before + 1);
    expect(server.requests.at(-1)).toMatchObject({ path: '/', queryType: 'infgram_ntd', status: 200 });
    const again = await service({ cache }).next(params(TEXT, utf8(CONTEXT)));
    expect(server.requests.length).toBe(before + 1);
    expect(again.fromCache).toBe(true);
    expect(again.rows).toEqual(first.rows);
  });

  it('turns a timeout, an unreachable host, a server error and a rate limit into one sentence each, never cached', async () => {
    const timeout = await failure(
      service({ timeoutMs: 300 }).next(params(TEXT, utf8(CONTEXT), { endpoint: `${server.url}delay-5000/` })),
    );
    expect(timeout.code).toBe('network');
    expect(timeout.message).toMatch(/^The infini-gram API at 127\.0\.0\.1:\d+ did not answer within 0\.3 s\.$/);

    const port = await closedPort();
    const unreachable = await failure(
      service().next(params(TEXT, utf8(CONTEXT), { endpoint: `http://127.0.0.1:${port}/` })),
    );
    expect(unreachable.code).toBe('network');
    expect(unreachable.message).toMatch(
      new RegExp(`^The infini-gram API at 127\\.0\\.0\\.1:${port} could not be reached`),
    );
    oneSentence(unreachable.message);

    const cache = createMemoryInfiniGramCache();
    const flaky = `${server.url}fail-1/status-500/`;
    const broken = await failure(service({ cache }).next(params(TEXT, utf8(CONTEXT), { endpoint: flaky })));
    expect(broken.message).toMatch(/failed with HTTP 500/);
    oneSentence(broken.message);
    expect(await cache.size()).toBe(0);
    expect((await service({ cache }).next(params(TEXT, utf8(CONTEXT), { endpoint: flaky }))).fromCache).toBe(false);

    const limited = await failure(
      service().next(params(TEXT, utf8(CONTEXT), { endpoint: `${server.url}status-429/retry-after-60/` })),
    );
    expect(limited.message).toMatch(/is limiting requests; try again in 60 s\.$/);
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = service().next(params(TEXT, utf8(CONTEXT), { endpoint: `${server.url}delay-5000/` }), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const error = await failure(pending);
    expect(error.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses what it cannot ask, and sends nothing then', async () => {
    const before = server.requests.length;
    const refused = async (p: CorpusApiParams, message: RegExp) => {
      const error = await failure(service().next(p));
      expect(error.code).toBe('bad-request');
      expect(error.message).toMatch(message);
      oneSentence(error.message);
    };
    await refused(params(TEXT, 3, { index: 'v9_nothing' }), /no infini-gram index "v9_nothing"/);
    await refused(
      params(TEXT, 3, { index: 'v4_dolmasample_olmo' }),
      /holds OLMo token ids, and the tokenizer lab does not ship/,
    );
    await refused(params(TEXT, 3, { endpoint: 'ftp://example.org/' }), /must be an http\(s\) URL/);
    await refused(params(TEXT, 999), /outside the text/);
    await refused(params(TEXT, 3, { topK: 0 }), /topK/);
    expect(server.requests.length).toBe(before);
  });

  it('asks a GPT-2 index in GPT-2 tokens', async () => {
    const gpt2 = await labIndexTokenizers(lab)('gpt2');
    const result = await service().next(params(TEXT, utf8(CONTEXT), { index: 'v4_pileval_gpt2' }));
    expect(result).toMatchObject({
      tokenizerId: 'gpt2',
      tokenizerLabel: 'GPT-2',
      queryTokens: gpt2.encode(CONTEXT).length,
    });
    expect(server.requests.at(-1)).toMatchObject({ queryType: 'infgram_ntd', status: 200 });
  });
});
