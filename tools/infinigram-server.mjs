#!/usr/bin/env node
/**
 * A loopback test double of the infini-gram HTTP API (https://api.infini-gram.io/): it takes the
 * same POST JSON bodies ({ index, query_type, query_ids, ... }) and answers in the same shapes,
 * computed by brute force over a small in-memory corpus of token-id documents. Shapes follow the
 * API documentation (liujch1998/infini-gram docs/source/api.rst, last changed 2025-04-30) and
 * the server code (api/api_server.py and pkg/infini_gram/cpp_engine.h at 37d2929, 2025-12-06);
 * src/core/ngram/infiniGramApi.ts lists what is and is not confirmed.
 *
 * Query types: count, prob, ntd, infgram_prob, infgram_ntd, find, get_doc_by_rank (query_ids
 * only: the double has no tokenizer, so `query` strings and CNF queries get an error). As in the
 * real engine the corpus is one token array with the separator 65535 before every document, the
 * empty query matches every position (separators included), ntd over more than max_support
 * occurrences samples with the engine's power-of-two stride (approx: true), and a request the
 * engine refuses is answered HTTP 200 with { error } while a malformed request is HTTP 400.
 *
 * Faults, for the client's error paths, as path segments before the query (the endpoint
 * `http://127.0.0.1:PORT/delay-3000/` answers after 3 s; segments combine):
 *   delay-<ms>        wait before answering (at most 60 s)
 *   status-<code>     answer that HTTP status with { error } (429 adds Retry-After when asked)
 *   retry-after-<s>   the Retry-After header sent with status-429
 *   malformed         answer HTTP 200 with a truncated JSON body
 *   fail-<n>          only the first n requests to this path fault; later ones are answered
 * `GET /` lists the index names (as the real server does); `GET /__requests` the requests so far.
 * CORS: any origin, preflight answered, Retry-After exposed, and Cross-Origin-Resource-Policy:
 * cross-origin so the app (served with COEP require-corp) may read the answers.
 *
 *   node tools/infinigram-server.mjs [--port 0] [--corpus corpus.json] [--index NAME]...
 *                                    [--delay MS] [--status CODE] [--retry-after S] [--malformed]
 * corpus.json: { "documents": [[ids...] | { "token_ids": [...], "metadata": "..." }],
 *                "vocab": { "id": "piece" }, "vocabSize": 32000 }
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SEPARATOR = 65535;
const MAX_BODY_BYTES = 1 << 20;
const MAX_DELAY_MS = 60_000;
// The public server's limits (api_server.py arguments).
const MAX_QUERY_TOKENS = 500;
const MAX_SUPPORT = 1000;
const MAX_DISP_LEN = 10_000;
const DEFAULT_DISP_LEN = 1000;

/**
 * Six sentences as Meta's Llama 2 tokenizer encodes them (no BOS, with the SentencePiece dummy
 * prefix, as the API's indexes hold documents): ids made with llama-tokenizer-js 1.2.2. They
 * include the documentation's examples ("natural language processing" = 5613 4086 9068,
 * "University of Washington" = 3014 310 7660).
 */
