/**
 * `npx tsx tools/bench/compare.ts before.json[,before2.json…] after.json[,after2.json…]`: bench
 * results side by side as a Markdown table (figure, backend, before, after, how much slower), so
 * a change can be shown not to slow anything down. Several files per side (runs alternated
 * before/after/after/before) pool their runs: each figure is the median of all its runs, which
 * evens out a noisy minute. Higher is better for tokens/s and speed-ups; lower for times and
 * memory. Rows only one side has are listed at the end.
 */
import { readFileSync } from 'node:fs';
import { median, type Figure } from './stats';

interface BenchFile {
  date: string;
  machine: { cores: number; cpu: string; loadAverageAtStart: number; loadAverageAtEnd: number };
  figures: Figure[];
}

const read = (path: string): BenchFile => JSON.parse(readFileSync(path, 'utf8')) as BenchFile;

/** One side's figures: each the median of its runs pooled over the files (the mean of medians where a figure has no runs). */
function pooled(files: BenchFile[]): Figure[] {
  const byKey = new Map<string, Figure[]>();
  for (const file of files) for (const f of file.figures) byKey.set(keyOf(f), [...(byKey.get(keyOf(f)) ?? []), f]);
  return [...byKey.values()].map((same) => {
    const runs = same.flatMap((f) => f.runs);
    const value = runs.length > 0 ? median(runs) : same.reduce((sum, f) => sum + f.median, 0) / same.length;
    return { ...same[0], median: value, runs };
  });
}

const describeSide = (files: BenchFile[]) =>
  files
    .map(
      (f) =>
        `${f.date} (load average ${f.machine.loadAverageAtStart.toFixed(1)} → ${f.machine.loadAverageAtEnd.toFixed(1)})`,
    )
    .join(', ');
const keyOf = (f: Figure) => `${f.name} | ${f.backend}`;
const show = (f: Figure) =>
  `${f.median.toLocaleString('en-US', { maximumFractionDigits: f.median < 10 ? 2 : 0 })} ${f.unit}`;

/** after / before in the direction "above 1 is worse". */
function slowdown(before: Figure, after: Figure): number {
  const higherIsBetter = before.unit === 'tokens/s' || before.unit === 'x';
  return higherIsBetter ? before.median / after.median : after.median / before.median;
}

function main(): void {
  const [beforePaths, afterPaths] = process.argv.slice(2);
  if (!beforePaths || !afterPaths)
    throw new Error('usage: tsx tools/bench/compare.ts before.json[,before2.json…] after.json[,after2.json…]');
  const beforeFiles = beforePaths.split(',').map(read);
  const afterFiles = afterPaths.split(',').map(read);
  const afterByKey = new Map(pooled(afterFiles).map((f) => [keyOf(f), f]));
  console.log(`before: ${describeSide(beforeFiles)}`);
  console.log(`after:  ${describeSide(afterFiles)}\n`);
  console.log('| figure | backend | before | after | slower by (>1 worse) |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  const unmatched: string[] = [];
  for (const b of pooled(beforeFiles)) {
    const a = afterByKey.get(keyOf(b));
    afterByKey.delete(keyOf(b));
    if (!a) {
      unmatched.push(`only before: ${keyOf(b)}`);
      continue;
    }
    console.log(`| ${b.name} | ${b.backend} | ${show(b)} | ${show(a)} | ${slowdown(b, a).toFixed(2)} |`);
  }
  for (const key of afterByKey.keys()) unmatched.push(`only after: ${key}`);
  if (unmatched.length) console.log(`\n${unmatched.join('\n')}`);
}

main();
