/**
 * Figures from the built app in headless Chromium (WASM), driven through the page's test API
 * (`?testApi=1`), so they include the worker and the real message passing.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';

import type { CallKind, ParamsOf, ResultOf } from '../../src/protocol/calls';
import type { ModelInfo } from '../../src/protocol/model';
import { DEFAULT_TEXT } from '../../src/state/settings';
import type { BaselineReply, BaselineRequest } from './baseline/protocol';
import { alternate, median, repeat, withBaseline, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { newReturningContext } from '../lib/returningVisitor';
import { openApp } from './openApp';

/** Steps take milliseconds and the CPU is shared: more runs keep the medians steady. */
const STEP_RUNS = 15;
/**
 * Page loads, each side (app and bare transformers.js alternated): one cold load spreads over
 * ±15% from run to run on this machine, too much for a ratio held to 1.2× from 3 runs.
 */
const PAGE_LOAD_RUNS = 7;

/** ms from navigation start: to the first distribution on screen, and to the live model's first. */
interface PageLoadMs {
  first: number;
  live: number;
}

/**
 * Opens the app and returns ms from navigation start to its first next-token distributions. The
 * app marks them (`performance.mark`): 'tokenscope:first-distribution' when the first one is on
 * screen (a precomputed one may come before the model), 'tokenscope:first-live-distribution' when
 * the live model's is. An app without the marks is timed by polling its state (the live one, both).
 */
async function timeToFirstDistribution(page: Page, url: string): Promise<PageLoadMs> {
  await page.goto(url);
  const handle = await page.waitForFunction(
    () => {
      // No helper function in here: tsx would wrap it in a __name() the page does not have.
      const first = performance.getEntriesByName('tokenscope:first-distribution', 'mark')[0]?.startTime ?? null;
      const live = performance.getEntriesByName('tokenscope:first-live-distribution', 'mark')[0]?.startTime ?? null;
      if (live !== null) return { first: first ?? live, live };
      // A precomputed distribution is on screen: wait for the live model's mark.
      if (first !== null) return false;
      const lab = window.__tokenscope?.state().nextToken;
      const now = performance.now();
      return lab?.status === 'ready' && lab.row !== null ? { first: now, live: now } : false;
    },
    null,
    { polling: 20, timeout: 180_000 },
  );
  return (await handle.jsonValue()) as PageLoadMs;
}

/**
 * Opens the bare transformers.js baseline page (tools/bench/baseline/) and returns ms from
 * navigation start until its first forward's reply reached the page (from_pretrained of the
 * model and tokenizer, then one forward over the app's start token and default text).
 */
async function timeToBareFirstForward(page: Page, url: string): Promise<{ ms: number; load: BaselineReply }> {
  await page.goto(url);
  const handle = await page.waitForFunction(
    () => {
      const api = window.__baseline;
      if (api?.error) return { error: api.error };
      return api?.firstForwardAt != null ? { ms: api.firstForwardAt, load: api.load! } : false;
    },
    null,
    { polling: 20, timeout: 180_000 },
  );
  const result = (await handle.jsonValue()) as { ms: number; load: BaselineReply } | { error: string };
  if ('error' in result) throw new Error(`the baseline page failed: ${result.error}`);
  return result;
}