export const BUILTIN_CORPUS = {
  vocabSize: 32000,
  documents: [
    {
      text: 'Natural language processing is a field of computer science.',
      token_ids: [18385, 4086, 9068, 338, 263, 1746, 310, 6601, 10466, 29889],
    },
    { text: 'The University of Washington is in Seattle.', token_ids: [450, 3014, 310, 7660, 338, 297, 27689, 29889] },
    {
      text: 'The quick brown fox jumps over the lazy dog.',
      token_ids: [450, 4996, 17354, 1701, 29916, 432, 17204, 975, 278, 17366, 11203, 29889],
    },
    {
      text: 'The quick brown fox is quick, and the lazy dog is lazy.',
      token_ids: [450, 4996, 17354, 1701, 29916, 338, 4996, 29892, 322, 278, 17366, 11203, 338, 17366, 29889],
    },
    {
      text: 'We like natural language processing and deep learning.',
      token_ids: [1334, 763, 5613, 4086, 9068, 322, 6483, 6509, 29889],
    },
    {
      text: 'A naïve reader of 日本語 text.',
      token_ids: [319, 1055, 30085, 345, 9591, 310, 29871, 30325, 30346, 30968, 1426, 29889],
    },
  ].map((d) => ({ ...d, metadata: JSON.stringify({ text: d.text }) })),
  vocab: {
    263: '▁a',
    278: '▁the',
    297: '▁in',
    310: '▁of',
    319: '▁A',
    322: '▁and',
    338: '▁is',
    345: 've',
    432: '▁j',
    450: '▁The',
    763: '▁like',
    975: '▁over',
    1055: '▁na',
    1334: '▁We',
    1426: '▁text',
    1701: '▁fo',
    1746: '▁field',
    3014: '▁University',
    4086: '▁language',
    4996: '▁quick',
    5613: '▁natural',
    6483: '▁deep',
    6509: '▁learning',
    6601: '▁computer',
    7660: '▁Washington',
    9068: '▁processing',
    9591: '▁reader',
    10466: '▁science',
    11203: '▁dog',
    17204: 'umps',
    17354: '▁brown',
    17366: '▁lazy',
    18385: '▁Natural',
    27689: '▁Seattle',
    29871: '▁',
    29889: '.',
    29892: ',',
    29916: 'x',
    30085: 'ï',
    30325: '日',
    30346: '本',
    30968: '語',
  },
};

/** The corpus as the engine lays it out (SEP doc SEP doc ...) with a naively sorted suffix array. */
export function buildIndex({ documents, vocab = {}, vocabSize = 32000 }) {
  const docs = documents.map((d) => (Array.isArray(d) ? { token_ids: d, metadata: '' } : { metadata: '', ...d }));
  const tokens = [];
  const docStarts = [];
  for (const doc of docs) {
    docStarts.push(tokens.length);
    tokens.push(SEPARATOR, ...doc.token_ids);
  }
  const compare = (a, b) => {
    for (let k = 0; ; k++) {
      if (a + k >= tokens.length) return b + k >= tokens.length ? 0 : -1;
      if (b + k >= tokens.length) return 1;
      if (tokens[a + k] !== tokens[b + k]) return tokens[a + k] - tokens[b + k];
    }
  };
  const suffixArray = tokens.map((_, i) => i).sort(compare);
  return { docs, tokens, docStarts, suffixArray, vocab, vocabSize };
}

const startsWith = (tokens, at, ids) => ids.every((id, k) => tokens[at + k] === id);

/** The suffix-array ranks [lo, hi) whose suffixes start with ids, found by scanning every rank. */
function find(ix, ids) {
  let lo = -1;
  let hi = -1;
  ix.suffixArray.forEach((pos, rank) => {
    if (!startsWith(ix.tokens, pos, ids)) return;
    if (lo < 0) lo = rank;
    hi = rank + 1;
  });
  return lo < 0 ? [0, 0] : [lo, hi];
}
function count(ix, ids) {
  const [lo, hi] = find(ix, ids);
  return hi - lo;
}

/** Next-token counts over ranks [start, end), sampling one suffix per `unit` ranks: the engine's _get_freq_by_token_id_approx. */
function countNextTokens(tokenAt, start, end, unit, out, knownStart, knownEnd) {
  const add = (token, n) => out.set(token, (out.get(token) ?? 0) + n);
  if (end - start < 4 * unit) {
    for (let rank = start; rank < end; rank += unit) {
      const whole = rank + unit <= end;
      add(tokenAt(whole ? rank + (unit >> 1) : (rank + end) >> 1), whole ? unit : end - rank);
    }
    return;
  }
  const first = knownStart ?? tokenAt(start);
  const last = knownEnd ?? tokenAt(end - 1);
  if (first === last) return add(first, end - start);
  const mid = (start + end) >> 1;
  countNextTokens(tokenAt, start, mid, unit, out, first, undefined);
  countNextTokens(tokenAt, mid, end, unit, out, undefined, last);
}

