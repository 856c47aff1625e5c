import { expect, test } from '@playwright/test';
import { labScenario } from './labScenario';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

test.describe('next-token lab on WASM', () => {
  test('the default model: colour, inspect, cut, branch, reproduce', async ({ page }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await labScenario(page, DEFAULT_MODEL, 'The Congress shall have power to lay and collect taxes');
  });

  test('sotu-bytes: colour, inspect, cut, branch, reproduce', async ({ page }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await app.openModels();
    await page.getByTestId('model.embedded.sotu-bytes').click();
    await app.expectModel('embedded:sotu-bytes');
    await labScenario(page, 'sotu-bytes', 'The Union is');
  });

  test('bad input: empty, past the context, 1 MB, odd Unicode', async ({ page }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);

    await test.step('an empty text shows the distribution after the start token', async () => {
      await app.typeText('');
      await app.expectDistribution();
      await expect(page.getByTestId('text.chip')).toHaveCount(0);
      await expect(page.getByTestId('distribution.summary')).toContainText('Next token');
    });

    await test.step('a text past the context is scored through windows and says so', async () => {
      await app.typeText('We the People of the United States, in Order to form a more perfect Union. '.repeat(25));
      await expect(page.getByTestId('analysis.windowed')).toBeVisible();
      await app.expectDistribution();
    });

    await test.step('1 MB of text is refused with a clear message and the tab keeps working', async () => {
      await app.text.fill('a'.repeat(1_000_000));
      await expect(page.getByTestId('text.too-long')).toContainText('not scored');
      // Held outside the text box, which comes back when the text is cleared.
      await expect(page.getByTestId('text.input.long')).toContainText('1.0 MB of text, 1 line');
      await page.getByTestId('text.input.long.clear').click();
      await expect(app.text).toHaveValue('');
      await app.typeText('Back to a short text');
      await expect(page.getByTestId('text.too-long')).toHaveCount(0);
      await app.expectDistribution();
      await expect(page.getByTestId('analysis.status')).toContainText('tokens scored');
    });

    await test.step('a refused text leaves no figure of the previous text on screen', async () => {
      await app.typeText('The previous text');
      await app.expectDistribution();
      await app.text.fill('b'.repeat(250_000));
      await expect(page.getByTestId('text.too-long')).toBeVisible();
      await expect(page.getByTestId('analysis.status')).not.toContainText('tokens scored');
      await expect(page.getByTestId('distribution.bar')).toHaveCount(0);
      await expect(page.getByTestId('text.chip')).toHaveCount(0);
      await page.getByTestId('text.input.long.edit').click();
      await expect(app.text).toHaveValue('b'.repeat(250_000));
    });

    await test.step('odd Unicode renders and scores', async () => {
      const odd = 'family 👨‍👩‍👧 e\u0301 \u05e9\u05dc\u05d5\u05dd \u0627\u0644\u0633\u0644\u0627\u0645 lone \ud800 end';
      await app.typeText(odd);
      await app.expectDistribution();
      await expect(page.getByTestId('analysis.status')).toContainText('tokens scored');
      const texts = await page.getByTestId('text.chip').allInnerTexts();
      expect(texts.join('')).not.toContain('\uFFFD\uFFFD');
      expect(texts.some((t) => /\\x[0-9A-F]{2}/.test(t))).toBe(true);
    });
  });
});

test('a long text: Cancel stops the scoring, and an edit at the end runs only the last windows', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  const status = page.getByTestId('analysis.status');
  // About 30 KB of prose: several thousand tokens, dozens of 256-token windows.
  const text = 'The state of the Union is strong, and the Congress has before it the work of a free people. '.repeat(
    330,
  );
  await app.text.fill(text);
  await expect(status).toContainText(/Scoring window [3-9] of/);
  await page.getByTestId('analysis.cancel').click();
  await expect(status).toHaveAttribute('data-status', 'idle');
  await expect(status).toContainText('Not scored');

  await test.step('the worker stopped: scoring again runs the windows the cancel skipped', async () => {
    // Had the worker gone on after Cancel, its analysis would be complete and this run would reuse all of it.
    await page.getByTestId('analysis.score').click();
    await expect(status).toContainText('tokens scored', { timeout: 180_000 });
    const run = Number((await status.innerText()).match(/model run on ([\d,]+) tokens/)![1].replace(/,/g, ''));
    expect(run).toBeGreaterThan(10_000);
    await expect(status).not.toContainText('kept from before the edit');
  });

  await test.step('appending a sentence runs at most the last two windows', async () => {
    await app.text.press('End');
    await app.text.pressSequentially(' And more.');
    await expect(status).toContainText('kept from before the edit', { timeout: 60_000 });
    const run = Number((await status.innerText()).match(/model run on ([\d,]+) tokens/)![1].replace(/,/g, ''));
    expect(run).toBeLessThanOrEqual(2 * 256);
    await app.expectDistribution();
  });
});

test('keyboard: Enter on Greedy step keeps the focus there for the next step; arrow keys move between the bars', async ({
  page,
}) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.typeText('The Union');
  await app.expectDistribution();
  const greedy = page.getByTestId('generate.greedy');
  await greedy.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.chip--generated')).toHaveCount(1);
  await expect(greedy).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.chip--generated')).toHaveCount(2);

  await test.step('the bars are one tab stop; arrow keys move between them and to their inspect buttons; Enter appends', async () => {
    await app.expectDistribution();
    const bars = page.getByTestId('distribution.bar');
    const inspect = page.getByTestId('distribution.bar.inspect');
    expect(await bars.count()).toBeGreaterThan(5);
    await expect(page.locator('[data-testid="distribution.chart"] [tabindex="0"]')).toHaveCount(1);
    await greedy.focus();
    // Shift+Tab from the step buttons would cross other controls; the chart's one stop is its first bar.
    await bars.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(bars.nth(2)).toBeFocused();
    await page.keyboard.press('End');
    await expect(bars.last()).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(inspect.last()).toBeFocused();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Home');
    await expect(bars.first()).toBeFocused();
    await expect(page.locator('[data-testid="distribution.chart"] [tabindex="0"]')).toHaveCount(1);
    const appended = await bars.first().getAttribute('data-token-id');
    await page.keyboard.press('Enter');
    await expect(page.locator('.chip--generated')).toHaveCount(3);
    await expect(page.locator('.chip--generated').last()).toHaveAttribute('data-token-id', appended!);
    await app.expectDistribution();
    // The focused row stays in the page: the next Enter appends again without reaching for the mouse.
    await expect(page.locator('[data-testid="distribution.chart"] :focus')).toHaveCount(1);
  });
});

test('cautious decoding branches where the entropy is high and shows the fan of trials', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.typeText('The state of the Union is');
  await app.expectDistribution();
  await page.getByTestId('generate.cautious').check();
  await page.getByTestId('generate.seed').fill('3');
  await page.getByTestId('generate.count').fill('3');
  await page.getByTestId('generate.run').click();
  await expect(page.getByTestId('generate.run')).toBeEnabled({ timeout: 120_000 });
  expect(await page.locator('.chip--generated').count()).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('cautious.fan')).toBeVisible();
  const trials = page.getByTestId('cautious.trial');
  expect(await trials.count()).toBeGreaterThan(1);
  await expect(page.locator('[data-testid="cautious.trial"][data-chosen="true"]')).toHaveCount(1);
  await expect(page.getByTestId('cautious.bar').first()).toBeVisible();
});
