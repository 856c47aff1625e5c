/**
 * The generated part of docs/BENCHMARKS.md: the latest full bench file in docs/bench/ beside a
 * "before" file, with the speed goals each figure is held to. `npm run bench` rewrites it after
 * a full run; by hand:
 *
 *   npx tsx tools/bench/report.ts [latest.json] [--before before.json]
 *
 * Without arguments: the newest full run (no `-only` suffix) is "latest", the oldest file is
 * "before". A run whose load average at start was one per core or more is marked as measured
 * under load: its figures overstate the times. Where the latest run measured the bare
 * transformers.js baseline beside a figure (Figure.baseline, Figure.ratio), the table of every
 * figure shows it and the ratio, and a ratio goal (the live model's page load) is held to it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Figure } from './stats';

export interface BenchFile {
  date: string;
  commit?: string;
  only?: string | null;
  machine: { cores: number; cpu: string; loadAverageAtStart: number; loadAverageAtEnd: number };
  figures: Figure[];
}

/** A speed goal: the figure (name and where it ran) and the bound it must meet. */
export interface SpeedGoal {
  what: string;
  name: string;
  backend: string;
  /** At most this (times) or at least this (rates). */
  bound: number;
  atLeast?: boolean;
  /** The bound holds the figure's ratio to the bare transformers.js baseline (Figure.ratio), not its median. */
  ratio?: boolean;
}

const CHROMIUM = 'Chromium WASM (2 threads, fp32)';

/** The speed goals the project holds itself to; rows without a measured figure are listed as such. */
export const SPEED_GOALS: SpeedGoal[] = [
  {
    what: 'page load → first distribution, cold cache',
    name: 'page load → first distribution, cold cache',
    backend: CHROMIUM,
    bound: 1000,
  },
  {
    what: '↳ live model vs bare from_pretrained',
    name: "page load → live model's first distribution, cold cache",
    backend: CHROMIUM,
    bound: 1.2,
    ratio: true,
  },
  {
    what: 'page load → first distribution, warm cache',
    name: 'page load → first distribution, warm cache',
    backend: CHROMIUM,
    bound: 500,
  },
  {
    what: 'layer analysis over 512 positions',
    name: 'layer analysis, 512 positions (lens statistics on 128)',
    backend: 'Chromium WASM (2 threads, fp32), worker',
    bound: 1000,
  },
  {
    what: 'layer analysis, the lens on all 512',
    name: 'layer analysis, 512 positions (lens statistics on all 512)',
    backend: 'Chromium WASM (2 threads, fp32), worker',
    bound: 3000,
  },
  {
    what: "first layer view after a click: the position's table",
    name: "layer view: click on a token → its position's layer table on screen (fresh page, 3,000 characters)",
    backend: 'Chromium WASM (2 threads, fp32), worker',
    bound: 500,
  },
  {
    what: "↳ and the whole view (the stretch's charts too)",
    name: 'layer view: click on a token → its layers on screen (fresh page, 3,000 characters)',
    backend: 'Chromium WASM (2 threads, fp32), worker',
    bound: 500,
  },
  {
    what: 'bigram predictions for 1,000 tokens, fresh',
    name: 'bigram predictions, 1000 tokens (full context + context-1, fresh model)',
    backend: 'Chromium WASM (2 threads, fp32), worker',
    bound: 500,
  },
  {
    what: 'exact next byte after a demo prompt',
    name: 'exact next byte on sotu-gpt-long after "The Eiffel Tow" (4 forward passes)',
    backend: 'Chromium WASM (2 threads), in the worker',
    bound: 100,
  },
  {
    what: 'two models on 4,000 characters',
    name: 'two models on 4,000 characters (sotu-gpt-long + sotu-bytes, 754 + 4,000 tokens), round trip',
    backend: 'Chromium WASM (2 threads), in the worker',
    bound: 1000,
  },
  {
    what: 'scoring a 2,000-token text (Chromium)',
    name: 'score 2000 tokens (throughput)',
    backend: CHROMIUM,
    bound: 3000,
    atLeast: true,
  },
  {
    what: 'scoring a 2,000-token text (Node CLI)',
    name: 'score 2000 tokens (throughput)',
    backend: 'Node CLI (onnxruntime-node, 2 cores)',
    bound: 3000,
    atLeast: true,
  },
  {
    what: 'slider move → bars laid out',
    name: 'slider move → bars re-rendered and laid out (no model call)',
    backend: CHROMIUM,
    bound: 16.7,
  },
  {
    what: 'click on a candidate → next distribution',
    name: 'click on a candidate → next distribution',
    backend: CHROMIUM,
    bound: 50,
  },
  {
    what: 'first experiments list in a new tab, 1,000 stored',
    name: 'experiments: first list of 1,000 in a new tab (reads every summary)',
    backend: 'Chromium IndexedDB',
    bound: 30,
  },
  {
    what: 'all 8 shipped tokenizers shown in the tokenizer lab, fresh page',
    name: "tokenizer lab: all 8 shipped tokenizers on the lab's text, fresh page",
    backend: 'Chromium, fresh page',
    bound: 2000,
  },
  {
    what: 'Gemma 3 tokenizer built from tokenizer.json',
    name: 'Gemma 3: build from tokenizer.json',
    backend: 'Node (2 cores)',
    bound: 2000,
  },
];