function ntd(ix, ids, maxSupport) {
  const [lo, hi] = find(ix, ids);
  if (hi === lo) return { prompt_cnt: 0, result_by_token_id: {}, approx: false };
  let unit = 1;
  while (hi - lo > unit * maxSupport) unit *= 2;
  // The token after the corpus's last position reads as a separator.
  const tokenAt = (rank) => ix.tokens[ix.suffixArray[rank] + ids.length] ?? SEPARATOR;
  const counts = new Map();
  countNextTokens(tokenAt, lo, hi, unit, counts);
  const result = {};
  for (const [token, n] of [...counts].sort((a, b) => a[0] - b[0]))
    result[token] = { cont_cnt: n, prob: n / (hi - lo), token: piece(ix, token) };
  return { prompt_cnt: hi - lo, result_by_token_id: result, approx: unit > 1 };
}

function prob(ix, prompt, cont) {
  const promptCount = count(ix, prompt);
  if (promptCount === 0) return { prompt_cnt: 0, cont_cnt: 0, prob: -1 };
  const contCount = count(ix, [...prompt, cont]);
  return { prompt_cnt: promptCount, cont_cnt: contCount, prob: contCount / promptCount };
}

/** The longest suffix of ids with a non-zero count (counts only shrink as the suffix grows). */
function longestSuffix(ix, ids) {
  let length = 0;
  while (length < ids.length && count(ix, ids.slice(ids.length - length - 1)) > 0) length++;
  return length;
}

const piece = (ix, id) => (id === SEPARATOR ? '\\xff\\xff' : (ix.vocab[id] ?? `<${id}>`));
/** Text of ids, SentencePiece style (▁ is a space); ids without a vocabulary entry read <id>. */
const decode = (ix, ids) =>
  ids
    .map((id) => piece(ix, id))
    .join('')
    .replaceAll('▁', ' ');

function getDocByRank(ix, ids, s, rank, maxDispLen) {
  if (!(Number.isInteger(s) && s === 0)) return { error: 's must be an integer in range [0, 1)' };
  if (!(Number.isInteger(rank) && rank >= 0 && rank < ix.tokens.length))
    return { error: `rank must be an integer in range [0, ${ix.tokens.length})` };
  const ptr = ix.suffixArray[rank];
  let docIx = 0;
  while (docIx + 1 < ix.docStarts.length && ix.docStarts[docIx + 1] <= ptr) docIx++;
  const docStart = ix.docStarts[docIx] + 1; // after the separator
  const docEnd = docIx + 1 < ix.docStarts.length ? ix.docStarts[docIx + 1] : ix.tokens.length;
  // The engine's window: up to max_disp_len / 2 tokens before the match and the rest from it on.
  const dispStart = Math.max(docStart, ptr - Math.floor(maxDispLen / 2));
  const dispEnd = Math.min(docEnd, ptr + Math.ceil(maxDispLen / 2));
  const window = ix.tokens.slice(dispStart, dispEnd);
  const spans = [];
  let plain = [];
  for (let i = 0; i < window.length;) {
    if (ids.length > 0 && startsWith(window, i, ids)) {
      if (plain.length) spans.push([decode(ix, plain), null]);
      spans.push([decode(ix, ids), '0']);
      plain = [];
      i += ids.length;
    } else plain.push(window[i++]);
  }
  if (plain.length) spans.push([decode(ix, plain), null]);
  const doc = ix.docs[docIx];
  return {
    doc_ix: docIx,
    doc_len: docEnd - docStart,
    disp_len: window.length,
    needle_offset: ptr - dispStart,
    metadata: doc.metadata,
    token_ids: window,
    spans,
    blocked: false,
  };
}

const checkMaxSupport = (v) => v === undefined || (Number.isInteger(v) && v > 0 && v <= MAX_SUPPORT);
const checkDispLen = (v) => v === undefined || (Number.isInteger(v) && v > 0 && v <= MAX_DISP_LEN);

