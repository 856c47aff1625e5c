/**
 * Key-space figures from the built app in headless Chromium (WASM backend): the time to read
 * the unembedding out of the loaded ONNX bytes and normalise it (the first key-space call of a
 * fresh page), and single exact cosine top-10 queries in the worker (WebAssembly SIMD scan,
 * float64 refinement: core/keyspace/knn.ts) over the embedded
 * vocabulary and over a synthetic 50,257 × 768 matrix (GPT-2's shape). Target: < 50 ms median.
 */
import { chromium } from '@playwright/test';

import { median, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { openApp } from './openApp';
import { newReturningContext } from '../lib/returningVisitor';

const PAGE_LOADS = 3;
const QUERIES = 15;
const WARMUP_QUERIES = 3;

export async function runKeySpaceBench(appUrl: string, chromiumPath: string): Promise<Figure[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const figures: Figure[] = [];
  const url = `${appUrl}?testApi=1&backend=wasm`;
  try {
    const context = await newReturningContext(browser);
    const page = await context.newPage();
    const extract: number[] = [];
    const normalise: number[] = [];
    let backend = 'Chromium';
    let shape = '';
    for (let load = 0; load < PAGE_LOADS; load++) {
      await openApp(page, url, { labReady: true });
      const info = await page.evaluate(() => window.__tokenscope!.call('keySpaceInfo', {}));
      extract.push(info.extractMs);
      normalise.push(info.normaliseMs);
      const model = await page.evaluate(() => window.__tokenscope!.state().model!);
      backend = `Chromium ${model.backend.toUpperCase()} (${model.threads} threads, ${model.dtype}), in the worker`;
      shape = `${info.output!.vocabularySize.toLocaleString('en-US')} × ${info.output!.embeddingSize}`;
    }
    const add = (name: string, runs: number[]) =>
      figures.push({ name, backend, unit: 'ms', median: median(runs), runs });
    add(`key matrix: read from model.onnx (${shape})`, extract);
    add(`key matrix: row-normalised copy (${shape})`, normalise);
    add(
      `key matrix: read + normalise (${shape})`,
      extract.map((e, i) => e + normalise[i]),
    );
    const queries = (matrix: 'model' | 'synthetic') =>
      page.evaluate(
        async ([m, n]) => {
          const result = await window.__tokenscope!.call('benchKeyQueries', {
            matrix: m,
            queries: n,
            k: 10,
            metric: 'cosine',
          });
          return result;
        },
        [matrix, QUERIES + WARMUP_QUERIES] as const,
      );
    const model = await queries('model');
    add(
      `exact cosine top-10 query, embedded keys (${model.rows.toLocaleString('en-US')} × ${model.cols})`,
      model.queryMs.slice(WARMUP_QUERIES),
    );
    const synthetic = await queries('synthetic');
    const syntheticRuns = synthetic.buildMs > 0 ? (await queries('synthetic')).queryMs : synthetic.queryMs;
    add(
      `exact cosine top-10 query, synthetic keys (${synthetic.rows.toLocaleString('en-US')} × ${synthetic.cols}; target < 50 ms)`,
      syntheticRuns.slice(WARMUP_QUERIES),
    );
    await context.close();
  } finally {
    await browser.close();
  }
  return figures;
}
