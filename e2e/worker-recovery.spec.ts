import { expect, test } from '@playwright/test';
import { continuationIds } from './labScenario';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

test('killing the worker mid-request restarts it and keeps the text', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open();
  await app.typeText('In the course of human events');
  await app.expectDistribution();

  await test.step('kill the worker while it scores a long text', async () => {
    await page.evaluate(async () => {
      const api = window.__tokenscope!;
      api.setHangTimeoutMs(3000);
      const ids = Array.from({ length: 3000 }, (_, i) => (i * 37) % 8000);
      const scoring = api.call('score', { ids }).then(
        () => 'finished',
        (error: Error) => error.name,
      );
      (window as unknown as { scoring: Promise<string> }).scoring = scoring;
      await new Promise((r) => setTimeout(r, 300));
      api.killWorker();
    });
    await expect(app.workerNotice).toContainText('restarted');
    expect(await page.evaluate(() => (window as unknown as { scoring: Promise<string> }).scoring)).toBe(
      'WorkerRestartedError',
    );
  });

  await test.step('the model comes back and the text is unchanged', async () => {
    await expect(app.text).toHaveValue('In the course of human events');
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await app.expectDistribution();
    expect(await page.evaluate(() => window.__tokenscope!.workerGeneration())).toBe(1);
  });

  await test.step('an uncaught error in the worker is a crash and recovers the same way', async () => {
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.evaluate(() => window.__tokenscope!.misbehave('throw-uncaught'));
    await expect(app.workerNotice).toContainText('crashed');
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await app.expectDistribution();
    await expect(app.text).toHaveValue('In the course of human events');
  });
});

test('killing the worker mid-generation keeps the continuations and the selected position', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open();
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.typeText('The state of the Union');
  await app.expectDistribution();
  const generated = page.locator('[data-testid="text.chip"].chip--generated');

  await test.step('a first continuation, and a position selected in it', async () => {
    await page.getByTestId('generate.seed').fill('11');
    await page.getByTestId('generate.count').fill('3');
    await page.getByTestId('generate.run').click();
    await expect(generated).toHaveCount(3);
    await page.getByTestId('text.chip').nth(2).click();
    await expect(app.chart).toHaveAttribute('data-position', '2');
  });

  let before: { ids: string[]; selected: number | null };
  await test.step('kill the worker while a second generation runs', async () => {
    await page.getByTestId('generate.count').fill('200');
    await page.getByTestId('generate.run').click();
    await expect.poll(async () => (await continuationIds(page)).length).toBeGreaterThan(5);
    // The tree at the moment of the kill (its last token may not have chips yet: they come with the next analysis).
    before = await page.evaluate(() => {
      const api = window.__tokenscope!;
      api.killWorker();
      const { tree, selected } = api.state().nextToken;
      const ids: string[] = [];
      for (let node = tree.nodes[tree.currentId]; node && node.parentId !== null; node = tree.nodes[node.parentId])
        ids.unshift(String(node.tokenId));
      return { ids, selected };
    });
    await expect(app.workerNotice).toContainText('restarted');
  });

  await test.step('after the restart the continuation and the selection are back', async () => {
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await app.expectDistribution();
    await expect(app.text).toHaveValue('The state of the Union');
    await expect.poll(() => continuationIds(page)).toEqual(before.ids);
    expect(await page.evaluate(() => window.__tokenscope!.state().nextToken.selected)).toBe(before.selected);
  });

  await test.step('and a reload still has them (the draft autosave kept the tree, not an empty one)', async () => {
    await page.waitForTimeout(1000); // the autosave's 500 ms debounce
    await page.reload();
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await expect.poll(() => continuationIds(page)).toEqual(before.ids);
  });
});
