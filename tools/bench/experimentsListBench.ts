/**
 * The experiments list at 10,000 records in the built app (Chromium, IndexedDB on disk in a
 * profile folder of its own, as a person's browser has it: a fresh Playwright context keeps
 * IndexedDB in memory). The records come in through the app's own import (five files of
 * 2,000 realistic records, 300 positions each); then the time from a click on the
 * Experiments tab to its rows on screen: coming back to the tab (the list already read), in
 * a new tab (the first screen comes from the list index), and after a browser restart (the
 * database opens cold), with how long a new tab takes to read the whole list and its longest
 * main-thread task meanwhile.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { openApp } from './openApp';

import { exampleExportFile } from '../../src/storage/exampleFiles';
import { median, repeat, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { markTourSeen } from '../lib/returningVisitor';

const RECORDS = 10_000;
const RECORDS_PER_FILE = 2_000;
const SWITCH_RUNS = 9;
const NEW_TAB_RUNS = 3;
const RESTART_RUNS = 3;

interface TabSwitch {
  /** Click → the first frame with list rows in the DOM. */
  rowsMs: number;
  /** Click → the first frame with the whole list read (data-complete). */
  completeMs: number;
  /** Longest task on the main thread between the click and the whole list (the longtask observer's resolution: over 50 ms). */
  longestTaskMs: number;
}

/** Clicks the Experiments tab and times, frame by frame, until its rows are on screen and the whole list is read. */
function switchToExperiments(page: Page): Promise<TabSwitch> {
  return page.evaluate(async () => {
    const tasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    const start = performance.now();
    document.querySelector<HTMLElement>('[data-testid="nav.view.experiments"]')!.click();
    // Inline loops, no named helper: tsx would wrap a named function in a __name() the page lacks.
    while (!document.querySelector('[data-testid="experiments.row"]'))
      await new Promise((resolve) => requestAnimationFrame(resolve));
    const rowsMs = performance.now() - start;
    while (!document.querySelector('[data-testid="experiments.scroll"][data-complete="true"]'))
      await new Promise((resolve) => requestAnimationFrame(resolve));
    const completeMs = performance.now() - start;
    observer.disconnect();
    return { rowsMs, completeMs, longestTaskMs: Math.max(0, ...tasks) };
  });
}

async function openAppSettled(page: Page, appUrl: string): Promise<void> {
  await openApp(page, `${appUrl}?testApi=1&backend=wasm`);
  await page.waitForTimeout(1_000); // the model load's last renders settle
}

function launch(profile: string, chromiumPath: string): Promise<BrowserContext> {
  return chromium
    .launchPersistentContext(profile, { executablePath: chromiumPath, args: CHROMIUM_FLAGS })
    .then(markTourSeen);
}

export async function runExperimentsListBench(appUrl: string, chromiumPath: string): Promise<Figure[]> {
  const folder = mkdtempSync(join(tmpdir(), 'tokenscope-bench-list-'));
  const profile = join(folder, 'profile');
  let context = await launch(profile, chromiumPath);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await openAppSettled(page, appUrl);
    await page.getByTestId('nav.view.experiments').click();

    const importMs: number[] = [];
    for (let firstIndex = 0; firstIndex < RECORDS; firstIndex += RECORDS_PER_FILE) {
      const path = join(folder, `bench-${firstIndex}.json`);
      writeFileSync(path, exampleExportFile(RECORDS_PER_FILE, { idPrefix: 'bench', namePrefix: 'Bench', firstIndex }));
      const started = Date.now();
      await page.getByTestId('experiments.import').setInputFiles(path);
      await page
        .getByTestId('experiments.notice')
        .filter({
          hasText: `Imported ${RECORDS_PER_FILE.toLocaleString('en-US')} experiments from bench-${firstIndex}.json`,
        })
        .waitFor({ timeout: 600_000 });
      importMs.push(Date.now() - started);
    }
    await page.locator(`[data-testid="experiments.count"][data-count="${RECORDS}"]`).waitFor({ timeout: 120_000 });

    const switches = await repeat(
      SWITCH_RUNS,
      async () => {
        await page.getByTestId('nav.view.lab').click();
        await page.waitForTimeout(300);
        return (await switchToExperiments(page)).rowsMs;
      },
      1,
    );

    const newTabs: TabSwitch[] = [];
    for (let i = 0; i < NEW_TAB_RUNS; i++) {
      const tab = await context.newPage();
      await openAppSettled(tab, appUrl);
      newTabs.push(await switchToExperiments(tab));
      await tab.close();
    }

    const restarts: TabSwitch[] = [];
    for (let i = 0; i < RESTART_RUNS; i++) {
      await context.close();
      context = await launch(profile, chromiumPath);
      const tab = context.pages()[0] ?? (await context.newPage());
      await openAppSettled(tab, appUrl);
      restarts.push(await switchToExperiments(tab));
    }
    const row = (name: string, runs: number[]): Figure => ({
      name,
      backend: 'Chromium IndexedDB',
      unit: 'ms',
      median: median(runs),
      runs,
    });
    return [
      row(`experiments: import ${RECORDS_PER_FILE.toLocaleString('en-US')} records (one file)`, importMs),
      row('experiments list at 10,000 records: back to the tab, rows on screen', switches),
      row(
        'experiments list at 10,000 records: first list in a new tab, rows on screen',
        newTabs.map((t) => t.rowsMs),
      ),
      row(
        'experiments list at 10,000 records: first list after a browser restart, rows on screen',
        restarts.map((t) => t.rowsMs),
      ),
      row(
        'experiments list at 10,000 records: new tab, whole list read',
        newTabs.map((t) => t.completeMs),
      ),
      row(
        'experiments list at 10,000 records: new tab, longest main-thread task',
        newTabs.map((t) => t.longestTaskMs),
      ),
    ];
  } finally {
    await context.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
