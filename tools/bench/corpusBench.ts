/**
 * Corpus view figures (issue 17): the ∞-gram index of the default model's training split
 * built in the built app's worker (a fresh browser profile each run, so nothing is read back
 * from storage), and read back from storage; ∞-gram scoring of a 2,000-token held-out text
 * in the worker; and under Node the same core: the build, the median count of a 5-gram, the
 * scoring, and the infini-gram API client's round trip against the loopback server.
 */
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { InfiniGramIndex } from '../../src/core/ngram/infiniGram';
import { createInfiniGramApi } from '../../src/core/ngram/infiniGramApi';
import type { TrainingSplitEntry } from '../../src/protocol/corpus';
import { startInfiniGramServer } from '../infinigram-server.mjs';
import { median, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { newReturningContext } from '../lib/returningVisitor';

const RUNS = 3;
const SCORED_TOKENS = 2000;
const REPO_ROOT = join(import.meta.dirname, '..', '..');
const MODEL = 'sotu-gpt-long';

function trainingSplit(): { entry: TrainingSplitEntry; bytes: Buffer } {
  const index = JSON.parse(readFileSync(join(REPO_ROOT, 'public', 'corpus', 'index.json'), 'utf8')) as {
    models: Record<string, string>;
    corpora: Record<string, TrainingSplitEntry>;
  };
  const entry = index.corpora[index.models[MODEL]];
  return { entry, bytes: readFileSync(join(REPO_ROOT, 'public', 'corpus', entry.file)) };
}

export async function runCorpusBrowserBench(appUrl: string, text: string, chromiumPath: string): Promise<Figure[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const build: number[] = [];
  const open: number[] = [];
  const reread: number[] = [];
  const score: number[] = [];
  let backend = 'Chromium';
  const { entry } = trainingSplit();
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await (await newReturningContext(browser)).newPage(); // a fresh profile: an empty IndexedDB
      await page.goto(`${appUrl}?testApi=1&backend=wasm`);
      await page.waitForFunction((key) => window.__tokenscope?.state().model?.key === key, `embedded:${MODEL}`, {
        polling: 50,
        timeout: 180_000,
      });
      const model = await page.evaluate(() => window.__tokenscope!.state().model!);
      backend = `Chromium ${model.backend.toUpperCase()} (${model.threads} threads), worker`;
      const times = await page.evaluate(
        async ([t, n, e, url]) => {
          const api = window.__tokenscope!;
          const source = { kind: 'training-split' as const, url, entry: e, label: 'bench' };
          let started = performance.now();
          const built = await api.call('corpusOpen', source);
          const openMs = performance.now() - started;
          const { ids } = await api.call('tokenize', { text: t });
          const scored = await api.call('corpusScore', { ids: ids.slice(0, n) });
          // Another corpus, then this one again: read back from IndexedDB.
          await api.call('corpusOpen', { kind: 'texts', texts: [{ name: 'x', text: 'a b c' }], label: 'other' });
          started = performance.now();
          const again = await api.call('corpusOpen', source);
          return {
            build: built.elapsedMs,
            open: openMs,
            fromStore: again.fromStore,
            reread: performance.now() - started,
            score: scored.elapsedMs.infiniGram,
          };
        },
        [text, SCORED_TOKENS, entry, new URL(`corpus/${entry.file}`, appUrl).href] as const,
      );
      if (!times.fromStore) throw new Error('the index was not read back from storage');
      build.push(times.build);
      open.push(times.open);
      reread.push(times.reread);
      score.push(times.score);
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
  const tokens = entry.tokens.toLocaleString('en-US');
  return [
    {
      name: `∞-gram index of the training split (${tokens} tokens): suffix array build`,
      backend,
      unit: 'ms',
      median: median(build),
      runs: build,
    },
    {
      name: `∞-gram index of the training split: fetch + hash + build + store`,
      backend,
      unit: 'ms',
      median: median(open),
      runs: open,
    },
    {
      name: `∞-gram index of the training split: read back from IndexedDB`,
      backend,
      unit: 'ms',
      median: median(reread),
      runs: reread,
    },
    {
      name: `∞-gram scoring of a ${SCORED_TOKENS.toLocaleString('en-US')}-token text`,
      backend,
      unit: 'ms',
      median: median(score),
      runs: score,
    },
  ];
}

export async function runCorpusNodeBench(text: string): Promise<Figure[]> {
  const backend = 'Node (core, no model)';
  const { entry, bytes } = trainingSplit();
  const ids = new Uint16Array(bytes.buffer, bytes.byteOffset, entry.tokens);
  const documents = entry.documents.map((d) => ids.subarray(d.start, d.start + d.length));
  const build: number[] = [];
  let index: InfiniGramIndex | null = null;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    index = InfiniGramIndex.build(documents);
    build.push(performance.now() - started);
  }
  // 5-grams of the held-out text (some occur in the corpus, some do not), timed in batches of 100.
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = join(REPO_ROOT, 'public', 'models') + '/';
  const tokenizer = await AutoTokenizer.from_pretrained(MODEL);
  const textIds = tokenizer.encode(text, { add_special_tokens: false }).slice(0, SCORED_TOKENS);
  const perCount: number[] = [];
  for (let start = 0; start + 5 + 100 <= textIds.length; start += 100) {
    const t0 = performance.now();
    for (let k = 0; k < 100; k++) index!.count(textIds.slice(start + k, start + k + 5));
    perCount.push(((performance.now() - t0) / 100) * 1000);
  }
  const score: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    index!.scoreText(textIds);
    score.push(performance.now() - t0);
  }
  // The API client against the loopback server: one next-token distribution per round trip.
  const server = await startInfiniGramServer({ port: 0 });
  const roundTrips: number[] = [];
  try {
    const api = createInfiniGramApi({ endpoint: server.url, index: server.indexes[0] });
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await api.nextTokenDistribution([450, 4086]);
      roundTrips.push(performance.now() - t0);
    }
  } finally {
    await server.close();
  }
  return [
    {
      name: `∞-gram index of the training split (${entry.tokens.toLocaleString('en-US')} tokens): suffix array build`,
      backend,
      unit: 'ms',
      median: median(build),
      runs: build,
    },
    {
      name: 'count of a 5-gram (median of batches of 100)',
      backend,
      unit: 'µs',
      median: median(perCount),
      runs: perCount,
    },
    {
      name: `∞-gram scoring of a ${SCORED_TOKENS.toLocaleString('en-US')}-token text`,
      backend,
      unit: 'ms',
      median: median(score),
      runs: score,
    },
    {
      name: 'infini-gram API client round trip (loopback server, next-token distribution)',
      backend: 'Node, loopback HTTP',
      unit: 'ms',
      median: median(roundTrips.slice(5)),
      runs: roundTrips.slice(5),
    },
  ];
}
