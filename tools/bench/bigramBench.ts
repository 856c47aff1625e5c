/**
 * Bigram and layer figures (issue 7): context-1 bigram predictions for a 1,000-token text
 * (a fresh model, so no row comes from the per-model cache; and again with the cache warm),
 * and the layer analysis over 512 positions (hidden states, logit lens, KL, recall, cosine
 * curves, covariance similarity), in the built app (Chromium WASM, through the worker) and
 * under Node (the CLI's engine).
 */
import { chromium, type Page } from '@playwright/test';
import { cpus } from 'node:os';

import { createNodeRuntime } from '../../src/engine/nodeRuntime';
import { Engine } from '../../src/engine/engine';
import { median, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { openApp } from './openApp';
import { newReturningContext } from '../lib/returningVisitor';

const RUNS = 3;
const BIGRAM_TOKENS = 1000;
const LAYER_POSITIONS = 512;

export async function runBigramBrowserBench(appUrl: string, text: string, chromiumPath: string): Promise<Figure[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const figures: Figure[] = [];
  try {
    const page = await (await newReturningContext(browser)).newPage();
    const fresh: number[] = [];
    const cached: number[] = [];
    const layers: number[] = [];
    const layersFull: number[] = [];
    let backend = 'Chromium';
    for (let run = 0; run < RUNS; run++) {
      // A fresh page loads the model again: the context-1 rows start uncached.
      await openApp(page, `${appUrl}?testApi=1&backend=wasm`, { labReady: true });
      const model = await page.evaluate(() => window.__tokenscope!.state().model!);
      backend = `Chromium ${model.backend.toUpperCase()} (${model.threads} threads, ${model.dtype}), worker`;
      // NOTE: no named functions inside evaluate: tsx's helpers (__name) do not exist in the page.
      const times = await page.evaluate(
        async ([t, n, positions, full]) => {
          const api = window.__tokenscope!;
          const { ids } = await api.call('tokenize', { text: t });
          const bigramIds = ids.slice(0, n);
          // The tokens after the comparison's: no window the comparison ran is reused, so these
          // figures time the layer analysis itself (the click figures below time the reuse).
          const layerIds = ids.slice(n, n + positions);
          if (layerIds.length < positions) throw new Error(`the text has only ${ids.length} tokens`);
          const marks = [performance.now()];
          await api.call('bigramAnalyze', { ids: bigramIds });
          marks.push(performance.now());
          await api.call('bigramAnalyze', { ids: bigramIds });
          marks.push(performance.now());
          await api.call('layerLens', { ids: layerIds, position: positions - 1, maxPositions: positions });
          marks.push(performance.now());
          if (full)
            await api.call('layerLens', {
              ids: layerIds,
              position: positions - 1,
              maxPositions: positions,
              lensPositions: positions,
            });
          marks.push(performance.now());
          return {
            fresh: marks[1] - marks[0],
            cached: marks[2] - marks[1],
            layers: marks[3] - marks[2],
            layersFull: full ? marks[4] - marks[3] : NaN,
          };
        },
        [text, BIGRAM_TOKENS, LAYER_POSITIONS, run === 0] as const,
      );
      fresh.push(times.fresh);
      cached.push(times.cached);
      layers.push(times.layers);
      if (Number.isFinite(times.layersFull)) layersFull.push(times.layersFull);
    }
    const add = (name: string, runs: number[]) =>
      figures.push({ name, backend, unit: 'ms', median: median(runs), runs });
    add(`bigram predictions, ${BIGRAM_TOKENS} tokens (full context + context-1, fresh model)`, fresh);
    add(`bigram predictions, ${BIGRAM_TOKENS} tokens (context-1 rows cached)`, cached);
    add(`layer analysis, ${LAYER_POSITIONS} positions (lens statistics on 128)`, layers);
    add(`layer analysis, ${LAYER_POSITIONS} positions (lens statistics on all ${LAYER_POSITIONS})`, layersFull);
    const firstViews = await firstLayerViewRuns(page, appUrl, text);
    add(
      FIRST_LAYER_TABLE_FIGURE,
      firstViews.map((run) => run.tableMs),
    );
    add(
      FIRST_LAYER_VIEW_FIGURE,
      firstViews.map((run) => run.readyMs),
    );
  } finally {
    await browser.close();
  }
  return figures;
}

export const FIRST_LAYER_VIEW_FIGURE =
  'layer view: click on a token → its layers on screen (fresh page, 3,000 characters)';
export const FIRST_LAYER_TABLE_FIGURE =
  "layer view: click on a token → its position's layer table on screen (fresh page, 3,000 characters)";

/**
 * What a user waits for in the view: a fresh page, the bigram view compares a 3,000-character
 * text (about 600 tokens), then a click on a token in its middle until the clicked position's
 * layer table is shown (data-table-status), and until the layer view says ready (hidden
 * states, lens statistics over 128 of the 512 positions around it, covariance, the charts).
 */
async function firstLayerViewRuns(
  page: Page,
  appUrl: string,
  text: string,
): Promise<{ tableMs: number; readyMs: number }[]> {
  const runs: { tableMs: number; readyMs: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    await openApp(page, `${appUrl}?testApi=1&backend=wasm`, { labReady: true });
    await page.getByTestId('nav.view.bigram').click();
    await page.getByTestId('bigram.text').fill(text.slice(0, 3_000));
    await page.getByTestId('bigram.compare').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="bigram.chip"]').length > 400, null, {
      timeout: 180_000,
    });
    runs.push(
      await page.evaluate(async () => {
        const chip = document.querySelectorAll<HTMLElement>('[data-testid="bigram.chip"]')[300];
        const started = performance.now();
        chip.click();
        let tableMs = NaN;
        for (;;) {
          // "ready" only once the result is the clicked position's (LayerView's status).
          const detail = document.querySelector('[data-testid="bigram.detail"]');
          const layers = document.querySelector('[data-testid="bigram.layers"]');
          const here = detail?.getAttribute('data-position') === '300';
          if (Number.isNaN(tableMs) && here && layers?.getAttribute('data-table-status') === 'ready') {
            await new Promise((resolve) => requestAnimationFrame(resolve));
            tableMs = performance.now() - started;
          }
          if (here && layers?.getAttribute('data-status') === 'ready') break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await new Promise((resolve) => requestAnimationFrame(resolve));
        return { tableMs, readyMs: performance.now() - started };
      }),
    );
  }
  return runs;
}