/** The baseline page's URL for what the app loaded; fails unless the app shows a model of its own models/ folder. */
function baselineUrlFor(siteUrl: string, model: ModelInfo): string {
  if (model.source.kind !== 'embedded') throw new Error(`the app loaded ${model.label}, not an embedded model`);
  const query = new URLSearchParams({
    model: model.source.id,
    dtype: model.dtype,
    threads: String(model.threads),
    text: DEFAULT_TEXT,
  });
  return `${siteUrl}?${query}`;
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

export interface BrowserBenchOptions {
  /** The bare transformers.js baseline page (tools/bench/baselineSite.ts): its rounds alternate with the app's. */
  baselineUrl?: string;
  /** Only the page loads and the engine figures (BENCH_ONLY=baseline): no slider, click or memory. */
  engineOnly?: boolean;
}

export async function runBrowserBench(
  appUrl: string,
  text: string,
  chromiumPath: string,
  options: BrowserBenchOptions = {},
): Promise<Figure[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const figures: Figure[] = [];
  let backend = 'Chromium';
  const add = (name: string, unit: Figure['unit'], runs: number[]) =>
    figures.push({ name, backend, unit, median: median(runs), runs });
  /** The app's runs, and the baseline's alternated with them when there is one. */
  const pair = async (
    runs: number,
    warmups: number,
    app: () => Promise<number>,
    bare: (() => Promise<number>) | null,
  ): Promise<{ a: number[]; b: number[] }> =>
    bare ? alternate(runs, app, bare, warmups) : { a: await repeat(runs, app, warmups), b: [] };
  const measure = async (
    name: string,
    unit: Figure['unit'],
    runs: number,
    warmups: number,
    app: () => Promise<number>,
    bare: (() => Promise<number>) | null,
  ) => {
    const { a, b } = await pair(runs, warmups, app, bare);
    const figure: Figure = { name, backend, unit, median: median(a), runs: a };
    figures.push(b.length > 0 ? withBaseline(figure, b) : figure);
  };
  const url = `${appUrl}?testApi=1&backend=wasm`;
  /** Set by the first cold app load: the baseline loads what the app loaded. */
  let baselineUrl: string | null = null;
  let appFirstIds: number[] = [];
  const checkBareLoad = (load: BaselineReply) => {
    if (!load.crossOriginIsolated) throw new Error('the baseline page is not cross-origin isolated');
    if (load.ids?.join() !== appFirstIds.join())
      throw new Error(`the baseline's first forward ran on other ids than the app's (${load.ids} vs ${appFirstIds})`);
  };
  try {
    // Cold: a fresh context has an empty HTTP cache, Cache Storage and compiled-wasm cache.
    const coldFirst: number[] = [];
    const coldLive = await pair(
      PAGE_LOAD_RUNS,
      0,
      async () => {
        const context = await newReturningContext(browser);
        try {
          const page = await context.newPage();
          const times = await timeToFirstDistribution(page, url);
          if (options.baselineUrl && baselineUrl === null) {
            const { model, startTokenId, analysedIds } = await page.evaluate(() => {
              const state = window.__tokenscope!.state();
              return {
                model: state.model!,
                startTokenId: state.nextToken.analysis!.startTokenId,
                analysedIds: state.nextToken.analysedIds,
              };
            });
            baselineUrl = baselineUrlFor(options.baselineUrl, model);
            appFirstIds = [startTokenId, ...analysedIds];
          }
          coldFirst.push(times.first);
          return times.live;
        } finally {
          await context.close();
        }
      },
      options.baselineUrl
        ? async () => {
            const context = await newReturningContext(browser);
            try {
              const { ms, load } = await timeToBareFirstForward(await context.newPage(), baselineUrl!);
              checkBareLoad(load);
              return ms;
            } finally {
              await context.close();
            }
          }
        : null,
    );
    const context = await newReturningContext(browser);
    const page = await context.newPage();
    await timeToFirstDistribution(page, url);
    const bareContext = options.baselineUrl ? await newReturningContext(browser) : null;
    const barePage = bareContext ? await bareContext.newPage() : null;
    if (barePage) await timeToBareFirstForward(barePage, baselineUrl!);
    const warmFirst: number[] = [];
    const warmLive = await pair(
      PAGE_LOAD_RUNS,
      0,
      async () => {
        const times = await timeToFirstDistribution(page, url);
        warmFirst.push(times.first);
        return times.live;
      },
      barePage ? async () => (await timeToBareFirstForward(barePage, baselineUrl!)).ms : null,
    );
    const model = await page.evaluate(() => window.__tokenscope!.state().model!);
    backend = `Chromium ${model.backend.toUpperCase()} (${model.threads} threads, ${model.dtype})`;
    if (barePage) {
      const load = await barePage.evaluate(() => window.__baseline!.load!);
      if (load.threads !== model.threads)
        throw new Error(`the baseline ran ${load.threads} threads, the app ${model.threads}`);
    }
    add('page load → first distribution, cold cache', 'ms', coldFirst);
    add('page load → first distribution, warm cache', 'ms', warmFirst);
    const live = (name: string, runs: { a: number[]; b: number[] }) => {
      const figure: Figure = { name, backend, unit: 'ms', median: median(runs.a), runs: runs.a };
      figures.push(runs.b.length > 0 ? withBaseline(figure, runs.b) : figure);
    };
    live("page load → live model's first distribution, cold cache", coldLive);
    live("page load → live model's first distribution, warm cache", warmLive);
    // What follows measures a steady page: not while the offline copy is still being saved.
    await waitForOfflineCopy(page);

    if (!options.engineOnly) {
      add(
        'slider move → bars re-rendered and laid out (no model call)',
        'ms',
        await repeat(STEP_RUNS, () => sliderToRepaintMs(page), 2),
      );
      add('click on a candidate → next distribution', 'ms', await repeat(7, () => candidateToDistributionMs(page), 1));
    }

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
    /** The baseline's worker time for a request (null without a baseline). */
    const bare = (request: BaselineRequest) =>
      barePage ? () => barePage.evaluate(async (r) => (await window.__baseline!.call(r)).elapsedMs, request) : null;
    const { ids } = await call('tokenize', { text });
    if (barePage) {
      const bareIds = await barePage.evaluate(
        async (t) => (await window.__baseline!.call({ kind: 'tokenize', text: t })).ids!,
        text,
      );
      if (bareIds.join() !== ids.join()) throw new Error("the baseline's tokenizer gave other ids than the app's");
    }
    const window256 = ids.slice(0, 256);
    await measure(
      `forward over ${window256.length} tokens (engine)`,
      'ms',
      9,
      2,
      () => elapsedMs('forward', { ids: window256 }),
      bare({ kind: 'forward', ids: window256 }),
    );
    await measure(
      `forward over ${window256.length} tokens (round trip, logits transferred)`,
      'ms',
      7,
      1,
      () =>
        page.evaluate(async (input) => {
          const started = performance.now();
          await window.__tokenscope!.call('forward', { ids: input });
          return performance.now() - started;
        }, window256),
      barePage
        ? () =>
            barePage.evaluate(async (input) => {
              const started = performance.now();
              await window.__baseline!.call({ kind: 'forward', ids: input, transfer: true });
              return performance.now() - started;
            }, window256)
        : null,
    );
    for (const n of [32, 256]) {
      await measure(
        `KV-cached step at ${n} tokens`,
        'ms',
        STEP_RUNS,
        1,
        async () => {
          await elapsedMs('step', { ids: ids.slice(0, n - 1) });
          return elapsedMs('step', { ids: ids.slice(0, n) });
        },
        bare({ kind: 'step', ids: ids.slice(0, n) }),
      );
      await measure(
        `full recompute at ${n} tokens`,
        'ms',
        STEP_RUNS,
        1,
        () => elapsedMs('step', { ids: ids.slice(0, n), useCache: false }),
        bare({ kind: 'forward', ids: ids.slice(0, n) }),
      );
    }
    const scored = ids.slice(0, 2000);
    const tokensPerSecond = (ms: number) => (scored.length - 1) / (ms / 1000);
    const bareScore = bare({ kind: 'score', ids: scored });
    await measure(
      `score ${scored.length} tokens (throughput)`,
      'tokens/s',
      3,
      1,
      async () => tokensPerSecond(await elapsedMs('score', { ids: scored, topK: 5 })),
      bareScore ? async () => tokensPerSecond(await bareScore()) : null,
    );
    // The baseline's renderer must not count in the app's memory.
    await bareContext?.close();
    if (!options.engineOnly) add('peak memory (renderer processes, VmHWM)', 'MB', [await rendererPeakMB(browser)]);
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
    await openApp(page, `${appUrl}?testApi=1&backend=wasm`);
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
