/**
 * A first visit: the tour starts by itself once the first distribution is drawn, walks the
 * lab's real elements without covering them or blocking the app, and never comes back by
 * itself; the header's Tour button opens it again. Views with nothing to show say what to do.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { DEFAULT_TEXT } from '../src/state/settings';
import { overlaps, TOUR_DONE, TOUR_STEPS, TOUR_STORAGE_KEY, type Rect } from '../src/features/tour/tourSteps';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

async function box(locator: Locator): Promise<Rect> {
  const b = await locator.boundingBox();
  expect(b, 'the element has a box on screen').not.toBeNull();
  return { left: b!.x, top: b!.y, width: b!.width, height: b!.height };
}

/** The step's element: the first of its selectors that is visible. */
async function stepTarget(page: Page, stepIndex: number): Promise<Locator> {
  for (const selector of TOUR_STEPS[stepIndex].targets) {
    const element = page.locator(selector).first();
    if (await element.isVisible()) return element;
  }
  throw new Error(`No element of step ${TOUR_STEPS[stepIndex].id} is visible`);
}

/** The card is at this step, inside the window, beside its element and not over it. */
async function expectStep(page: Page, stepIndex: number): Promise<void> {
  const card = page.getByTestId('tour');
  await expect(card).toHaveAttribute('data-step', TOUR_STEPS[stepIndex].id);
  await expect(card).toContainText(`step ${stepIndex + 1} of ${TOUR_STEPS.length}`);
  await expect(card).not.toHaveAttribute('data-side', /^(corner)?$/);
  const target = await stepTarget(page, stepIndex);
  await expect(target).toBeInViewport();
  const cardBox = await box(card);
  const viewport = page.viewportSize()!;
  expect(cardBox.left).toBeGreaterThanOrEqual(0);
  expect(cardBox.top).toBeGreaterThanOrEqual(0);
  expect(cardBox.left + cardBox.width).toBeLessThanOrEqual(viewport.width);
  expect(cardBox.top + cardBox.height).toBeLessThanOrEqual(viewport.height);
  expect(overlaps(cardBox, await box(target)), `the card covers the ${TOUR_STEPS[stepIndex].id} element`).toBe(false);
  await expect(page.getByTestId('tour.highlight')).toBeVisible();
}

test.describe('a first visit', () => {
  // An empty profile: the config marks the tour seen for every other spec.
  test.use({ storageState: { cookies: [], origins: [] } });

  test('shows the tour once, after the first distribution, and the Tour button shows it again', async ({ page }) => {
    const app = new TokenscopePage(page);
    const card = page.getByTestId('tour');
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);

    await test.step('it starts by itself when the distribution is on screen, with the focus on it', async () => {
      await expect(card).toBeVisible();
      await expect(app.chart).toHaveAttribute('data-status', 'ready');
      await expect(app.bars.first()).toBeVisible();
      await expect(page.getByRole('dialog', { name: /Tour · step 1 of \d+ Tokens/ })).toHaveAttribute(
        'aria-modal',
        'false',
      );
      await expect(card).toBeFocused();
      await expectStep(page, 0);
    });

    await test.step('the keyboard walks it: Tab reaches its buttons, Enter goes on', async () => {
      await page.keyboard.press('Tab');
      await expect(page.getByTestId('tour.skip')).toBeFocused();
      // Back is disabled on the first step, so the next Tab lands on Next.
      await page.keyboard.press('Tab');
      await expect(page.getByTestId('tour.next')).toBeFocused();
      await page.keyboard.press('Enter');
      await expectStep(page, 1);
    });

    await test.step('every step points at its element, forward and back', async () => {
      for (let i = 2; i < TOUR_STEPS.length; i++) {
        await page.getByTestId('tour.next').click();
        await expectStep(page, i);
      }
      await expect(page.getByTestId('tour.next')).toHaveText('Done');
      await page.getByTestId('tour.back').click();
      await expectStep(page, TOUR_STEPS.length - 2);
    });

    await test.step('the app stays usable under it: temperature answers while its step is shown', async () => {
      const temperatureStep = TOUR_STEPS.findIndex((s) => s.id === 'temperature');
      while ((await card.getAttribute('data-step')) !== 'temperature') await page.getByTestId('tour.back').click();
      await expectStep(page, temperatureStep);
      await page.getByTestId('sampling.temperature.preset.2').click();
      await expect(page.getByTestId('sampling.temperature.value')).toHaveText('2.00');
      await expect(card).toBeVisible();
    });

    await test.step('Skip closes it, and it is remembered', async () => {
      await page.getByTestId('tour.skip').click();
      await expect(card).toHaveCount(0);
      await expect(page.getByTestId('tour.highlight')).toHaveCount(0);
      expect(await page.evaluate((key) => localStorage.getItem(key), TOUR_STORAGE_KEY)).toBe(TOUR_DONE);
    });

    await test.step('a reload does not show it again', async () => {
      await page.reload();
      await app.expectModel(`embedded:${DEFAULT_MODEL}`);
      await app.expectDistribution();
      // It would start in the render after the distribution: give it time to (wrongly) appear.
      await page.waitForTimeout(1_000);
      await expect(card).toHaveCount(0);
    });

    await test.step('the Tour button opens it again, from any view; Escape closes it', async () => {
      await page.getByTestId('nav.view.batch').click();
      await page.getByTestId('nav.tour').click();
      await expect(page.getByTestId('nav.view.lab')).toHaveAttribute('aria-pressed', 'true');
      await expectStep(page, 0);
      await expect(card).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(card).toHaveCount(0);
      // The focus goes back where it was.
      await expect(page.getByTestId('nav.tour')).toBeFocused();
    });
  });
});

