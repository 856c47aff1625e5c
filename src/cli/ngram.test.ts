/**
 * `ngram build|count|ntd|infgram|score` in-process on the embedded sotu-gpt: an index of two
 * small text files, its answers against a brute-force scan over the same token ids, sharded
 * scoring merged byte for byte, the API backend against the loopback infini-gram server, and
 * the errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfiniGramServer, type InfiniGramServer } from '../../tools/infinigram-server.mjs';
import { InfiniGramIndex } from '../core/ngram/infiniGram';
import { ByteSpanTokenizer } from '../engine/byteSpanTokenizer';
import { Engine } from '../engine/engine';
import { UsageError } from './args';
import { runNgramCli } from './ngram';
import { parseNgramArgs } from './ngramArgs';
import { createNodeRuntime, REPO_ROOT } from '../engine/nodeRuntime';

const dir = mkdtempSync(join(tmpdir(), 'tokenscope-cli-ngram-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const TEXT_A =
  'The state of the Union is strong. The state of the economy is sound, and the state of the Union is good.\n' +
  'We the people of the United States, in order to form a more perfect Union.';
const TEXT_B =
  'The state of the economy is strong, and the people of the nation are free. Of the people, by the people.';
const fileA = file('a.txt', TEXT_A);
const fileB = file('b.txt', TEXT_B);
const indexPath = join(dir, 'small.idx');

const run = (...argv: string[]) => runNgramCli(parseNgramArgs(['ngram', ...argv])) as Promise<Record<string, any>>;
/** The same on the test's loaded sotu-gpt (no load per call: the query loops stay fast). */
let shared: Engine;
const runOn = (...argv: string[]) =>
  runNgramCli(parseNgramArgs(['ngram', ...argv]), { engine: shared }) as Promise<Record<string, any>>;

// ---- brute force over the documents' token ids -------------------------------------------------
let docs: number[][] = [];
let tokenize: (text: string) => number[];

/** Start offsets (document, position) of an n-gram. */
function occurrences(q: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  docs.forEach((d, di) => {
    for (let p = 0; p + q.length <= d.length; p++) if (q.every((t, k) => d[p + k] === t)) out.push([di, p]);
  });
  return out;
}
const bruteCount = (q: readonly number[]) =>
  q.length === 0 ? docs.reduce((s, d) => s + d.length, 0) : occurrences(q).length;
function bruteNext(q: readonly number[]): { contextCount: number; endOfDocument: number; counts: Map<number, number> } {
  const counts = new Map<number, number>();
  let endOfDocument = 0;
  const starts =
    q.length === 0 ? docs.flatMap((d, di) => d.map((_, p) => [di, p] as [number, number])) : occurrences(q);
  for (const [di, p] of starts) {
    const next = docs[di][p + q.length];
    if (next === undefined) endOfDocument++;
    else counts.set(next, (counts.get(next) ?? 0) + 1);
  }
  return { contextCount: starts.length, endOfDocument, counts };
}
function bruteInfgram(context: readonly number[], next?: number) {
  let L = context.length;
  while (L > 0 && bruteCount(context.slice(context.length - L)) === 0) L--;
  const suffix = context.slice(context.length - L);
  const ntd = bruteNext(suffix);
  return {
    suffixLength: L,
    contextCount: ntd.contextCount,
    sparse: ntd.counts.size === 1 && ntd.endOfDocument === 0,
    probability: next === undefined ? null : (ntd.counts.get(next) ?? 0) / ntd.contextCount,
    ntd,
  };
}
const sortedRows = (counts: Map<number, number>) =>
  [...counts]
    .map(([tokenId, count]) => ({ tokenId, count }))
    .sort((a, b) => b.count - a.count || a.tokenId - b.tokenId);

