/**
 * Figures from the built app in headless Chromium (WASM), driven through the page's test API
 * (`?testApi=1`), so they include the worker and the real message passing.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';

import type { CallKind, ParamsOf, ResultOf } from '../../src/protocol/calls';
import { median, repeat, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { newReturningContext } from '../lib/returningVisitor';

/** Steps take milliseconds and the CPU is shared: more runs keep the medians steady. */
const STEP_RUNS = 15;

/** Opens the app and returns ms from navigation start to the first next-token distribution. */
async function timeToFirstDistribution(page: Page, url: string): Promise<number> {
  await page.goto(url);
  const handle = await page.waitForFunction(
    () =>
      window.__tokenscope?.state().nextToken.status === 'ready' && window.__tokenscope?.state().nextToken.row !== null
        ? performance.now()
        : false,
    null,
    { polling: 20, timeout: 180_000 },
  );
  return (await handle.jsonValue()) as number;
}

let sliderFlip = false;

/**
 * Moves the temperature slider (as a user's input event does) and returns the ms until the
 * bars are re-rendered from the kept logits and laid out (React flushes a discrete input
 * event synchronously; reading the chart's box forces style and layout). The paint itself
 * follows at the next display frame, which a frame wait would only quantise to 16.7 ms.
 * Fails if the bars did not change.
 */
async function sliderToRepaintMs(page: Page): Promise<number> {
  sliderFlip = !sliderFlip;
  return page.evaluate(
    async (value) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="sampling.temperature"]')!;
      const before = document.querySelector('[data-testid="distribution.bar"]')!.getAttribute('data-shown-probability');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      const started = performance.now();
      setValue.call(input, String(value));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      document.querySelector('.probability-bars')!.getBoundingClientRect();
      const elapsed = performance.now() - started;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (document.querySelector('[data-testid="distribution.bar"]')!.getAttribute('data-shown-probability') === before)
        throw new Error('the bars did not change');
      return elapsed;
    },
    sliderFlip ? 0.7 : 1.3,
  );
}