/** One query, as api_server.py's Processor.process: refusals come back as { error } (HTTP 200). */
export function answer(ix, body) {
  const { query_type: type, query_ids: ids } = body;
  if (body.query !== undefined) return { error: 'This test server takes query_ids only (it has no tokenizer).' };
  if (!Array.isArray(ids) || !ids.every(Number.isInteger))
    return { error: 'query_ids must be a list of integers (CNF queries are not supported by this test server)!' };
  if (ids.length > MAX_QUERY_TOKENS) return { error: `Please limit your input to <= ${MAX_QUERY_TOKENS} tokens!` };
  if (ids.some((id) => id < 0 || (id >= ix.vocabSize && id !== SEPARATOR)))
    return { error: 'Some item(s) in your query_ids are out-of-range!' };
  const started = performance.now();
  let result;
  if (type === 'count') result = { count: count(ix, ids), approx: false };
  else if ((type === 'prob' || type === 'infgram_prob') && ids.length === 0)
    result = { error: 'Please provide a non-empty query!' };
  else if (type === 'prob') result = prob(ix, ids.slice(0, -1), ids.at(-1));
  else if ((type === 'ntd' || type === 'infgram_ntd') && !checkMaxSupport(body.max_support))
    result = { error: `max_support must be an integer in [1, ${MAX_SUPPORT}]!` };
  else if (type === 'ntd') result = ntd(ix, ids, body.max_support ?? MAX_SUPPORT);
  else if (type === 'infgram_prob') {
    const context = ids.slice(0, -1);
    const length = longestSuffix(ix, context);
    const suffix = context.slice(context.length - length);
    result = { ...prob(ix, suffix, ids.at(-1)), suffix_len: length, longest_suffix: decode(ix, suffix) };
  } else if (type === 'infgram_ntd') {
    const length = longestSuffix(ix, ids);
    // Python's ids[-0:] is the whole list: the real server's longest_suffix is the whole query when suffix_len is 0.
    result = {
      ...ntd(ix, ids.slice(ids.length - length), body.max_support ?? MAX_SUPPORT),
      suffix_len: length,
      longest_suffix: decode(ix, length === 0 ? ids : ids.slice(-length)),
    };
  } else if (type === 'find') {
    const [lo, hi] = find(ix, ids);
    result = { cnt: hi - lo, segment_by_shard: [[lo, hi]] };
  } else if (type === 'get_doc_by_rank') {
    if (!checkDispLen(body.max_disp_len))
      result = { error: `max_disp_len must be an integer in [1, ${MAX_DISP_LEN}]!` };
    else result = getDocByRank(ix, ids, body.s, body.rank, body.max_disp_len ?? DEFAULT_DISP_LEN);
  }
  if (!result) return { error: `Invalid query_type: ${type}` };
  if (result.error) return result;
  // As the real server does, after the query: its get_doc_by_rank thus loses the document's token_ids to the query's.
  return { ...result, latency: performance.now() - started, token_ids: ids, tokens: ids.map((id) => piece(ix, id)) };
}

const QUERY_TYPES = new Set(['count', 'prob', 'ntd', 'infgram_prob', 'infgram_ntd', 'find', 'get_doc_by_rank']);

/** The fault directives in a path (see the header); `defaults` come from the command line. */
function parseFaults(pathname, defaults) {
  const faults = { ...defaults };
  for (const segment of pathname.split('/').filter(Boolean)) {
    const [, name, value] = /^([a-z-]+?)(?:-(\d+))?$/.exec(segment) ?? [];
    if (name === 'delay') faults.delayMs = Math.min(MAX_DELAY_MS, Number(value));
    else if (name === 'status') faults.status = Number(value);
    else if (name === 'retry-after') faults.retryAfter = Number(value);
    else if (name === 'fail') faults.failCount = Number(value);
    else if (name === 'malformed') faults.malformed = true;
  }
  return faults;
}

