/**
 * The next-token lab's core flow, shared by the WASM and WebGPU specs: type a sentence, every
 * token coloured; click a token, its distribution; move the sliders, the cut-off regions
 * change; step and branch by clicking; reproduce a sampled continuation from its seed.
 */
import { expect, test, type Page } from '@playwright/test';
import { TokenscopePage } from './tokenscopePage';

/** Token ids of the generated (continuation) chips, in order. */
export async function continuationIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="text.chip"].chip--generated')
    .evaluateAll((chips) => chips.map((c) => c.getAttribute('data-token-id') ?? ''));
}

async function setRange(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).fill(String(value));
}

export async function labScenario(page: Page, modelId: string, text: string): Promise<void> {
  const app = new TokenscopePage(page);
  const chips = page.getByTestId('text.chip');

  await test.step('every token of the text is scored and coloured', async () => {
    await app.typeText(text);
    await app.expectDistribution();
    await expect(page.getByTestId('analysis.status')).toContainText('tokens scored');
    const count = await chips.count();
    expect(count).toBeGreaterThan(3);
    const backgrounds = await chips.evaluateAll((list) => list.map((c) => (c as HTMLElement).style.background));
    expect(backgrounds.every((b) => b.length > 0)).toBe(true);
    await expect(page.getByTestId('gltr.ranks')).toBeVisible();
  });

  await test.step('clicking a token shows the distribution there, with the actual token marked', async () => {
    await chips.nth(2).click();
    await expect(app.chart).toHaveAttribute('data-position', '2');
    await app.expectDistribution();
    const actualId = await chips.nth(2).getAttribute('data-token-id');
    await expect(page.locator(`[data-testid="distribution.bar"][data-actual="true"]`)).toHaveAttribute(
      'data-token-id',
      actualId!,
    );
    await expect(page.getByTestId('distribution.summary')).toContainText('Position 2');
  });

  await test.step('the sliders cut the distribution without calling the model', async () => {
    await page.getByTestId('text.chip.end').click();
    await app.expectDistribution();
    await setRange(page, 'sampling.topK', 3);
    await expect(page.locator('[data-stage="topK"]')).toHaveAttribute('data-kept', '3');
    await expect(page.locator('[data-testid="distribution.bar"][data-removed-by="top-k"]').first()).toBeVisible();
    await setRange(page, 'sampling.topK', 0);
    await page.getByTestId('sampling.temperature.preset.0.01').click();
    const shown = Number(await app.bars.first().getAttribute('data-shown-probability'));
    expect(shown).toBeGreaterThan(0.99);
    await page.getByTestId('sampling.temperature.preset.1').click();
    await setRange(page, 'sampling.topP', 0.5);
    await expect(page.locator('[data-stage="topP"]')).toHaveClass(/stage--active/);
    await setRange(page, 'sampling.topP', 1);
  });

  await test.step('clicking candidates appends tokens and branches', async () => {
    const first = await app.bars.nth(0).getAttribute('data-token-id');
    await app.bars.nth(0).click();
    await expect(page.locator('.chip--generated')).toHaveCount(1);
    expect(await continuationIds(page)).toEqual([first]);
    await page.getByTestId('branch.root').click();
    await expect(page.locator('.chip--generated')).toHaveCount(0);
    await app.expectDistribution();
    const second = await app.bars.nth(1).getAttribute('data-token-id');
    await app.bars.nth(1).click();
    await expect(page.locator('.chip--generated')).toHaveCount(1);
    expect(await continuationIds(page)).toEqual([second]);
    await expect(page.getByTestId('branch.node')).toHaveCount(2);
    await page.getByTestId('branch.root').click();
    await expect(page.locator('.chip--generated')).toHaveCount(0);
  });

  await test.step('a sampled continuation comes back from its seed', async () => {
    await page.getByTestId('generate.seed').fill('7');
    await page.getByTestId('generate.count').fill('4');
    await page.getByTestId('generate.run').click();
    await expect(page.locator('.chip--generated')).toHaveCount(4);
    await expect(page.getByTestId('generate.run')).toBeEnabled();
    const sampled = await continuationIds(page);
    await page.getByTestId('branch.root').click();
    await expect(page.locator('.chip--generated')).toHaveCount(0);
    await app.expectDistribution();
    // Step by step with the same seed: the same tokens.
    for (let i = 0; i < 4; i++) {
      await page.getByTestId('generate.sample').click();
      await expect(page.locator('.chip--generated')).toHaveCount(i + 1);
      await expect(page.getByTestId('generate.sample')).toBeEnabled();
    }
    expect(await continuationIds(page)).toEqual(sampled);
  });
  expect(modelId).toBeTruthy();
}
