/**
 * The precomputed first view (src/state/nextTokenFirstView.ts): a page that opens on the default
 * model and text shows the shipped analysis at once, labelled, while the model loads; the live
 * model's first analysis then replaces it and agrees with it to the digits shown. A share link,
 * another text, a kept tree of continuations or another model never show it.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { appendStep, emptyTree } from '../src/core/lab/branchTree';
import { labDraftOf } from '../src/core/lab/labDraft';
import { DEFAULT_TEXT } from '../src/state/settings';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

const MODEL_FILE = `**/models/${DEFAULT_MODEL}/onnx/model.onnx`;

/** Holds the default model's ONNX file (workers' requests included) until `release` is called. */
async function holdDefaultModel(context: BrowserContext): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await context.route(MODEL_FILE, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

/** Records, from before the app's first script, whether the precomputed view was ever on screen. */
async function watchForPrecomputed(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __sawPrecomputed: boolean };
    w.__sawPrecomputed = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-first-view="precomputed"], [data-status="precomputed"]'))
        w.__sawPrecomputed = true;
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
}

const sawPrecomputed = (page: Page) =>
  page.evaluate(() => (window as unknown as { __sawPrecomputed: boolean }).__sawPrecomputed);

/** The bars as a reader sees them: each one's hover text (token, shown probability, id, log p), in order. */
const barsOnScreen = (page: Page) =>
  page.getByTestId('distribution.bar').evaluateAll((bars) => bars.map((b) => b.querySelector('title')?.textContent));

const marks = (page: Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('mark')
      .filter((m) => m.name.startsWith('tokenscope:first-'))
      .map((m) => m.name),
  );

test('the default text shows its precomputed analysis at once, labelled, then the live model replaces it and agrees', async ({
  page,
  context,
}) => {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  const release = await holdDefaultModel(context);
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  const lab = page.locator('section.next-token');

  await test.step('before the model: the precomputed view, said to be precomputed', async () => {
    await expect(lab).toHaveAttribute('data-first-view', 'precomputed');
    await expect(app.chart).toHaveAttribute('data-status', 'precomputed');
    await expect(page.getByTestId('distribution.precomputed')).toContainText('precomputed');
    await expect(page.getByTestId('analysis.precomputed')).toContainText(`precomputed with ${DEFAULT_MODEL}`);
    await expect(app.bars).toHaveCount(20);
    await expect(page.getByTestId('text.chip').first()).toBeVisible();
    expect(await marks(page)).toEqual(['tokenscope:first-distribution']);
    // The load shows its progress in the header, not in the picker (which would open and close around the view).
    await expect(page.getByTestId('model.picker')).toHaveCount(0);
    await expect(app.currentModel).toHaveText(new RegExp(`^loading ${DEFAULT_MODEL}`));
    // Nothing that needs the model happens: a bar appends nothing, a chip selects nothing.
    await app.bars.first().click();
    await page.getByTestId('text.chip').nth(2).click();
    await expect(app.chart).toHaveAttribute('data-position', String(await page.getByTestId('text.chip').count()));
    expect(await page.evaluate(() => window.__tokenscope!.state().nextToken.tree.nodes[0].childIds.length)).toBe(0);
  });
  const precomputedBars = await barsOnScreen(page);
  const precomputedSummary = await page.getByTestId('distribution.summary').textContent();

  await test.step('the live model replaces it, with the same figures', async () => {
    release();
    await app.expectDistribution();
    await expect(lab).toHaveAttribute('data-first-view', 'equal');
    await expect(page.getByTestId('distribution.precomputed')).toHaveCount(0);
    await expect(page.getByTestId('analysis.precomputed')).toHaveCount(0);
    await expect(page.getByTestId('analysis.precomputed.mismatch')).toHaveCount(0);
    expect(await barsOnScreen(page)).toEqual(precomputedBars);
    expect(await page.getByTestId('distribution.summary').textContent()).toBe(
      precomputedSummary!.replace(/\s*precomputed · model loading/, ''),
    );
    expect(await marks(page)).toEqual(['tokenscope:first-distribution', 'tokenscope:first-live-distribution']);
    expect(consoleErrors.filter((e) => e.includes('precomputed'))).toEqual([]);
  });

  await test.step('and the lab works as usual: a chip selects its position', async () => {
    await page.getByTestId('text.chip').nth(2).click();
    await expect(app.chart).toHaveAttribute('data-position', '2');
    await app.expectDistribution();
  });
});

test('a share link, another text, a kept tree or another model never show the precomputed view', async ({
  page,
  browser,
}) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectDistribution();
  // A link to the default model and text with a position selected: the link's screen is not the precomputed one.
  await page.getByTestId('text.chip').nth(3).click();
  await expect(app.chart).toHaveAttribute('data-position', '3');
  await app.expectDistribution();
  await page.getByTestId('experiment.share').click();
  const link = (await page.getByTestId('experiment.share.link').inputValue()).replace(/^http:\/\/[^/]+\//, '/');
  expect(link).toContain('#share=');

  /** A fresh visitor's page (with `storage` in localStorage), the default model held back while we look. */
  const fresh = async (url: string, storage: Record<string, string> = {}) => {
    const context = await browser.newContext();
    await context.addInitScript((entries) => {
      for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
    }, storage);
    await watchForPrecomputed(context);
    const release = await holdDefaultModel(context);
    const other = await context.newPage();
    await other.goto(url);
    await expect(other.getByTestId('text.input')).toBeVisible();
    return { context, other, release };
  };

  await test.step('a share link of the default text with a position selected', async () => {
    const { context, other, release } = await fresh(link.replace('/#', '/?testApi=1&backend=wasm#'));
    await other.waitForTimeout(500);
    expect(await sawPrecomputed(other)).toBe(false);
    release();
    const otherApp = new TokenscopePage(other);
    await otherApp.expectDistribution();
    await expect(otherApp.chart).toHaveAttribute('data-position', '3');
    expect(await sawPrecomputed(other)).toBe(false);
    await context.close();
  });

  await test.step('another text kept from last time', async () => {
    const { context, other, release } = await fresh('/?testApi=1&backend=wasm', {
      'tokenscope.text.v1': 'We the People of the United States',
    });
    await other.waitForTimeout(500);
    expect(await sawPrecomputed(other)).toBe(false);
    release();
    await new TokenscopePage(other).expectDistribution();
    expect(await sawPrecomputed(other)).toBe(false);
    await context.close();
  });

  await test.step('a tree of continuations kept for the default text', async () => {
    const tree = appendStep(emptyTree(), {
      tokenId: 300,
      probability: 0.1,
      sampledProbability: null,
      how: 'click',
      seed: null,
    });
    const draft = labDraftOf(`embedded:${DEFAULT_MODEL}`, DEFAULT_TEXT, tree, null, (id) => `#${id}`);
    const { context, other, release } = await fresh('/?testApi=1&backend=wasm', {
      'tokenscope.labDraft.v1': JSON.stringify(draft),
    });
    await other.waitForTimeout(500);
    expect(await sawPrecomputed(other)).toBe(false);
    release();
    await new TokenscopePage(other).expectDistribution();
    await expect(other.locator('.chip--generated')).toHaveCount(1);
    expect(await sawPrecomputed(other)).toBe(false);
    await context.close();
  });

  await test.step('the load cancelled (to pick another model), or another text typed, while the precomputed view shows: it goes at once', async () => {
    for (const change of ['model', 'text'] as const) {
      const context = await browser.newContext();
      await holdDefaultModel(context);
      const other = await context.newPage();
      const otherApp = new TokenscopePage(other);
      await otherApp.open({ backend: 'wasm' });
      await expect(otherApp.chart).toHaveAttribute('data-status', 'precomputed');
      if (change === 'model') {
        // The picker (opened: the precomputed view keeps it closed) takes another model once this
        // load is cancelled: the view goes with the load.
        await otherApp.openModels();
        await other.getByTestId('load.cancel').click();
        await expect(other.getByTestId('distribution.precomputed')).toHaveCount(0);
        await otherApp.openModels();
        await other.getByTestId('model.embedded.sotu-bytes-long').click();
      } else {
        await otherApp.typeText('We the People');
      }
      await expect(other.locator('section.next-token')).not.toHaveAttribute('data-first-view', 'precomputed');
      await expect(other.getByTestId('distribution.precomputed')).toHaveCount(0);
      if (change === 'model') {
        await otherApp.expectModel('embedded:sotu-bytes-long');
        await otherApp.expectDistribution();
      }
      await context.close();
    }
  });
});