describe('ngram CLI', () => {
  let engine: Engine;
  let build: Record<string, any>;
  beforeAll(async () => {
    engine = new Engine(createNodeRuntime());
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    shared = engine;
    tokenize = (text) => engine.tokenize({ text }).ids;
    docs = [tokenize(TEXT_A), tokenize(TEXT_B)];
    build = await run('build', fileA, fileB, '--out', indexPath);
  });
  afterAll(() => engine.unload());

  it('parses the subcommands and refuses options of others', () => {
    expect(
      parseNgramArgs(['ngram', 'score', '--index', 'i', '--in', 'a', '--out', 'b', '--shard', '1/3']),
    ).toMatchObject({ ngram: 'score', shard: { index: 1, count: 3 } });
    expect(() =>
      parseNgramArgs(['ngram', 'score', '--index', 'i', '--in', 'a', '--out', 'b', '--shard', '3/3']),
    ).toThrow(/--shard must be i\/n/);
    expect(() => parseNgramArgs(['ngram', 'count', '--index', 'i', '--top', '3', 'x'])).toThrow(
      /--top is only for ngram ntd and ngram infgram/,
    );
    expect(() => parseNgramArgs(['ngram', 'build', fileA])).toThrow(/needs --out/);
    expect(() => parseNgramArgs(['ngram', 'build', '--training-split', fileA, '--out', 'x'])).toThrow(/not both/);
    expect(() => parseNgramArgs(['ngram', 'frobnicate'])).toThrow(UsageError);
    expect(() => parseNgramArgs(['ngram', 'score', '--api', 'http://x/', '--in', 'a', '--out', 'b'])).toThrow(
      /--api needs --api-index/,
    );
  });

  it("build writes the index and its sidecar; the index holds exactly the files' tokens", () => {
    expect(build).toMatchObject({ source: 'files', documentCount: 2, tokenCount: docs[0].length + docs[1].length });
    const sidecar = JSON.parse(readFileSync(`${indexPath}.json`, 'utf8'));
    expect(sidecar).toMatchObject({
      format: 'tokenscope-ngram-index',
      model: 'embedded:sotu-gpt',
      vocabSize: 8192,
      documentCount: 2,
    });
    expect(sidecar.documents).toEqual([
      { title: fileA, start: 0, length: docs[0].length },
      { title: fileB, start: docs[0].length, length: docs[1].length },
    ]);
    expect(typeof sidecar.buildMs).toBe('number');
    const index = InfiniGramIndex.fromBytes(new Uint8Array(readFileSync(indexPath)));
    expect(Array.from(index.documentTokens(0))).toEqual(docs[0]);
    expect(Array.from(index.documentTokens(1))).toEqual(docs[1]);
  });

  const QUERIES = [
    '',
    ' of the',
    ' the',
    'The state of the',
    ' state of the Union is',
    ' people',
    '.',
    ' zebra crossing',
    'Of the people, by the people.',
  ];

  it('count equals a brute-force scan', async () => {
    for (const text of QUERIES) {
      const out = await runOn('count', '--index', indexPath, text);
      expect(out.tokenIds).toEqual(tokenize(text));
      expect(out.count, text).toBe(bruteCount(out.tokenIds));
    }
  });

  it('ntd equals a brute-force scan (every next token, counts and order)', async () => {
    for (const text of QUERIES) {
      const out = await runOn('ntd', '--index', indexPath, '--top', '1000', text);
      const brute = bruteNext(tokenize(text));
      expect(out.contextCount, text).toBe(brute.contextCount);
      expect(out.endOfDocumentCount, text).toBe(brute.endOfDocument);
      expect(
        out.next.map((r: any) => ({ tokenId: r.tokenId, count: r.count })),
        text,
      ).toEqual(sortedRows(brute.counts));
      for (const r of out.next) expect(r.probability).toBeCloseTo(r.count / brute.contextCount, 12);
    }
  });

  it('infgram equals the brute-force backoff: suffix length, counts, sparse, P∞ of --next', async () => {
    const cases: [string, string][] = [
      [' the state of the', ' Union'],
      ['Yesterday the state of the', ' economy'],
      ['We the people of the', ' United'],
      ['Nothing like this', ' the'],
      ['', ' the'],
      [' in order to form a more perfect', ' Union'],
    ];
    for (const [context, next] of cases) {
      const out = await runOn('infgram', '--index', indexPath, '--top', '1000', '--next', next, context);
      const ids = tokenize(context);
      const [nextId] = tokenize(next);
      const brute = bruteInfgram(ids, nextId);
      expect(out.suffixLength, context).toBe(brute.suffixLength);
      expect(out.effectiveN).toBe(brute.suffixLength + 1);
      expect(out.contextCount, context).toBe(brute.contextCount);
      expect(out.sparse, context).toBe(brute.sparse);
      expect(out.next.tokenId).toBe(nextId);
      expect(out.next.probability, context).toBeCloseTo(brute.probability!, 12);
      expect(out.top.map((r: any) => ({ tokenId: r.tokenId, count: r.count }))).toEqual(sortedRows(brute.ntd.counts));
    }
    await expect(runOn('infgram', '--index', indexPath, '--next', ' United States', 'x')).rejects.toThrow(
      /is 2 tokens for sotu-gpt/,
    );
  });

  describe('score', () => {
    const lines = [
      { id: 'a', text: 'The state of the Union is strong, and the people are free.' },
      { id: 2, text: 'We the people of the United States.' },
      null, // a blank line: counted, skipped
      { id: 'empty', text: '' },
      { id: 'c', text: 'Hello, a text the corpus has never seen, of the state.' },
      { id: 'd', text: TEXT_B },
      { id: 'e', text: 'Of the people, by the people, for the people. 日本 😀' },
    ];
    const input = file('in.jsonl', `${lines.map((l) => (l === null ? '' : JSON.stringify(l))).join('\n')}\n`);
    const score = (out: string, ...extra: string[]) =>
      runOn('score', '--index', indexPath, '--in', input, '--out', join(dir, out), '--with-model', ...extra);

    it('per token P∞, suffix length and sparse equal the brute force; the summary adds up', async () => {
      const summary = await score('all.jsonl');
      const records = readFileSync(join(dir, 'all.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records.map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 7]);
      expect(summary).toMatchObject({ shard: '0/1', inputLines: 7, blankLines: 1, scoredLines: 6 });
      let tokens = 0;
      for (const r of records) {
        const ids = tokenize(lines[r.line - 1]!.text);
        expect(r.tokenIds).toEqual(ids);
        expect(r.tokenCount).toBe(ids.length);
        tokens += ids.length;
        ids.forEach((id, i) => {
          const brute = bruteInfgram(ids.slice(0, i), id);
          expect(r.suffixLength[i]).toBe(brute.suffixLength);
          expect(r.effectiveN[i]).toBe(brute.suffixLength + 1);
          expect(r.infiniGramProbability[i]).toBeCloseTo(brute.probability!, 12);
          expect(r.sparse[i]).toBe(brute.sparse);
        });
        expect(r.model.probability).toHaveLength(ids.length);
        if (ids.length === 0) expect(r.summary.agreement).toBeNull();
        else {
          expect(r.summary.agreement).toBeCloseTo(
            r.infiniGramProbability.filter((p: number) => p > 0.5).length / ids.length,
            12,
          );
          expect(r.model.perplexity).toBeCloseTo(
            Math.exp(-r.model.probability.reduce((s: number, p: number) => s + Math.log(p), 0) / ids.length),
            9,
          );
        }
      }
      expect(summary.tokens).toBe(tokens);
      expect(summary.summary.modelTokens).toBe(tokens);
      expect(records.find((r) => r.id === 'd').summary.agreement).toBeGreaterThan(0.5); // a text of the corpus
    });

    it('--shard 0/2 and 1/2 are disjoint and, merged by line, equal the unsharded output byte for byte', async () => {
      await score('whole.jsonl');
      await score('s0.jsonl', '--shard', '0/2');
      await score('s1.jsonl', '--shard', '1/2');
      const whole = readFileSync(join(dir, 'whole.jsonl'), 'utf8');
      const parts = ['s0.jsonl', 's1.jsonl'].map((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
      expect(parts[0].map((l) => JSON.parse(l).line)).toEqual([1, 5, 7]); // lines k = 0, 4, 6
      expect(parts[1].map((l) => JSON.parse(l).line)).toEqual([2, 4, 6]);
      const merged = [...parts[0], ...parts[1]].sort((a, b) => JSON.parse(a).line - JSON.parse(b).line);
      expect(`${merged.join('\n')}\n`).toBe(whole);
      expect(whole).toBe(readFileSync(join(dir, 'all.jsonl'), 'utf8'));
    });

    it('a bad line is an error that names it, and leaves no output file', async () => {
      const bad = file('bad.jsonl', `${JSON.stringify(lines[0])}\n{"id": 3, "text": oops}\n`);
      const out = join(dir, 'bad-out.jsonl');
      // Shard 1/2 would not score line 2, but every line is checked: each shard fails alike.
      await expect(runOn('score', '--index', indexPath, '--in', bad, '--out', out, '--shard', '0/2')).rejects.toThrow(
        /bad\.jsonl line 2 is not valid JSON/,
      );
      expect(existsSync(out)).toBe(false);
      const noText = file('notext.jsonl', '{"id": 1, "txt": "x"}\n');
      await expect(run('score', '--index', indexPath, '--in', noText, '--out', out)).rejects.toThrow(
        /notext\.jsonl line 1 has no "text" string/,
      );
      const long = file('long.jsonl', `${JSON.stringify({ id: 1, text: 'a'.repeat(200_001) })}\n`);
      await expect(run('score', '--index', indexPath, '--in', long, '--out', out)).rejects.toThrow(
        /long\.jsonl line 1: The text is 200 kB \(200,001 bytes\); the corpus view takes/,
      );
    });
  });

  it('errors: an unknown model, a missing index, another tokenizer, the training split of a non-embedded model', async () => {
    await expect(run('build', fileA, '--out', join(dir, 'x.idx'), '--model', 'no-such-model')).rejects.toThrow(
      /"no-such-model" is neither a folder nor an embedded model/,
    );
    await expect(run('count', '--index', join(dir, 'missing.idx'), ' the')).rejects.toThrow(
      /missing\.idx does not exist: build one with ngram build/,
    );
    await expect(run('build', join(dir, 'nope.txt'), '--out', join(dir, 'x.idx'))).rejects.toThrow(
      /nope\.txt does not exist/,
    );
    await expect(run('count', '--index', indexPath, '--model', 'sotu-llama', ' the')).rejects.toThrow(
      /built with the tokenizer of sotu-gpt; sotu-llama tokenizes differently: pass --model sotu-gpt/,
    );
    await expect(
      run(
        'build',
        '--training-split',
        '--model',
        join(REPO_ROOT, 'public', 'models', 'sotu-gpt'),
        '--out',
        join(dir, 'x.idx'),
      ),
    ).rejects.toThrow(/--training-split needs an embedded model with a training split/);
    const notIndex = file('junk.idx', 'not an index');
    writeFileSync(`${notIndex}.json`, readFileSync(`${indexPath}.json`));
    await expect(run('count', '--index', notIndex, ' the')).rejects.toThrow(/junk\.idx is not a usable ∞-gram index/);
  });

  it('the real command line dispatches ngram (exit status 2 and one line for a missing index)', () => {
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'ngram', 'count', '--index', '/no/such.idx', 'the'],
      { encoding: 'utf8' },
    );
    expect(cli.stderr).toBe(
      'tokenscope: The index file /no/such.idx does not exist: build one with ngram build --out /no/such.idx.\n',
    );
    expect(cli.status).toBe(2);
  });
});

describe('ngram score --api (loopback infini-gram server)', () => {
  // A corpus of GPT-2 ids (the index v4_pileval_gpt2 names that tokenizer, which the tokenizer lab ships).
  const gpt2 = ByteSpanTokenizer.fromText(
    readFileSync(join(REPO_ROOT, 'public', 'tokenizers', 'gpt2', 'tokenizer.json'), 'utf8'),
  );
  const corpusTexts = [
    'The quick brown fox jumps over the lazy dog.',
    'The quick brown fox is quick, and the lazy dog is lazy.',
    'We like natural language processing and deep learning.',
  ];
  const documents = corpusTexts.map((t) => gpt2.encode(t));
  let server: InfiniGramServer;
  beforeAll(async () => {
    server = await startInfiniGramServer({
      corpus: { documents, vocabSize: 50257 },
      indexes: ['v4_pileval_gpt2', 'v4_pileval_llama'],
    });
  });
  afterAll(() => server.close());

  const input = file(
    'api-in.jsonl',
    ['The quick brown fox is lazy.', 'We like deep learning and natural language processing.', 'A lazy dog.']
      .map((text, i) => JSON.stringify({ id: i, text }))
      .join('\n'),
  );
  const score = (out: string, ...extra: string[]) =>
    run(
      'score',
      '--api',
      server.url,
      '--api-index',
      'v4_pileval_gpt2',
      '--in',
      input,
      '--out',
      join(dir, out),
      ...extra,
    );

  it("tokenizes with the index's tokenizer; suffix lengths and P∞ equal a local index of the same ids; shards merge byte for byte", async () => {
    const summary = await score('api.jsonl');
    expect(summary.backend).toMatchObject({ kind: 'api', index: 'v4_pileval_gpt2', tokenizer: 'gpt2' });
    expect(summary.model).toBeUndefined(); // no model needed without --with-model
    const local = InfiniGramIndex.build(documents);
    const whole = readFileSync(join(dir, 'api.jsonl'), 'utf8');
    for (const r of whole
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))) {
      const scores = local.scoreText(r.tokenIds);
      expect(r.tokenIds).toEqual(gpt2.encode(JSON.parse(readFileSync(input, 'utf8').split('\n')[r.line - 1]).text));
      expect(r.suffixLength).toEqual(Array.from(scores.suffixLength));
      r.suffixLength.forEach((l: number, i: number) => {
        // The API's unigram counts separators too; from one token of context on, the counts agree.
        if (l > 0) expect(r.infiniGramProbability[i]).toBeCloseTo(scores.probability[i], 12);
      });
    }
    await score('api0.jsonl', '--shard', '0/2');
    await score('api1.jsonl', '--shard', '1/2');
    const merged = ['api0.jsonl', 'api1.jsonl']
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      .sort((a, b) => JSON.parse(a).line - JSON.parse(b).line);
    expect(`${merged.join('\n')}\n`).toBe(whole);
  });

  it("refuses a tokenizer that does not give a Llama 2 index's ids, and an unreachable host in one sentence", async () => {
    await expect(
      run(
        'score',
        '--api',
        server.url,
        '--api-index',
        'v4_pileval_llama',
        '--api-tokenizer',
        'gpt2',
        '--in',
        input,
        '--out',
        join(dir, 'x.jsonl'),
      ),
    ).rejects.toThrow(/v4_pileval_llama holds Llama 2 token ids, but the tokenizer "gpt2" encodes/);
    await expect(
      run(
        'score',
        '--api',
        'http://127.0.0.1:9/',
        '--api-index',
        'v4_pileval_gpt2',
        '--in',
        input,
        '--out',
        join(dir, 'x.jsonl'),
      ),
    ).rejects.toThrow(/api-in\.jsonl line 1: The infini-gram API at 127\.0\.0\.1:9 could not be reached/);
  });
});
