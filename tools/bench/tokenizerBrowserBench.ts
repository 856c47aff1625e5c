/**
 * The tokenizer lab's figures from the built app in headless Chromium (WASM backend): every
 * shipped tokenizer's row on screen after the lab is opened in a fresh page; and, timed in the
 * worker, the exact next byte on the loaded model for each demo prompt (forward
 * passes and ms, through `tokenizerLabNextBytesBoth`, whose first column is the loaded model), and two
 * models on the benchmark text (`tokenizerLabCompareModels`: sotu-gpt and sotu-bytes, each scoring it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';

import { BIAS_DEMO_PROMPTS } from '../../src/core/tokenizers/biasLens';
import { parseTokenizerManifest } from '../../src/core/tokenizers/manifest';
import { DEFAULT_LAB_PREFS, LAB_PREFS_KEY } from '../../src/features/tokenizers/labPrefs';
import { median, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { repoRoot } from '../lib/files';
import { newReturningContext } from '../lib/returningVisitor';

const RUNS = 3;
const OTHER = { kind: 'embedded' as const, id: 'sotu-bytes' };

/** Until the offline badge's byte count stops growing: the offline copy saved in the background would share the network and the cores. */
async function waitForOfflineCopy(page: Page, timeoutMs = 60_000): Promise<void> {
  const badge = page.getByTestId('offline.badge');
  let last: string | null = null;
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    if ((await badge.count()) === 0) return;
    const now = (await badge.getAttribute('data-status')) === 'ready' ? await badge.getAttribute('data-bytes') : null;
    if (now !== null && now !== '0' && now === last) return;
    last = now;
    await page.waitForTimeout(1_000);
  }
}

/**
 * Ms from a click on the Tokenizers tab until every shipped tokenizer's row is on screen, the
 * lab's default text, each run in a fresh context (empty HTTP cache and Cache Storage) whose
 * saved selection is every shipped tokenizer. The page has shown its first distribution and
 * saved its offline copy before the click: the lab opened by a visitor who arrived a moment ago.
 */
async function labRowsFigure(browser: Browser, appUrl: string): Promise<Figure> {
  const manifest = parseTokenizerManifest(
    JSON.parse(readFileSync(join(repoRoot, 'public', 'tokenizers', 'index.json'), 'utf8')),
  );
  const ids = manifest.tokenizers.map((t) => t.id);
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await newReturningContext(browser);
    try {
      await context.addInitScript(([key, prefs]) => localStorage.setItem(key, prefs), [
        LAB_PREFS_KEY,
        JSON.stringify({ ...DEFAULT_LAB_PREFS, selected: ids }),
      ] as const);
      const page = await context.newPage();
      await page.goto(`${appUrl}?testApi=1&backend=wasm`);
      await page.waitForFunction(() => window.__tokenscope?.state().nextToken.row != null, null, {
        polling: 50,
        timeout: 180_000,
      });
      await waitForOfflineCopy(page);
      // Timed in the page: the click and the rows by a MutationObserver, no round trip to Playwright inside
      // (and no helper function: tsx would wrap it in a __name() the page does not have).
      const ms = await page.evaluate(
        (count) =>
          new Promise<number>((resolve, reject) => {
            const started = performance.now();
            const observer = new MutationObserver(() => {
              const rows = [...document.querySelectorAll('[data-testid="tokenizers.row"]')];
              if (rows.length < count) return;
              observer.disconnect();
              const failed = rows.filter((row) => row.getAttribute('data-status') !== 'ok');
              if (failed.length > 0) reject(new Error(`rows not ok: ${failed.map((r) => r.textContent).join('; ')}`));
              else resolve(performance.now() - started);
            });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true });
            (document.querySelector('[data-testid="nav.view.tokenizers"]') as HTMLElement).click();
          }),
        ids.length,
      );
      runs.push(ms);
    } finally {
      await context.close();
    }
  }
  return {
    name: `tokenizer lab: all ${ids.length} shipped tokenizers on the lab's text, fresh page`,
    backend: 'Chromium, fresh page',
    unit: 'ms',
    median: median(runs),
    runs,
  };
}

export async function runTokenizerBrowserBench(appUrl: string, text: string, chromiumPath: string): Promise<Figure[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const figures: Figure[] = [];
  try {
    figures.push(await labRowsFigure(browser, appUrl));
    const page = await browser.newPage();
    await page.goto(`${appUrl}?testApi=1&backend=wasm`);
    await page.waitForFunction(() => (window.__tokenscope?.state().model ?? null) !== null, null, {
      polling: 50,
      timeout: 180_000,
    });
    const model = await page.evaluate(() => window.__tokenscope!.state().model!);
    const backend = `Chromium ${model.backend.toUpperCase()} (${model.threads} threads), in the worker`;
    const add = (name: string, runs: number[]) =>
      figures.push({ name, backend, unit: 'ms', median: median(runs), runs });
    const nextBytes = (prompt: string) =>
      page.evaluate(([p, other]) => window.__tokenscope!.call('tokenizerLabNextBytesBoth', { prompt: p, other }), [
        prompt,
        OTHER,
      ] as const);
    await nextBytes(BIAS_DEMO_PROMPTS[0].text); // loads the second model; not timed
    for (const demo of BIAS_DEMO_PROMPTS) {
      const runs: number[] = [];
      let passes = 0;
      for (let i = 0; i < RUNS; i++) {
        const result = await nextBytes(demo.text);
        runs.push(result.models[0].elapsedMs);
        passes = result.models[0].forwardPasses;
      }
      add(`exact next byte on ${model.label} after "${demo.text}" (${passes} forward passes)`, runs);
    }
    const sample = text.slice(0, 4000);
    const compareRuns: number[] = [];
    let tokens = '';
    for (let i = 0; i < RUNS; i++) {
      const started = Date.now();
      const result = await page.evaluate(
        ([t, other]) => window.__tokenscope!.call('tokenizerLabCompareModels', { text: t, other }),
        [sample, OTHER] as const,
      );
      compareRuns.push(Date.now() - started);
      tokens = `${result.a.tokens.toLocaleString('en-US')} + ${result.b.tokens.toLocaleString('en-US')} tokens`;
    }
    add(
      `two models on ${sample.length.toLocaleString('en-US')} characters (${model.label} + sotu-bytes, ${tokens}), round trip`,
      compareRuns,
    );
  } finally {
    await browser.close();
  }
  return figures;
}