/**
 * Starts the server on 127.0.0.1. `indexes`: the names it answers for (all the same corpus).
 * `faults`: { delayMs, status, retryAfter, malformed } applied to every path. Resolves with
 * { url, indexes, requests, close }.
 */
export function startInfiniGramServer({
  port = 0,
  corpus = BUILTIN_CORPUS,
  indexes = ['v4_pileval_llama'],
  faults = {},
} = {}) {
  const ix = buildIndex(corpus);
  const requests = [];
  const seenByPath = new Map();
  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status, body, headers = {}) => {
      if (res.destroyed) return;
      res
        .writeHead(status, { 'Content-Type': 'application/json', ...headers })
        .end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type',
          'Access-Control-Max-Age': '600',
        })
        .end();
      return;
    }
    if (req.method === 'GET' && pathname === '/__requests') return send(200, requests);
    if (req.method === 'GET') return send(200, indexes);
    if (req.method !== 'POST') return send(405, { error: 'Method not allowed' });

    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', async () => {
      const entry = { path: pathname, queryType: null, status: 0 };
      requests.push(entry);
      const reply = (status, body, headers) => {
        entry.status = status;
        send(status, body, headers);
      };
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: '[Flask] The request body is not valid JSON!' });
      }
      entry.queryType = body?.query_type ?? null;
      const seen = (seenByPath.get(pathname) ?? 0) + 1;
      seenByPath.set(pathname, seen);
      const f = parseFaults(pathname, faults);
      if (f.delayMs) {
        await new Promise((done) => {
          const timer = setTimeout(done, f.delayMs);
          res.once('close', () => {
            clearTimeout(timer);
            done();
          });
        });
      }
      const faulty = f.failCount === undefined || seen <= f.failCount;
      if (faulty && f.status) {
        const headers = f.status === 429 && f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : {};
        return reply(
          f.status,
          { error: f.status === 429 ? 'Too many requests' : `[Flask] Internal server error: simulated ${f.status}` },
          headers,
        );
      }
      if (faulty && f.malformed) return reply(200, '{"count": 12, "appr');
      for (const key of ['index', 'query_type']) {
        if (body?.[key] === undefined) return reply(400, { error: `[Flask] Missing required field: '${key}'` });
      }
      if ((body.query === undefined) === (body.query_ids === undefined))
        return reply(400, { error: '[Flask] Exactly one of query and query_ids must be present!' });
      if (!indexes.includes(body.index)) return reply(400, { error: `[Flask] Invalid index: ${body.index}` });
      if (!QUERY_TYPES.has(body.query_type))
        return reply(400, { error: `[Flask] Invalid query_type: ${body.query_type}` });
      if (body.query_type === 'get_doc_by_rank' && (body.s === undefined || body.rank === undefined)) {
        return reply(500, {
          error: "[Flask] Internal server error: get_doc_by_rank() missing required argument: 's' or 'rank'",
        });
      }
      reply(200, answer(ix, body));
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolvePromise({
        url: `http://127.0.0.1:${server.address().port}/`,
        indexes,
        requests,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  let port = Number(process.env.INFINIGRAM_PORT ?? 0);
  let corpus = BUILTIN_CORPUS;
  const indexes = [];
  const faults = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--port') port = Number(args[++i]);
    else if (arg === '--corpus') corpus = JSON.parse(readFileSync(args[++i], 'utf8'));
    else if (arg === '--index') indexes.push(args[++i]);
    else if (arg === '--delay') faults.delayMs = Math.min(MAX_DELAY_MS, Number(args[++i]));
    else if (arg === '--status') faults.status = Number(args[++i]);
    else if (arg === '--retry-after') faults.retryAfter = Number(args[++i]);
    else if (arg === '--malformed') faults.malformed = true;
    else throw new Error(`Unknown option ${arg}`);
  }
  const server = await startInfiniGramServer({ port, corpus, indexes: indexes.length ? indexes : undefined, faults });
  console.log(
    `infini-gram test server at ${server.url} answering for ${server.indexes.join(', ')} (${corpus.documents.length} documents)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
