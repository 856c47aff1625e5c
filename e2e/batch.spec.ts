/**
 * Batch runs (issue 18): the bundled false-belief set on the default embedded model at four
 * temperatures with 3 samples, the page reloaded in the middle of the run (a crash as far as
 * the run can tell) after a pause and a resume, resumed from the stored results, and the finished table compared with the
 * CLI's for the same batch file: per cell the samples, matched counts, distinct completions,
 * accuracy and mean entropy as the table shows them, and each task's completion exactly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parseBatchDefinition } from '../src/core/batch/definition';
import { parseResultFile, type SampleResult, type TableRow } from '../src/core/batch/results';
import { formatAccuracy, formatBits } from '../src/features/batch/batchFormat';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

interface CellOnScreen {
  cell: string;
  samples: number;
  judged: number;
  matched: number;
  distinct: number;
  accuracy: string;
  entropy: string;
}

async function tableOnScreen(page: Page): Promise<CellOnScreen[]> {
  return page.getByTestId('batch.cell').evaluateAll((rows) =>
    rows.map((row) => ({
      cell: row.getAttribute('data-cell')!,
      samples: Number(row.getAttribute('data-samples')),
      judged: Number(row.getAttribute('data-judged')),
      matched: Number(row.getAttribute('data-matched')),
      distinct: Number(row.getAttribute('data-distinct')),
      accuracy: row.querySelector('[data-testid="batch.cell.accuracy"]')!.textContent!,
      entropy: row.querySelector('[data-testid="batch.cell.entropy"]')!.textContent!,
    })),
  );
}

const asShown = (rows: TableRow[]): CellOnScreen[] =>
  rows.map((r) => ({
    cell: r.cellKey,
    samples: r.samples,
    judged: r.judged,
    matched: r.matched,
    distinct: r.distinctCompletions,
    accuracy: formatAccuracy(r.accuracy),
    entropy: formatBits(r.meanEntropyBits),
  }));

function cli(args: string[]): string {
  return execFileSync('npx', ['tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('the ToM set: run, pause, resume, reload mid-run, resume, and the table equals the CLI’s', async ({ page }) => {
  test.setTimeout(360_000);
  // Read as the CLI's bundled:tom is (Playwright's loader does not take the JSON import of core/batch/examples).
  const tom = parseBatchDefinition(readFileSync('src/core/batch/examples/tom.json', 'utf8'));
  expect(tom.models.map((m) => m.id)).toEqual([DEFAULT_MODEL]);
  expect(tom.grid.temperature).toEqual([0.01, 0.5, 1, 2]);
  expect(tom.samplesPerCell).toBe(3);
  const total = tom.prompts.length * 4 * 3;
  const app = new TokenscopePage(page);
  const item = page.getByTestId('batch.item').first();

  // The CLI's file for the same batch, made first: the browser's run is compared with it at the end.
  const dir = mkdtempSync(join(tmpdir(), 'tokenscope-batch-e2e-'));
  const cliFile = join(dir, 'cli.jsonl');
  cli(['batch', 'run', 'bundled:tom', '--out', cliFile, '--quiet']);
  const cliTable = JSON.parse(cli(['batch', 'table', cliFile])) as {
    batch: string;
    samples: number;
    cells: TableRow[];
  };
  const cliResults = parseResultFile(readFileSync(cliFile, 'utf8'), cliFile).results;
  expect(cliTable.samples).toBe(total);

  await test.step('start the bundled set, pause, resume, and reload once more samples are stored', async () => {
    await app.open();
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.batch').click();
    await page.getByTestId('batch.bundled.tom').click();
    const progress = page.getByTestId('batch.progress');
    const done = async () => Number(await progress.getAttribute('data-samples-done'));
    await expect(progress).toBeVisible();
    await expect.poll(done, { timeout: 120_000, intervals: [50] }).toBeGreaterThanOrEqual(6);
    await page.getByTestId('batch.pause').click();
    await expect(item).toHaveAttribute('data-status', 'paused');
    await expect(page.getByTestId('batch.notice')).toContainText('is paused');
    const paused = Number(await item.getAttribute('data-stored'));
    expect(paused).toBeGreaterThanOrEqual(6);
    await item.getByTestId('batch.item.resume').click();
    await expect.poll(done, { timeout: 120_000, intervals: [50] }).toBeGreaterThanOrEqual(paused + 18);
    await page.reload();
  });

  let storedBefore = 0;
  await test.step('after the reload the batch is interrupted with its samples stored; Resume finishes it', async () => {
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.batch').click();
    await expect(item).toHaveAttribute('data-status', 'interrupted');
    storedBefore = Number(await item.getAttribute('data-stored'));
    expect(storedBefore).toBeGreaterThanOrEqual(24);
    expect(storedBefore).toBeLessThan(total);
    await item.getByTestId('batch.item.resume').click();
    await expect(item).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
    await expect(item).toHaveAttribute('data-stored', String(total));
    await expect(page.getByTestId('batch.notice')).toContainText(
      `${total} samples (${total - storedBefore} run now, ${storedBefore} stored before)`,
    );
    await expect(page.getByTestId('batch.results')).toHaveAttribute('data-samples', String(total));
  });

  let browserResults: SampleResult[] = [];
  await test.step('the table and every completion equal the CLI’s', async () => {
    expect(await tableOnScreen(page)).toEqual(asShown(cliTable.cells));
    const download = page.waitForEvent('download');
    await page.getByTestId('batch.export.jsonl').click();
    const text = readFileSync(await (await download).path(), 'utf8');
    browserResults = parseResultFile(text, 'the browser export').results;
    expect(browserResults.map((r) => r.task)).toEqual(cliResults.map((r) => r.task));
    expect(browserResults[0].batch).toBe(cliTable.batch);
    const differing = browserResults.filter(
      (r, i) => r.completion !== cliResults[i].completion || r.tokenIds.join() !== cliResults[i].tokenIds.join(),
    );
    expect(differing.map((r) => `task ${r.task}: ${JSON.stringify(r.completion)}`)).toEqual([]);
    let largest = 0;
    browserResults.forEach((r, i) =>
      r.logProbs.forEach(
        (lp, j) =>
          (largest = Math.max(
            largest,
            Math.abs(lp - cliResults[i].logProbs[j]),
            Math.abs(r.entropyBits[j] - cliResults[i].entropyBits[j]),
          )),
      ),
    );
    expect(largest).toBeLessThan(1e-3);
    const identicalLines = browserResults.filter((r, i) => JSON.stringify(r) === JSON.stringify(cliResults[i])).length;
    test.info().annotations.push({
      type: 'logits',
      description: `stored at the reload: ${storedBefore}; largest |Δ log p| or |Δ entropy| browser vs CLI: ${largest.toExponential(2)}; byte-identical lines: ${identicalLines} of ${total}`,
    });
  });

  await test.step('the CLI’s file imported shows the same table, and compares cell by cell with the browser’s batch', async () => {
    await page.getByTestId('batch.import').setInputFiles(cliFile);
    await expect(page.getByTestId('batch.notice')).toContainText(`Imported ${total} results from cli.jsonl`);
    await expect(page.getByTestId('batch.results')).toHaveAttribute('data-batch', 'imported-file');
    expect(await tableOnScreen(page)).toEqual(asShown(cliTable.cells));
    await item.getByTestId('batch.item.pick').check();
    await page.getByTestId('batch.item.imported').getByRole('checkbox').check();
    await page.getByTestId('batch.compare').click();
    const cells = page.getByTestId('batch.comparison.cell');
    await expect(cells).toHaveCount(4);
    for (const text of await cells.allTextContents()) expect(text).not.toContain('not in');
  });

  await test.step('delete asks first, then removes the batch and its results', async () => {
    await item.getByTestId('batch.item.delete').click();
    await item.getByTestId('batch.item.delete.confirm').click();
    await expect(page.getByTestId('batch.item')).toHaveCount(0);
  });
});
