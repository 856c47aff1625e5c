/**
 * The lab on small screens: a 1024 × 700 laptop window, and a 1280 × 720 projector at 150%
 * (853 × 480 CSS pixels at device scale 1.5). The text and its distribution are on screen
 * together without scrolling; a screenshot of each is attached to the report.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

/** The bars from the top of the chart that must be on screen with the text. */
const BARS_ON_SCREEN = 3;

async function expectTextAndDistributionOnScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.expectDistribution();
  const viewport = page.viewportSize()!;
  const within = async (what: string, box: { x: number; y: number; width: number; height: number } | null) => {
    expect(box, what).not.toBeNull();
    expect(box!.y, `${what} top`).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height, `${what} bottom`).toBeLessThanOrEqual(viewport.height);
    expect(box!.x + box!.width, `${what} right`).toBeLessThanOrEqual(viewport.width);
  };
  const screenshot = testInfo.outputPath('lab.png');
  await page.screenshot({ path: screenshot });
  await testInfo.attach(`lab at ${name}`, { path: screenshot, contentType: 'image/png' });
  expect(await page.evaluate(() => scrollY)).toBe(0);
  await within('the text box', await app.text.boundingBox());
  await within('the chips', await page.getByTestId('text.chips').boundingBox());
  await within('the distribution summary', await page.getByTestId('distribution.summary').boundingBox());
  for (let i = 0; i < BARS_ON_SCREEN; i++) await within(`bar ${i + 1}`, await app.bars.nth(i).boundingBox());
}

test.describe('a 1024 × 700 window', () => {
  test.use({ viewport: { width: 1024, height: 700 } });
  test('the text and the top of its distribution are on screen together', async ({ page }, testInfo) => {
    await expectTextAndDistributionOnScreen(page, testInfo, '1024 × 700');
  });
});

test.describe('a 1280 × 720 projector at 150%', () => {
  test.use({ viewport: { width: 853, height: 480 }, deviceScaleFactor: 1.5 });
  test('the text and the top of its distribution are on screen together, under a one-line header', async ({
    page,
  }, testInfo) => {
    await expectTextAndDistributionOnScreen(page, testInfo, '853 × 480 at 150%');
    const header = await page.locator('.app__header').boundingBox();
    expect(header!.height).toBeLessThan(56);
    // The views as one select here; it still switches the view.
    await page.getByTestId('nav.view.select').selectOption('tokenizers');
    await expect(page.getByTestId('nav.view.tokenizers')).toHaveAttribute('aria-pressed', 'true');
  });
});