export const BEGIN_MARKER = '<!-- bench:generated:start (tools/bench/report.ts rewrites this part) -->';
export const END_MARKER = '<!-- bench:generated:end -->';

const keyOf = (f: { name: string; backend: string }) => `${f.name} | ${f.backend}`;

/** A ratio to the baseline, as the tables show it: `1.18×`. */
export const formatRatio = (ratio: number): string => `${ratio.toFixed(2)}×`;

export function formatFigure(value: number, unit: string): string {
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`;
}

/**
 * A load average at start of one per core or more: other work was running. The start value
 * includes the bench's own build a minute earlier (about 1.5 on two cores), so less than one
 * per core is what an otherwise idle machine shows.
 */
export function underLoad(file: BenchFile): boolean {
  return file.machine.loadAverageAtStart >= file.machine.cores;
}

function describe(file: BenchFile, path: string): string {
  const load = `load average ${file.machine.loadAverageAtStart.toFixed(2)} → ${file.machine.loadAverageAtEnd.toFixed(2)}`;
  const state = underLoad(file) ? `**under load** (${load})` : `idle (${load})`;
  return `[${basename(path)}](bench/${basename(path)}): ${file.date.slice(0, 16).replace('T', ' ')} UTC, commit ${file.commit ?? '?'}, ${file.machine.cores} cores (${file.machine.cpu}), ${state}`;
}

/** The generated Markdown: the goals table, then every figure of the latest run beside the before run. */
export function renderReport(
  latest: BenchFile,
  latestPath: string,
  before: BenchFile | null,
  beforePath: string | null,
): string {
  const beforeByKey = new Map((before?.figures ?? []).map((f) => [keyOf(f), f]));
  const latestByKey = new Map(latest.figures.map((f) => [keyOf(f), f]));
  const lines = [
    `Latest run: ${describe(latest, latestPath)}.`,
    before && beforePath ? `Before: ${describe(before, beforePath)}.` : 'Before: no earlier file.',
    '',
    'What a user waits for, each held to its bound (medians of each figure\'s runs; "before" is the',
    'oldest run committed in docs/bench/). `npm run bench` rewrites this part after a full run.',
    '',
    '| goal | bound | latest | before | met |',
    '| --- | ---: | ---: | ---: | :---: |',
  ];
  for (const goal of SPEED_GOALS) {
    const unit =
      latestByKey.get(keyOf(goal))?.unit ?? beforeByKey.get(keyOf(goal))?.unit ?? (goal.atLeast ? 'tokens/s' : 'ms');
    // A ratio goal reads the figure's ratio to the baseline; files without a baseline have none.
    const valueOf = (figure: Figure | undefined) => (goal.ratio ? figure?.ratio : figure?.median);
    const show = (value: number | undefined) =>
      value === undefined ? '–' : goal.ratio ? formatRatio(value) : formatFigure(value, unit);
    const now = valueOf(latestByKey.get(keyOf(goal)));
    const then = valueOf(beforeByKey.get(keyOf(goal)));
    const bound = `${goal.atLeast ? '≥' : '≤'} ${goal.ratio ? `${goal.bound}×` : formatFigure(goal.bound, unit)}`;
    const met =
      now === undefined ? 'not measured' : (goal.atLeast ? now >= goal.bound : now <= goal.bound) ? 'yes' : 'no';
    lines.push(`| ${goal.what} | ${bound} | ${show(now)} | ${show(then)} | ${met} |`);
  }
  // The baseline's columns only where the latest run has one (older runs have none).
  const hasBaseline = latest.figures.some((f) => f.baseline !== undefined);
  lines.push('', '<details><summary>Every figure of the latest run</summary>', '');
  if (hasBaseline) {
    lines.push(
      'Where a figure has one, "bare transformers.js" is the same work done by transformers.js alone in the',
      'same browser, its runs alternated with the app\'s, and "app / bare" the ratio of the times (above 1: the',
      'app is slower; for tokens/s, bare over app).',
      '',
      '| figure | where | median (runs) | bare transformers.js | app / bare | before |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
    );
  } else lines.push('| figure | where | median (runs) | before |', '| --- | --- | ---: | ---: |');
  for (const figure of latest.figures) {
    const then = beforeByKey.get(keyOf(figure));
    const runs = figure.runs.length > 0 ? ` (${figure.runs.length})` : '';
    const bare = !hasBaseline
      ? ''
      : figure.baseline && figure.ratio !== undefined
        ? ` ${formatFigure(figure.baseline.median, figure.unit)} | ${formatRatio(figure.ratio)} |`
        : ' – | – |';
    lines.push(
      `| ${figure.name} | ${figure.backend} | ${formatFigure(figure.median, figure.unit)}${runs} |${bare} ${then ? formatFigure(then.median, then.unit) : '–'} |`,
    );
  }
  lines.push('', '</details>');
  return lines.join('\n');
}

/** `document` with the part between the markers replaced (markers added after the title when missing). */
export function replaceGenerated(document: string, generated: string): string {
  const block = `${BEGIN_MARKER}\n\n${generated}\n\n${END_MARKER}`;
  const start = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start !== -1 && end > start) return document.slice(0, start) + block + document.slice(end + END_MARKER.length);
  const afterTitle = document.indexOf('\n\n') + 2;
  return `${document.slice(0, afterTitle)}${block}\n\n${document.slice(afterTitle)}`;
}

/** Rewrites docs/BENCHMARKS.md's generated part from files in docs/bench/. Returns the files used. */
export function updateBenchmarksDoc(
  repoRoot: string,
  latestPath?: string,
  beforePath?: string,
): { latest: string; before: string | null } {
  const folder = join(repoRoot, 'docs', 'bench');
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as BenchFile;
  // File names start with the date: sorted, the oldest comes first.
  const paths = readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(folder, name));
  // A run of part of the bench (BENCH_ONLY) cannot stand for the whole.
  const latest = latestPath ?? [...paths].reverse().find((path) => !read(path).only);
  if (!latest) throw new Error(`no full bench run in ${folder}`);
  const before = beforePath ?? (paths[0] !== latest ? paths[0] : null);
  const docPath = join(repoRoot, 'docs', 'BENCHMARKS.md');
  const generated = renderReport(read(latest), latest, before ? read(before) : null, before);
  writeFileSync(docPath, replaceGenerated(readFileSync(docPath, 'utf8'), generated));
  return { latest, before };
}

if (process.argv[1] && basename(process.argv[1]).startsWith('report')) {
  const args = process.argv.slice(2);
  const beforeAt = args.indexOf('--before');
  const before = beforeAt === -1 ? undefined : args[beforeAt + 1];
  const latest = args.find((arg, i) => !arg.startsWith('--') && (beforeAt === -1 || i !== beforeAt + 1));
  const used = updateBenchmarksDoc(process.cwd(), latest, before);
  console.log(`docs/BENCHMARKS.md: latest ${used.latest}, before ${used.before ?? 'none'}`);
}
