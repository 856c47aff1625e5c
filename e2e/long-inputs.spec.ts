/**
 * The largest input each view accepts keeps the page usable: the chips are a virtualised list
 * (a screenful in the DOM, not tens of thousands of elements), the model runs in the worker,
 * and no frame of the app's own code blocks the main thread for long (LoAF, Event Timing).
 */
import { expect, test } from '@playwright/test';
import { clickWhile, hasStatus, readResponsiveness, watchResponsiveness } from './responsiveness';
import { DEFAULT_MODEL, pasteText, TokenscopePage } from './tokenscopePage';

/** Varied English prose with numbers and line breaks, cut to `bytes`. */
function prose(bytes: number): string {
  const sentences = [
    'The state of the Union is strong, and the Congress has before it the work of a free people.',
    'We must keep faith with those who came before us and build for those who follow.',
    'Our economy grew by',
    'percent last year, and',
    'new jobs were created in every State.',
    'I ask the Congress to pass this bill before the end of the session.',
    'Let us work together.\n',
  ];
  let text = '';
  for (let i = 0; text.length < bytes; i++) {
    const s = sentences[i % sentences.length];
    text += s.endsWith('by') || s.endsWith('and') ? `${s} ${(i * 37) % 1000} ` : `${s} `;
  }
  return text.slice(0, bytes);
}

test('the next-token lab on its largest text: a screenful of chips, clicks taken throughout (times measured), keys reach the end', async ({
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.expectDistribution();
  await watchResponsiveness(page);
  const status = page.getByTestId('analysis.status');
  await pasteText(app.text, prose(199_000));
  // Over 100 kB the text is held outside the text box (which would lay it all out again on every resize).
  await expect(page.getByTestId('text.input.long')).toHaveAttribute('data-bytes', '199000');
  await expect(app.text).toHaveCount(0);
  await expect(status).toContainText(/Scoring window \d+ of/, { timeout: 60_000 });

  const clicks = await clickWhile(page, page.getByTestId('nav.settings'), () =>
    hasStatus(page, 'analysis.status', 'running'),
  );
  await expect(status).toContainText('tokens scored', { timeout: 300_000 });
  const tokenCount = Number(await page.getByTestId('text.chips').getAttribute('data-token-count'));
  expect(tokenCount).toBeGreaterThan(40_000);
  // Only the blocks near the visible part are in the page.
  expect(await page.getByTestId('text.chip').count()).toBeLessThan(2_000);

  await test.step('Home and End move through the whole text; the chip is there and selected', async () => {
    await page.getByTestId('text.chips').focus();
    await page.keyboard.press('Home');
    await expect(page.locator('[data-testid="text.chip"][data-position="0"]')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('End');
    await expect(page.getByTestId('text.chip.end')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('text.chip.end')).toBeInViewport();
    await page.keyboard.press('ArrowLeft');
    await expect(page.locator(`[data-testid="text.chip"][data-position="${tokenCount - 1}"]`)).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await app.expectDistribution();
  });

  await readResponsiveness(page, testInfo, 'next-token lab');
  expect(clicks).toBeGreaterThan(3);

  await test.step('an edit at the end of the whole text runs at most the last two windows', async () => {
    await page.getByTestId('text.input.long.edit').click();
    await app.text.press('ControlOrMeta+End');
    await app.text.pressSequentially(' And more.');
    await expect(status).toContainText('kept from before the edit', { timeout: 120_000 });
    const run = Number((await status.innerText()).match(/model run on ([\d,]+) tokens/)![1].replace(/,/g, ''));
    expect(run).toBeLessThanOrEqual(2 * 256);
    expect(Number(await page.getByTestId('text.chips').getAttribute('data-token-count'))).toBeGreaterThan(tokenCount);
  });

  await test.step('a paste into the card replaces the long text, which goes back in the text box', async () => {
    await pasteText(app.text, prose(150_000));
    await expect(page.getByTestId('text.input.long')).toHaveAttribute('data-bytes', '150000');
    await pasteText(page.getByTestId('text.input.long'), 'The Union is strong');
    await expect(app.text).toHaveValue('The Union is strong');
    await expect(page.getByTestId('text.input.long')).toHaveCount(0);
    await expect(status).toContainText('tokens scored');
    await app.expectDistribution();
  });
});

test('the bigram view on its largest text: a screenful of chips, clicks taken throughout (times measured), Cancel works', async ({
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await page.getByTestId('nav.view.bigram').click();
  const progress = page.getByTestId('bigram.progress');
  await watchResponsiveness(page);
  // About 19,000 tokens: under the view's 20,000.
  await pasteText(page.getByTestId('bigram.text'), prose(82_000));
  await page.getByTestId('bigram.compare').click();
  await expect(progress).toHaveAttribute('data-status', 'working');
  const clicks = await clickWhile(page, page.getByTestId('nav.settings'), () =>
    hasStatus(page, 'bigram.progress', 'working'),
  );
  await expect(progress).toHaveCount(0, { timeout: 300_000 });
  await expect(page.getByTestId('bigram.progress.error')).toHaveCount(0);
  await expect(page.getByTestId('bigram.stale')).toHaveCount(0);
  const chips = page.getByTestId('bigram.chip');
  expect(await chips.count()).toBeLessThan(2_000);
  await chips.first().click();
  await expect(page.getByTestId('bigram.detail')).toHaveAttribute('data-position', '0');

  await readResponsiveness(page, testInfo, 'bigram view');
  expect(clicks).toBeGreaterThan(3);

  await test.step('Cancel stops the largest comparison', async () => {
    await pasteText(page.getByTestId('bigram.text'), prose(81_000));
    await page.getByTestId('bigram.compare').click();
    await expect(progress).toHaveAttribute('data-status', 'working');
    await page.getByTestId('bigram.progress.cancel').click();
    await expect(progress).toHaveAttribute('data-status', 'cancelled');
  });
});
