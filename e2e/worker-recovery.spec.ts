import { expect, test } from '@playwright/test';
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
      const scoring = api.call('score', { ids }).then(() => 'finished', (error: Error) => error.name);
      (window as unknown as { scoring: Promise<string> }).scoring = scoring;
      await new Promise((r) => setTimeout(r, 300));
      api.killWorker();
    });
    await expect(app.workerNotice).toContainText('restarted');
    expect(await page.evaluate(() => (window as unknown as { scoring: Promise<string> }).scoring)).toBe('WorkerRestartedError');
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