export async function runBigramNodeBench(text: string, modelId: string): Promise<Figure[]> {
  const backend = `Node CLI (onnxruntime-node, ${cpus().length} cores)`;
  const engine = new Engine(createNodeRuntime());
  const fresh: number[] = [];
  const layers: number[] = [];
  let layersFull = NaN;
  for (let run = 0; run < RUNS; run++) {
    await engine.load({ source: { kind: 'embedded', id: modelId }, backend: 'wasm', dtype: 'auto' });
    const { ids } = engine.tokenize({ text });
    fresh.push((await engine.bigramAnalyzer().analyze(ids.slice(0, BIGRAM_TOKENS))).elapsedMs);
    // After the comparison's tokens, as in the browser figures: no window of it is reused.
    const layerIds = ids.slice(BIGRAM_TOKENS, BIGRAM_TOKENS + LAYER_POSITIONS);
    layers.push(
      (
        await engine
          .bigramAnalyzer()
          .lens({ ids: layerIds, position: LAYER_POSITIONS - 1, maxPositions: LAYER_POSITIONS })
      ).elapsedMs,
    );
    if (run === 0)
      layersFull = (
        await engine.bigramAnalyzer().lens({
          ids: layerIds,
          position: LAYER_POSITIONS - 1,
          maxPositions: LAYER_POSITIONS,
          lensPositions: LAYER_POSITIONS,
        })
      ).elapsedMs;
  }
  await engine.unload();
  return [
    {
      name: `bigram predictions, ${BIGRAM_TOKENS} tokens (full context + context-1, fresh model)`,
      backend,
      unit: 'ms',
      median: median(fresh),
      runs: fresh,
    },
    {
      name: `layer analysis, ${LAYER_POSITIONS} positions (lens statistics on 128)`,
      backend,
      unit: 'ms',
      median: median(layers),
      runs: layers,
    },
    {
      name: `layer analysis, ${LAYER_POSITIONS} positions (lens statistics on all ${LAYER_POSITIONS})`,
      backend,
      unit: 'ms',
      median: layersFull,
      runs: [layersFull],
    },
  ];
}
