/**
 * A 1024 × 700 window (a laptop beside a projector): no view is wider than the window, and the
 * model picker lies over the lab instead of squeezing its bar chart.
 */
import { expect, test } from '@playwright/test';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

test.use({ viewport: { width: 1024, height: 700 } });

test('at 1024 px the tokenizer metrics scroll in their own box and Models leaves the bars their width', async ({
  page,
}) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.expectDistribution();
  const barsWidth = async () => (await app.chart.boundingBox())!.width;
  const before = await barsWidth();
  await app.openModels();
  // The picker covers part of the view; the chart underneath keeps its width.
  expect(await barsWidth()).toBe(before);
  expect(before).toBeGreaterThan(400);
  await page.getByTestId('nav.models').click();

  await page.getByTestId('nav.view.tokenizers').click();
  await expect(page.getByTestId('tokenizers.metrics.row').first()).toBeVisible();
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: innerWidth }));
  expect(widths.page).toBe(widths.window);
});
