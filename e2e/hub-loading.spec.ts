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

/** The share link the page makes for what is on screen. */
async function shareLink(page: import('@playwright/test').Page): Promise<string> {
  await page.getByTestId('experiment.share').click();
  const url = await page.getByTestId('experiment.share.link').inputValue();
  expect(url).toContain('#share=');
  // Opened on the same server, on WASM, in whatever context opens it.
  return url.replace(/^http:\/\/[^/]+\//, '/').replace('/#', '/?backend=wasm#');
}

/** The same link with its payload edited (a link from someone else can say anything). */
function editedLink(url: string, edit: (payload: Record<string, unknown>) => void): string {
  const [start, encoded] = url.split('#share=');
  const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(payload);
  return `${start}#share=${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

test('a share link keeps the Hub host its model came from, and asks before loading from a host that is not yours', async ({
  page,
  browser,
  request,
}) => {
  const app = new TokenscopePage(page);
  await app.open({ hub: HUB_URL, backend: 'wasm' });
  await app.loadHubModel('tokenscope/sotu-gpt', 'fp32');
  await app.expectModel('hub:tokenscope/sotu-gpt');
  await app.typeText('We the People');
  await app.expectDistribution();
  const link = await shareLink(page);
  const payload = JSON.parse(Buffer.from(link.split('#share=')[1], 'base64url').toString('utf8')) as {
    hubHost?: string;
  };
  expect(payload.hubHost).toBe(HUB_URL);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherApp = new TokenscopePage(other);

  await test.step('where your Hub host is huggingface.co, the link names its host and waits for a click', async () => {
    const requestsBefore = (await hubRequests(request)).length;
    await other.goto(link);
    await otherApp.expectModel(`embedded:${DEFAULT_MODEL}`);
    const pending = other.getByTestId('experiment.link.pending');
    await expect(pending).toContainText(
      `loads tokenscope/sotu-gpt from the Hub host ${HUB_URL}, not from your Hub host (https://huggingface.co/)`,
    );
    // Nothing was fetched from the link's host before the user agreed.
    expect((await hubRequests(request)).length).toBe(requestsBefore);
    await other.getByTestId('experiment.link.load').click();
    await otherApp.expectModel('hub:tokenscope/sotu-gpt');
    await expect(otherApp.text).toHaveValue('We the People');
    await otherApp.expectDistribution();
    await expect(pending).toHaveCount(0);
    expect((await hubRequests(request)).length).toBeGreaterThan(requestsBefore);
  });

  await test.step('a host the page’s Content-Security-Policy does not list cannot be loaded, and the notice says why', async () => {
    await other.goto(
      editedLink(link, (p) => {
        p.hubHost = 'http://127.0.0.1:9/';
      }),
    );
    const pending = other.getByTestId('experiment.link.pending');
    await expect(pending).toContainText(
      "This server's Content-Security-Policy does not let the page fetch from http://127.0.0.1:9",
    );
    await expect(pending).toContainText('--connect-src http://127.0.0.1:9');
    await expect(other.getByTestId('experiment.link.load')).toHaveCount(0);
  });
  await fresh.close();

  await test.step('where your Hub host is the link’s, it opens at once', async () => {
    await page.goto(link.replace('?backend=wasm#', `?backend=wasm&hub=${encodeURIComponent(HUB_URL)}#`));
    await app.expectModel('hub:tokenscope/sotu-gpt');
    await expect(app.text).toHaveValue('We the People');
    await expect(page.getByTestId('experiment.link.pending')).toHaveCount(0);
    await expect(page.getByTestId('experiment.notice')).toContainText(
      `Opened the shared analysis: same model, text, settings and seed (model from ${HUB_URL})`,
    );
  });
});

test("a folder model's link says the folder must be opened by hand, and opens once it is", async ({
  page,
  browser,
}) => {
  const folder = `${process.cwd()}/public/models/sotu-gpt`;
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.loadFolder(folder);
  await app.expectModel('folder:sotu-gpt');
  await app.typeText('The Congress');
  await app.expectDistribution();
  const link = await shareLink(page);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherApp = new TokenscopePage(other);
  await other.goto(link);
  await otherApp.expectModel(`embedded:${DEFAULT_MODEL}`);
  const pending = other.getByTestId('experiment.link.pending');
  await expect(pending).toHaveAttribute('data-kind', 'folder');
  await expect(pending).toContainText(
    'made with the model folder “sotu-gpt”, which a link cannot carry. Open that folder in Models by hand',
  );
  await otherApp.loadFolder(folder);
  await otherApp.expectModel('folder:sotu-gpt');
  await expect(otherApp.text).toHaveValue('The Congress');
  await expect(pending).toHaveCount(0);
  await otherApp.expectDistribution();
  await fresh.close();
});
