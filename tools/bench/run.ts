/**
 * `npm run bench`: measures the built app in headless Chromium and the engine under Node
 * (as the CLI runs it), prints a table and writes bench-results.json (git-ignored) and the same
 * figures to docs/bench/<date>T<hh-mm>-<commit>.json (to commit when they back a figure in the docs;
 * `-dirty` when the working tree had changes; tools/bench/compare.ts sets two runs side by side).
 * Every figure is the median of several runs; the backend is named on every row.
 *
 * Run `npm run build` first (npm run bench does). Options: --model <embedded id> (default sotu-gpt).
 * BENCH_ONLY=experiments runs only the IndexedDB rows (BENCH_ONLY=experiments-list only the list at 10,000 records), BENCH_ONLY=keyspace only the key-space rows, BENCH_ONLY=bigram only the bigram and layer rows,
 * BENCH_ONLY=tokenizers only the tokenizer lab's rows (Node, and its model rows in Chromium), BENCH_ONLY=corpus only the corpus view's (∞-gram) rows,
 * BENCH_ONLY=batch only the batch runs' rows (the bundled ToM set: samples per second in Chromium and Node, the runner's overhead over bare generation);
 * BENCH_ONLY=baseline only the page loads and engine figures in Chromium, each beside the bare transformers.js baseline.
 * Chromium's page loads and engine figures alternate with the same work done by bare transformers.js
 * (tools/bench/baseline/, built into a temporary folder and served beside the app): each such figure
 * carries the baseline's runs and the ratio app / baseline (as times: above 1, the app is slower).
 * BENCH_DIST=<folder> measures another build than dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { updateBenchmarksDoc } from './report';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createStaticServer, listen } from '../serve.mjs';
import { benchmarkText } from './benchText';
import { startBaselineSite } from './baselineSite';
import { runBrowserBench, runExperimentsBench } from './browserBench';
import { runBigramBrowserBench, runBigramNodeBench } from './bigramBench';
import { runCorpusBrowserBench, runCorpusNodeBench } from './corpusBench';
import { runBatchBrowserBench, runBatchNodeBench } from './batchBench';
import { runExperimentsListBench } from './experimentsListBench';
import { runKeySpaceBench } from './keySpaceBench';
import { runNodeBench } from './nodeBench';
import { runTokenizerBench } from './tokenizerBench';
import { runTokenizerBrowserBench } from './tokenizerBrowserBench';
import type { Figure } from './stats';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The commit measured (short hash, `-dirty` with uncommitted changes), or 'unknown' outside a git checkout. */
function commitOf(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '-dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

function formatValue(figure: Figure): string {
  const digits = figure.unit === 'x' ? 2 : (figure.unit === 'ms' || figure.unit === 'µs') && figure.median < 10 ? 1 : 0;
  return `${figure.median.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${figure.unit}`;
}

function speedups(figures: Figure[]): Figure[] {
  const rows: Figure[] = [];
  for (const backend of new Set(figures.map((f) => f.backend))) {
    for (const n of [32, 256]) {
      const cached = figures.find((f) => f.backend === backend && f.name === `KV-cached step at ${n} tokens`);
      const full = figures.find((f) => f.backend === backend && f.name === `full recompute at ${n} tokens`);
      if (cached && full)
        rows.push({
          name: `KV-cache speed-up at ${n} tokens`,
          backend,
          unit: 'x',
          median: full.median / cached.median,
          runs: [],
        });
    }
  }
  return rows;
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    f.backend,
    formatValue(f),
    f.runs.length ? String(f.runs.length) : '',
    f.baseline ? formatValue({ ...f, median: f.baseline.median }) : '',
    f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : '',
  ]);
  const header = ['figure', 'backend', 'median', 'runs', 'bare transformers.js', 'app / bare (time)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const modelId = args.includes('--model') ? args[args.indexOf('--model') + 1] : 'sotu-gpt';
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  // resolve, not join: BENCH_DIST may be an absolute folder (a build of one's own, e.g. /tmp/dist-x).
  const dist = resolve(REPO_ROOT, process.env.BENCH_DIST ?? 'dist');
  const only = process.env.BENCH_ONLY ?? null;
  if (!existsSync(join(dist, 'index.html')))
    throw new Error('No built app in dist/: run `npm run build` first (npm run bench does).');
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  const { id: textId, text } = benchmarkText();
  const loadBefore = loadavg()[0];
  console.log(
    `Benchmark text: ${textId} (${text.length.toLocaleString('en-US')} characters); model ${modelId}; load average ${loadBefore.toFixed(1)} on ${cpus().length} cores.`,
  );

  const server = createStaticServer(dist);
  const url = await listen(server, { port: 0, host: '127.0.0.1' }, 0);
  let figures: Figure[] = [];
  try {
    if (only === null || only === 'baseline') {
      console.log('Chromium (built app), beside the bare transformers.js baseline…');
      const baseline = await startBaselineSite(dist);
      try {
        figures = figures.concat(
          await runBrowserBench(url, text, chromiumPath, { baselineUrl: baseline.url, engineOnly: only !== null }),
        );
      } finally {
        baseline.close();
      }
    }
    if (only === null || only === 'experiments') {
      console.log('Chromium experiments storage (built app, IndexedDB)…');
      figures = figures.concat(await runExperimentsBench(url, chromiumPath));
    }
    if (only === null || only === 'experiments' || only === 'experiments-list') {
      console.log('Chromium experiments list at 10,000 records (built app, imported through the app)…');
      figures = figures.concat(await runExperimentsListBench(url, chromiumPath));
    }
    if (only === null || only === 'tokenizers') {
      console.log('Chromium tokenizer lab (built app): exact next byte, two models…');
      figures = figures.concat(await runTokenizerBrowserBench(url, text, chromiumPath));
    }
    if (only === null || only === 'keyspace') {
      console.log('Chromium key space (built app)…');
      figures = figures.concat(await runKeySpaceBench(url, chromiumPath));
    }
    if (only === null || only === 'bigram') {
      console.log('Chromium bigram and layers (built app)…');
      figures = figures.concat(await runBigramBrowserBench(url, text, chromiumPath));
    }
    if (only === null || only === 'corpus') {
      console.log('Chromium corpus view (built app): ∞-gram index and scoring…');
      figures = figures.concat(await runCorpusBrowserBench(url, text, chromiumPath));
    }
    if (only === null || only === 'batch') {
      console.log('Chromium batch runs (built app): the bundled ToM set through the worker…');
      figures = figures.concat(await runBatchBrowserBench(url, chromiumPath, modelId));
    }
  } finally {
    server.close();
  }
  if (only === null || only === 'corpus') {
    console.log('Node corpus view (core): ∞-gram index, counts, scoring, API client…');
    figures = figures.concat(await runCorpusNodeBench(text));
  }
  if (only === null || only === 'batch') {
    console.log('Node batch runs (CLI engine): the bundled ToM set, runner and bare generation…');
    figures = figures.concat(await runBatchNodeBench(modelId));
  }
  if (only === null || only === 'bigram') {
    console.log('Node bigram and layers (CLI engine)…');
    figures = figures.concat(await runBigramNodeBench(text, modelId));
  }
  if (only === null) {
    console.log('Node (CLI engine)…');
    figures = figures.concat(await runNodeBench(text, modelId));
  }
  if (only === null || only === 'tokenizers') {
    console.log('Node tokenizer lab (tokenizing 100 KB, exact next byte)…');
    figures = figures.concat(await runTokenizerBench(modelId));
  }
  figures = figures.concat(speedups(figures));
  printTable(figures);
  const commit = commitOf();
  const results = {
    date: new Date().toISOString(),
    commit,
    only,
    model: modelId,
    text: { id: textId, characters: text.length },
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart: loadBefore,
      loadAverageAtEnd: loadavg()[0],
    },
    figures,
  };
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(REPO_ROOT, 'bench-results.json'), json);
  const archive = join(
    'docs',
    'bench',
    `${results.date.slice(0, 16).replace(/:/g, '-')}-${commit}${only ? `-${only}` : ''}.json`,
  );
  mkdirSync(join(REPO_ROOT, 'docs', 'bench'), { recursive: true });
  writeFileSync(join(REPO_ROOT, archive), json);
  console.log(`Wrote bench-results.json and ${archive}`);
  // A full run rewrites BENCHMARKS.md's goals table; a BENCH_ONLY run cannot stand for the whole.
  if (!only) {
    const used = updateBenchmarksDoc(REPO_ROOT, join(REPO_ROOT, archive));
    console.log(`Rewrote docs/BENCHMARKS.md's generated part (before: ${used.before ?? 'none'})`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
