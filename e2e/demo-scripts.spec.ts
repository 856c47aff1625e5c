/**
 * Demo scripts: each bundled demo replays identically twice in a row and after export and
 * import (the same token ids and probabilities at every step, read from the fingerprints the
 * player keeps), a link opens one, and a script recorded from UI actions plays back.
 */
import { expect, test } from '@playwright/test';
import { expectDemoSettledAt, openBundledDemo, openDemoPanel, playDemoToEnd, stepFingerprints } from './demoScripts';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

const BUNDLED = ['temperature', 'tokenization-bias', 'key-space', 'bigram'];

test.describe('demo scripts', () => {
  for (const id of BUNDLED) {
    test(`the bundled "${id}" demo replays identically, twice and after export and import`, async ({ page }) => {
      test.setTimeout(600_000);
      await openDemoPanel(page);
      await openBundledDemo(page, id);
      const first = await playDemoToEnd(page);
      // Each step changes what is on screen: a fingerprint that never changed would prove nothing.
      expect(new Set(first).size).toBeGreaterThan(first.length / 2);
      if (id === 'temperature') expect(first[1]).toMatch(/top \d+=1\.000 /);
      if (id === 'tokenization-bias') expect(first.at(-1)).toContain('exact bytes');
      if (id === 'key-space') expect(first[3]).toMatch(/^keyspace \|.*\| \d+:0\.\d{4}/);
      if (id === 'bigram') expect(first.at(-1)).toMatch(/^bigram \|.*top1AgreementRate=/);

      await page.getByTestId('demo.restart').click();
      expect(await playDemoToEnd(page)).toEqual(first);

      const download = page.waitForEvent('download');
      await page.getByTestId('demo.export').click();
      const file = await (await download).path();
      expect((await download).suggestedFilename()).toMatch(/\.tokenscope-demo\.json$/);
      await page.getByTestId('demo.close').click();
      await expect(page.getByTestId('demo.strip')).toHaveCount(0);
      await page.getByTestId('demo.import').setInputFiles(file);
      await expect(page.getByTestId('demo.title')).toHaveAttribute('data-source', 'file');
      expect(await playDemoToEnd(page)).toEqual(first);

      // Back one step replays from the start to the step before: the same screen as then.
      await page.getByTestId('demo.prev').click();
      await expectDemoSettledAt(page, first.length - 2);
      const steps = await stepFingerprints(page);
      expect(steps[first.length - 3]).toBe(first.at(-2));
    });
  }

  test('in presenter mode at 1280 × 720 the clicker steps the script, and the strip and the distribution fit', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await openDemoPanel(page);
    await openBundledDemo(page, 'temperature');
    await expectDemoSettledAt(page, 0);
    await page.getByTestId('nav.presenter').click();
    await expect(page.getByTestId('demo.panel')).toHaveCount(0);
    const strip = page.getByTestId('demo.strip');
    const settledAt = async (played: number) => {
      await expect(strip).toHaveAttribute('data-played', String(played), { timeout: 180_000 });
      await expect(strip).toHaveAttribute('data-running', 'false', { timeout: 180_000 });
    };
    await page.keyboard.press('PageDown');
    await settledAt(1);
    await page.keyboard.press('PageDown');
    await settledAt(2);
    await page.keyboard.press('PageUp');
    await settledAt(1);
    await expect(page.getByTestId('demo.caption')).not.toBeEmpty();
    // The caption strip, the text and the top bars on one screen, with no scrolling.
    const app = new TokenscopePage(page);
    await app.expectDistribution();
    const bar = (await app.bars.first().boundingBox())!;
    expect(bar.y + bar.height).toBeLessThanOrEqual(720);
    const scroll = await page.evaluate(() => ({ height: document.documentElement.scrollHeight, inner: innerHeight }));
    expect(scroll.height).toBeLessThanOrEqual(scroll.inner);
  });

  test('a demo link opens its script, which plays as the bundled one does', async ({ page }) => {
    test.setTimeout(300_000);
    await openDemoPanel(page);
    await openBundledDemo(page, 'key-space');
    const first = await playDemoToEnd(page);
    await page.getByTestId('demo.link').click();
    const url = await page.getByTestId('demo.link.url').inputValue();
    expect(url).toMatch(/#demo=[A-Za-z0-9_-]+$/);
    await page.goto('about:blank');
    await openDemoPanel(page, url.slice(url.indexOf('#')));
    await expect(page.getByTestId('demo.title')).toHaveAttribute('data-source', 'link');
    expect(await playDemoToEnd(page)).toEqual(first);
  });

  test('a script recorded from what the user does plays back identically', async ({ page }) => {
    test.setTimeout(300_000);
    const app = new TokenscopePage(page);
    await openDemoPanel(page);
    await app.expectDistribution();
    await page.getByTestId('demo.record').click();
    await expect(page.getByTestId('demo.recording')).toBeVisible();
    await app.typeText('The people of the United');
    await app.expectDistribution();
    await page.getByTestId('sampling.temperature.preset.0.5').click();
    await app.bars.first().click();
    await app.expectDistribution();
    await page.getByTestId('nav.view.tokenizers').click();
    await page.getByTestId('demo.record').click();
    await expect(page.getByTestId('demo.title')).toHaveAttribute('data-source', 'recording');
    const steps = await page.getByTestId('demo.step').allInnerTexts();
    expect(steps.map((s) => s.split('\n')[0])).toEqual([
      'Text "The people of the United"',
      'Set temperature 0.5',
      expect.stringMatching(/^Append ".*" \(id \d+\)$/),
      'Open Tokenizers',
    ]);
    await page.getByTestId('demo.restart').click();
    const first = await playDemoToEnd(page);
    await expect(app.page.getByTestId('view.tokenizers')).toBeVisible();
    await page.getByTestId('demo.restart').click();
    expect(await playDemoToEnd(page)).toEqual(first);
  });

  test('opening a demo over your own text offers it back, and putting it back can be undone', async ({ page }) => {
    test.setTimeout(300_000);
    const app = new TokenscopePage(page);
    await openDemoPanel(page);
    await app.expectDistribution();
    const mine = 'My own paragraph, typed before the talk: the state of the Union is strong.';
    await app.typeText(mine);
    await openBundledDemo(page, 'temperature');
    await expectDemoSettledAt(page, 0);
    const notice = page.getByTestId('lab.replaced');
    await expect(notice).toContainText('Your text was replaced by the demo');
    await expect(app.text).not.toHaveValue(mine);

    await page.getByTestId('lab.replaced.swap').click();
    await expect(app.text).toHaveValue(mine);
    await expect(notice).toContainText('Your text is back');
    await app.expectDistribution();
    // Undo: the demo's start text again; dismissing leaves it.
    await page.getByTestId('lab.replaced.swap').click();
    await expect(app.text).not.toHaveValue(mine);
    await expect(notice).toContainText('Your text was replaced');
    await page.getByTestId('lab.replaced.dismiss').click();
    await expect(notice).toHaveCount(0);
    await expect(app.text).not.toHaveValue(mine);
  });

  test('the JSON editor names the path of each problem and applies a valid script', async ({ page }) => {
    await openDemoPanel(page);
    await page.getByTestId('demo.panel').getByText('Edit as JSON').click();
    await page.getByTestId('demo.json').fill(
      JSON.stringify({
        format: 'tokenscope-demo',
        version: 1,
        title: 'Two steps',
        model: DEFAULT_MODEL,
        start: { text: 'The state of the Union is' },
        steps: [
          { kind: 'setSettings', settings: { temperature: 0 } },
          { kind: 'greedyStep', count: 2 },
        ],
      }),
    );
    await page.getByTestId('demo.json.apply').click();
    await expect(page.getByTestId('demo.json.errors')).toContainText('steps[0].settings.temperature:');
    const fixed = (await page.getByTestId('demo.json').inputValue()).replace('"temperature":0', '"temperature":0.5');
    await page.getByTestId('demo.json').fill(fixed);
    await page.getByTestId('demo.json.apply').click();
    await expect(page.getByTestId('demo.title')).toHaveAttribute('data-source', 'editor');
    expect(await playDemoToEnd(page)).toHaveLength(3);
  });
});
