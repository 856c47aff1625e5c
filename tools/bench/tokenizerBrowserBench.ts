/**
 * The tokenizer lab's model figures from the built app in headless Chromium (WASM backend),
 * timed in the worker: the exact next byte on the loaded model for each demo prompt (forward
 * passes and ms, through `tokenizerLabNextBytesBoth`, whose first column is the loaded model), and two
 * models on the benchmark text (`tokenizerLabCompareModels`: sotu-gpt and sotu-bytes, each scoring it).
 */
import { chromium } from '@playwright/test';

import { BIAS_DEMO_PROMPTS } from '../../src/core/tokenizers/biasLens';
import { median, type Figure } from './stats';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';

const RUNS = 3;
const OTHER = { kind: 'embedded' as const, id: 'sotu-bytes' };

export async function runTokenizerBrowserBench(appUrl: string, text: string, chromiumPath: string): Promise<Figure[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const figures: Figure[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`${appUrl}?testApi=1&backend=wasm`);
    await page.waitForFunction(() => window.__tokenscope?.state().model !== null, null, {
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