test('a view with nothing to show says what to do first', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.expectDistribution();
  // The config marks the tour seen: it never starts here.
  await expect(page.getByTestId('tour')).toHaveCount(0);

  await test.step('the lab without a text offers an example', async () => {
    await expect(page.getByTestId('empty-hint.lab')).toHaveCount(0);
    await app.typeText('');
    const hint = page.getByTestId('empty-hint.lab');
    await expect(hint).toContainText('Type or paste a text above');
    await hint.getByTestId('empty-hint.lab.action').click();
    await expect(app.text).toHaveValue(DEFAULT_TEXT);
    await expect(hint).toHaveCount(0);
    await app.expectDistribution();
    await app.typeText('');
    await expect(hint).toBeVisible();
  });

  await test.step('bigram and layers with no text', async () => {
    await page.getByTestId('nav.view.bigram').click();
    const hint = page.getByTestId('empty-hint.bigram');
    await expect(hint).toContainText('press Compare');
    await page.getByTestId('bigram.text').fill('We the People');
    await expect(hint).toContainText('Press Compare');
    await page.getByTestId('bigram.compare').click();
    await expect(hint).toHaveCount(0);
  });

  await test.step('the key space with no token picked', async () => {
    await page.getByTestId('nav.view.keyspace').click();
    const hint = page.getByTestId('empty-hint.keyspace');
    await expect(hint).toContainText('No token picked yet');
    await page.getByTestId('keyspace.search').fill('the');
    await page.getByTestId('keyspace.search.go').click();
    await expect(hint).toHaveCount(0);
  });

  await test.step('the tokenizer lab with no text', async () => {
    await page.getByTestId('nav.view.tokenizers').click();
    await page.getByTestId('tokenizers.text').fill('');
    await expect(page.getByTestId('empty-hint.tokenizers.no-text')).toBeVisible();
  });

  await test.step('batch runs with none run yet', async () => {
    await page.getByTestId('nav.view.batch').click();
    await expect(page.getByTestId('empty-hint.batch')).toContainText('No batch run yet');
  });

  await test.step('experiments with none saved; its button leads to the lab', async () => {
    await page.getByTestId('nav.view.experiments').click();
    const hint = page.getByTestId('empty-hint.experiments');
    await expect(hint).toContainText('No experiments saved yet');
    await hint.getByTestId('empty-hint.experiments.action').click();
    await expect(page.getByTestId('nav.view.lab')).toHaveAttribute('aria-pressed', 'true');
  });
});
