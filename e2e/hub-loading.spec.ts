import { expect, test } from '@playwright/test';
import { HUB_URL, TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

async function hubRequests(request: import('@playwright/test').APIRequestContext): Promise<{ path: string }[]> {
  return (await request.get(`${HUB_URL}__requests`)).json();
}

test('a Hub-style load shows per-file progress and can be cancelled', async ({ page, request }) => {
  const app = new TokenscopePage(page);
  const before = (await hubRequests(request)).length;
  // 40 ms per 64 kB chunk: the 21 MB ONNX file takes ~13 s, long enough to watch and cancel.
  await app.open({ hub: `${HUB_URL}slow-40/` });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.expectDistribution();
  expect((await hubRequests(request)).length).toBe(before);

  await test.step('progress per file and in total', async () => {
    await app.loadHubModel('tokenscope/sotu-gpt', 'fp32');
    await expect(app.loadProgress).toBeVisible();
    await expect(app.fileRow('config.json')).toHaveAttribute('data-state', 'done');
    await expect(app.fileRow('tokenizer.json')).toHaveAttribute('data-state', 'done');
    const onnx = app.fileRow('onnx/model.onnx');
    await expect(onnx).toHaveAttribute('data-state', 'downloading');
    await expect.poll(async () => Number(await onnx.getAttribute('data-loaded'))).toBeGreaterThan(0);
    await expect(page.getByTestId('load.total.text')).toContainText(/of 21\.\d MB/);
  });

  await test.step('cancel stops the download and keeps the current model', async () => {
    await page.getByTestId('load.cancel').click();
    await expect(app.loadProgress).toHaveCount(0);
    await expect(app.loadError).toHaveCount(0);
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await app.typeText('Our country');
    await app.expectDistribution();
  });
});

test('a Hub-style model loads, is cached, and the cache can be cleared', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open({ hub: HUB_URL });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);

  await test.step('load from the loopback Hub', async () => {
    await app.loadHubModel('tokenscope/sotu-gpt', 'fp32');
    await app.expectModel('hub:tokenscope/sotu-gpt');
    await app.expectDistribution();
  });

  await test.step('the downloaded files are listed as cached and can be removed', async () => {
    const entry = page.locator('[data-testid="cache.entry"][data-model="tokenscope/sotu-gpt"]');
    await expect(entry).toContainText('21.');
    await page.getByTestId('cache.clear').click();
    await expect(entry).toHaveCount(0);
  });

  await test.step('a model id the Hub does not have names the missing file', async () => {
    await app.loadHubModel('tokenscope/no-such-model');
    await expect(app.loadError).toContainText('config.json');
    await expect(app.loadError).not.toContainText("Unexpected token '<'");
    await app.expectModel('hub:tokenscope/sotu-gpt');
  });
});
