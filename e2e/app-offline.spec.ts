import { expect, test } from '@playwright/test';
import { expectForwardMatchesPyTorch } from './fixture';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

test('opens on the default model with no network and shows the badge and a distribution', async ({
  page,
  context,
  baseURL,
}) => {
  const appOrigin = new URL(baseURL!).origin;
  const outside: string[] = [];
  await test.step('cut the network: only the app origin answers', async () => {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(appOrigin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      outside.push(url);
      return route.abort('internetdisconnected');
    });
  });
  const app = new TokenscopePage(page);
  await app.open();

  await test.step('the embedded model loads on WASM and the badge says why WebGPU is not used', async () => {
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await expect(app.badge).toHaveAttribute('data-backend', 'wasm');
    await expect(app.badge).toContainText('WASM');
    await expect(app.badge).toContainText(/2 threads|1 thread/);
    await expect(app.badge).toContainText('fp32');
    await expect(page.getByTestId('backend.reason')).toContainText('WebGPU not used');
  });

  await test.step('the next-token distribution shows bars and the tail mass', async () => {
    await app.expectDistribution();
    expect(await app.bars.count()).toBe(20);
    await expect(app.tail).toContainText(/other 8,172 tokens/);
    const total = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="distribution.bar"],[data-testid="distribution.tail"]')].reduce(
        (sum, el) => sum + Number(el.getAttribute('data-probability')),
        0,
      ),
    );
    expect(total).toBeCloseTo(1, 4);
  });

  await test.step("the logits equal PyTorch's for the reference prompt", async () => {
    await expectForwardMatchesPyTorch(page, 1e-3);
  });

  await test.step('typing updates the distribution; the text survives a reload', async () => {
    const before = await page.getByTestId('distribution.summary').textContent();
    await app.typeText('We the People of the United States');
    await expect(page.getByTestId('distribution.summary')).not.toHaveText(before ?? '');
    await app.expectDistribution();
    await page.reload();
    await expect(app.text).toHaveValue('We the People of the United States');
    await app.expectDistribution();
  });

  expect(outside).toEqual([]);
});

test('a missing model file is a 404, not the app page', async ({ request }) => {
  const response = await request.get('models/sotu-gpt/no-such-file.json');
  expect(response.status()).toBe(404);
  const ort = await request.get('ort/ort-wasm-simd-threaded.wasm');
  expect(ort.status()).toBe(200);
  expect(ort.headers()['content-type']).toBe('application/wasm');
  expect(ort.headers()['cross-origin-embedder-policy']).toBe('require-corp');
});
