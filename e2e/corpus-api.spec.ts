/**
 * The corpus view's second ∞-gram backend, the infini-gram API, against its loopback test double
 * (tools/infinigram-server.mjs, its corpus tokenized at start with the Llama 2 tokenizer the app
 * ships): off by default and silent; on, its distribution beside the model's; an unreachable host
 * or one the page's policy refuses is one sentence while the local ∞-gram keeps working.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

const PORT = Number(process.env.E2E_INFINIGRAM_PORT ?? 4319);
const API_URL = `http://127.0.0.1:${PORT}/`;
/** Nothing listens on 127.0.0.2 (the test double binds 127.0.0.1 only), and the page's policy allows it. */
const UNREACHABLE_URL = `http://127.0.0.2:${PORT}/`;
/** A port the page's policy does not allow. */
const REFUSED_URL = 'http://127.0.0.1:9/';
/** The test corpus (tools/infinigram-corpus.ts) follows "The state of the Union is" with " strong" twice and " sound" once. */
const TEXT = 'The state of the Union is strong';

async function apiRequests(
  request: APIRequestContext,
): Promise<{ path: string; queryType: string | null; status: number }[]> {
  return (await request.get(`${API_URL}__requests`)).json();
}

async function setApiHost(page: Page, url: string) {
  await page.getByTestId('settings.infinigram.url').fill(url);
  await page.getByTestId('settings.infinigram.use').click();
  await expect(page.getByTestId('settings.infinigram.use')).toBeDisabled();
}

test('the infini-gram API beside the model: silent while off, its distribution when on, one sentence when unreachable', async ({
  page,
  request,
}) => {
  const app = new TokenscopePage(page);
  await app.open();
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  const sentBefore = (await apiRequests(request)).length;

  const localBars = page.getByTestId('corpus.infinigram-bars');
  const apiFigure = page.getByTestId('corpus.api');
  const lastChip = page.getByTestId('corpus.chip').last();

  await test.step('open the corpus view on the training split and select the position of " strong"', async () => {
    await page.getByTestId('nav.view.corpus').click();
    await expect(page.getByTestId('corpus.info')).toBeVisible();
    await page.getByTestId('corpus.text').fill(TEXT);
    await page.getByTestId('corpus.score').click();
    await expect(lastChip).toHaveText('␣strong');
    await lastChip.click();
    await expect(page.getByTestId('corpus.position')).toHaveAttribute('data-status', 'ready');
    await expect(localBars.getByTestId('distribution.bar').first()).toBeVisible();
  });

  await test.step('off by default: one line says so and where to turn it on, and nothing reaches the API', async () => {
    await expect(page.getByTestId('corpus.api.off')).toContainText('Settings');
    await expect(apiFigure).toHaveCount(0);
    await page.getByTestId('nav.settings').click();
    await expect(page.getByTestId('settings.infinigram.enabled')).not.toBeChecked();
    await expect(page.getByTestId('settings.infinigram.index')).toHaveValue('v4_rpj_llama_s4');
    await setApiHost(page, API_URL);
    await expect(page.getByTestId('settings.infinigram.policy')).toHaveCount(0);
    await expect(page.getByTestId('corpus.api.off')).toBeVisible();
    expect((await apiRequests(request)).length).toBe(sentBefore);
  });

  await test.step("on: the API's distribution beside the model's, in Llama 2 tokens, the text's next token marked", async () => {
    await page.getByTestId('settings.infinigram.enabled').check();
    await expect(apiFigure).toHaveAttribute('data-status', 'ready');
    const bars = page.getByTestId('corpus.api-bars');
    await expect(bars).toHaveAttribute('data-prompt-count', '3');
    await expect(bars).toHaveAttribute('data-approximate', 'false');
    const top = await bars.getAttribute('data-top-token');
    expect(top).not.toBe('');
    await expect(bars).toHaveAttribute('data-actual-token', top!);
    await expect(bars.getByTestId('distribution.bar')).toHaveCount(2); // " strong" 2/3, " sound" 1/3
    await expect(apiFigure).toContainText('RedPajama');
    await expect(apiFigure).toContainText('Its tokens are Llama 2’s, not the model’s');
    await expect(apiFigure).toContainText('re-tokenized by Llama 2');
    await expect(page.getByTestId('corpus.model-bars').getByTestId('distribution.bar').first()).toBeVisible();
    await expect(localBars.getByTestId('distribution.bar').first()).toBeVisible();
    const sent = (await apiRequests(request)).slice(sentBefore);
    expect(sent).toEqual([{ path: '/', queryType: 'infgram_ntd', status: 200 }]);
  });

  await test.step('an unreachable host: one sentence, and the local ∞-gram keeps working', async () => {
    await setApiHost(page, UNREACHABLE_URL);
    const error = page.getByTestId('corpus.api.error');
    await expect(error).toHaveText(
      /^The infini-gram API at 127\.0\.0\.2:\d+ could not be reached \(offline, a wrong address, or a server that does not accept requests from this page\)\.$/,
    );
    await expect(localBars.getByTestId('distribution.bar').first()).toBeVisible();
    // Another position: the local index answers, the API says the same sentence again.
    const last = Number(await lastChip.getAttribute('data-position'));
    await lastChip.focus();
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('corpus.position')).toHaveAttribute('data-position', String(last - 1));
    await expect(page.getByTestId('corpus.position')).toHaveAttribute('data-status', 'ready');
    await expect(localBars.getByTestId('distribution.bar').first()).toBeVisible();
    await expect(error).toBeVisible();
    await expect(apiFigure).toHaveAttribute('data-status', 'error');
  });

  await test.step("a host the page's Content-Security-Policy refuses: Settings and the view say so and how to allow it", async () => {
    await setApiHost(page, REFUSED_URL);
    await expect(page.getByTestId('settings.infinigram.policy')).toContainText('--connect-src http://127.0.0.1:9');
    await expect(page.getByTestId('corpus.api.error')).toContainText(
      'Content-Security-Policy does not let the page fetch from http://127.0.0.1:9, so the infini-gram API there cannot be asked.',
    );
  });

  await test.step('off again: the view says so, and moving through positions sends nothing', async () => {
    await setApiHost(page, API_URL);
    await expect(apiFigure).toHaveAttribute('data-status', 'ready');
    await page.getByTestId('settings.infinigram.enabled').uncheck();
    await expect(page.getByTestId('corpus.api.off')).toBeVisible();
    const sent = (await apiRequests(request)).length;
    for (const position of [0, 3]) {
      await page.getByTestId('corpus.chip').nth(position).click();
      await expect(page.getByTestId('corpus.position')).toHaveAttribute('data-position', String(position));
      await expect(page.getByTestId('corpus.position')).toHaveAttribute('data-status', 'ready');
      await expect(page.getByTestId('corpus.api.off')).toBeVisible();
    }
    await page.waitForTimeout(500);
    expect((await apiRequests(request)).length).toBe(sent);
  });
});