/** Clicks the most probable candidate at the end of the text and returns the ms until its successor's distribution is on screen; then walks back. */
async function candidateToDistributionMs(page: Page): Promise<number> {
  const elapsed = await page.evaluate(async () => {
    const api = window.__tokenscope!;
    const length = api.state().nextToken.analysedIds.length;
    const started = performance.now();
    document
      .querySelector<SVGElement>('[data-testid="distribution.bar"]')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    for (;;) {
      const lab = api.state().nextToken;
      if (lab.status === 'ready' && lab.analysedIds.length === length + 1 && lab.row?.position === length + 1) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - started;
  });
  await page.getByTestId('branch.root').click();
  await page.waitForFunction(
    () =>
      window.__tokenscope!.state().nextToken.tree.currentId === 0 &&
      window.__tokenscope!.state().nextToken.status === 'ready' &&
      window.__tokenscope!.state().nextToken.row !== null,
  );
  return elapsed;
}

/** Peak resident memory (VmHWM) of the browser's renderer processes, in MB. */
async function rendererPeakMB(browser: Browser): Promise<number> {
  const session = await browser.newBrowserCDPSession();
  const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  let kb = 0;
  for (const process of processInfo.filter((p) => p.type === 'renderer')) {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${process.id}/status`, 'utf8'));
      kb += match ? Number(match[1]) : 0;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kb / 1024;
}

/**
 * Waits until the service worker has saved the offline copy (the badge says ready and its size
 * has not changed for a second): saving the model and ONNX Runtime in the background after the
 * first load would otherwise run beside the next measurements. Returns at once without a badge.
 */
async function waitForOfflineCopy(page: Page, timeoutMs = 60_000): Promise<void> {
  const badge = page.getByTestId('offline.badge');
  const bytes = () => badge.getAttribute('data-bytes', { timeout: 1_000 }).catch(() => null);
  const started = Date.now();
  let last: string | null = null;
  while (Date.now() - started < timeoutMs) {
    if ((await badge.count()) === 0) return;
    const now = (await badge.getAttribute('data-status')) === 'ready' ? await bytes() : null;
    if (now !== null && now !== '0' && now === last) return;
    last = now;
    await page.waitForTimeout(1_000);
  }
}

export async function runBrowserBench(appUrl: string, text: string, chromiumPath: string): Promise<Figure[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const figures: Figure[] = [];
  let backend = 'Chromium';
  const add = (name: string, unit: Figure['unit'], runs: number[]) =>
    figures.push({ name, backend, unit, median: median(runs), runs });
  const url = `${appUrl}?testApi=1&backend=wasm`;
  try {
    // Cold: a fresh context has an empty HTTP cache and no compiled-wasm cache.
    const coldRuns = await repeat(3, async () => {
      const context = await newReturningContext(browser);
      try {
        return await timeToFirstDistribution(await context.newPage(), url);
      } finally {
        await context.close();
      }
    });
    const context = await newReturningContext(browser);
    const page = await context.newPage();
    await timeToFirstDistribution(page, url);
    const warmRuns = await repeat(3, () => timeToFirstDistribution(page, url));
    const model = await page.evaluate(() => window.__tokenscope!.state().model!);
    backend = `Chromium ${model.backend.toUpperCase()} (${model.threads} threads, ${model.dtype})`;
    add('page load → first distribution, cold cache', 'ms', coldRuns);
    add('page load → first distribution, warm cache', 'ms', warmRuns);
    // What follows measures a steady page: not while the offline copy is still being saved.
    await waitForOfflineCopy(page);

    add(
      'slider move → bars re-rendered and laid out (no model call)',
      'ms',
      await repeat(STEP_RUNS, () => sliderToRepaintMs(page), 2),
    );
    add('click on a candidate → next distribution', 'ms', await repeat(7, () => candidateToDistributionMs(page), 1));

    const call = <K extends CallKind>(kind: K, params: ParamsOf<K>) =>
      page.evaluate(([k, p]) => window.__tokenscope!.call(k as K, p as never), [kind, params] as const) as Promise<
        ResultOf<K>
      >;
    // Only the engine's own timing comes back to Node: logits stay in the page.
    const elapsedMs = (
      kind: 'forward' | 'step' | 'score',
      params: ParamsOf<'forward'> | ParamsOf<'step'> | ParamsOf<'score'>,
    ) =>
      page.evaluate(
        async ([k, p]) => ((await window.__tokenscope!.call(k, p as never)) as { elapsedMs: number }).elapsedMs,
        [kind, params] as const,
      );
    const { ids } = await call('tokenize', { text });
    const window256 = ids.slice(0, 256);
    add(
      `forward over ${window256.length} tokens (engine)`,
      'ms',
      await repeat(9, async () => await elapsedMs('forward', { ids: window256 }), 2),
    );
    add(
      `forward over ${window256.length} tokens (round trip, logits transferred)`,
      'ms',
      await repeat(
        7,
        () =>
          page.evaluate(async (input) => {
            const started = performance.now();
            await window.__tokenscope!.call('forward', { ids: input });
            return performance.now() - started;
          }, window256),
        1,
      ),
    );
    for (const n of [32, 256]) {
      add(
        `KV-cached step at ${n} tokens`,
        'ms',
        await repeat(
          STEP_RUNS,
          async () => {
            await elapsedMs('step', { ids: ids.slice(0, n - 1) });
            return elapsedMs('step', { ids: ids.slice(0, n) });
          },
          1,
        ),
      );
      add(
        `full recompute at ${n} tokens`,
        'ms',
        await repeat(STEP_RUNS, async () => await elapsedMs('step', { ids: ids.slice(0, n), useCache: false }), 1),
      );
    }
    const scored = ids.slice(0, 2000);
    add(
      `score ${scored.length} tokens (throughput)`,
      'tokens/s',
      await repeat(
        3,
        async () => {
          return (scored.length - 1) / ((await elapsedMs('score', { ids: scored, topK: 5 })) / 1000);
        },
        1,
      ),
    );
    add('peak memory (renderer processes, VmHWM)', 'MB', [await rendererPeakMB(browser)]);
    await context.close();
  } finally {
    await browser.close();
  }
  return figures;
}

/**
 * Experiments in real IndexedDB (a database of their own, deleted after): 1,000 realistic
 * records of 300 positions each, then timed saves, lists, searches and opens (medians of 25).
 */
export async function runExperimentsBench(appUrl: string, chromiumPath: string): Promise<Figure[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  try {
    const page = await (await newReturningContext(browser)).newPage();
    await page.goto(`${appUrl}?testApi=1&backend=wasm`);
    await page.waitForFunction(() => window.__tokenscope?.state().model !== null, null, { timeout: 180_000 });
    const storage = await page.evaluate(() => window.__tokenscope!.benchmarkStorage(1_000, 25));
    const row = (name: string, median: number): Figure => ({
      name,
      backend: 'Chromium IndexedDB',
      unit: 'ms',
      median,
      runs: [median],
    });
    return [
      row('experiments: save one while filling to 1,000', storage.saveMedianMs),
      row('experiments: save one with 1,000 stored', storage.saveWhenFullMedianMs),
      row('experiments: list 1,000 stored', storage.listMedianMs),
      row('experiments: first list of 1,000 in a new tab (reads every summary)', storage.firstListMedianMs),
      row('experiments: search 1,000 stored', storage.searchMedianMs),
      row('experiments: open one of 1,000 stored', storage.getMedianMs),
    ];
  } finally {
    await browser.close();
  }
}
