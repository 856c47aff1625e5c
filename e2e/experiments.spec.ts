import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { continuationIds } from './labScenario';
import { TokenscopePage } from './tokenscopePage';


test('save, reload, open: the lab comes back with its tree, seed and selection; export and import into a fresh profile', async ({ page, browser }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel('embedded:sotu-gpt');
  await app.typeText('The state of the Union');
  await app.expectDistribution();

  await test.step('explore: a seeded generation and a clicked branch', async () => {
    await page.getByTestId('generate.seed').fill('11');
    await page.getByTestId('sampling.topK').fill('40');
    await page.getByTestId('generate.count').fill('3');
    await page.getByTestId('generate.run').click();
    await expect(page.locator('.chip--generated')).toHaveCount(3);
    await expect(page.getByTestId('generate.run')).toBeEnabled();
    await page.getByTestId('branch.root').click();
    await expect(page.locator('.chip--generated')).toHaveCount(0);
    await app.expectDistribution();
    await app.bars.nth(2).click();
    await expect(page.locator('.chip--generated')).toHaveCount(1);
    await page.getByTestId('text.chip').nth(1).click();
    await expect(app.chart).toHaveAttribute('data-position', '1');
  });
  const tokensBefore = await continuationIds(page);
  const nodesBefore = await page.getByTestId('branch.node').count();

  await test.step('save, reload, open', async () => {
    await page.getByTestId('experiment.save.name').fill('Union branches');
    await page.getByTestId('experiment.save.button').click();
    await expect(page.getByTestId('experiment.notice')).toContainText('Saved “Union branches”');
    await page.reload();
    await app.expectModel('embedded:sotu-gpt');
    await app.typeText('something else entirely');
    await page.getByTestId('nav.view.experiments').click();
    await expect(page.getByTestId('experiments.row')).toHaveCount(1);
    await page.getByTestId('experiments.open').click();
    await expect(app.text).toHaveValue('The state of the Union');
    await expect(page.locator('.chip--generated')).toHaveCount(1);
    expect(await continuationIds(page)).toEqual(tokensBefore);
    await expect(page.getByTestId('branch.node')).toHaveCount(nodesBefore);
    await expect(page.getByTestId('generate.seed')).toHaveValue('11');
    await expect(page.getByTestId('sampling.topK')).toHaveValue('40');
    await expect(app.chart).toHaveAttribute('data-position', '1');
  });

  await test.step('rename, delete with undo, search', async () => {
    await page.getByTestId('nav.view.experiments').click();
    await page.getByTestId('experiments.edit').click();
    await page.getByTestId('experiments.rename.input').fill('Union, renamed');
    await page.getByTestId('experiments.tags.input').fill('demo, sotu');
    await page.getByTestId('experiments.edit.save').click();
    await expect(page.getByTestId('experiments.row')).toContainText('Union, renamed');
    await expect(page.getByTestId('experiments.row')).toContainText('demo, sotu');
    await page.getByTestId('experiments.delete').click();
    await expect(page.getByTestId('experiments.row')).toHaveCount(0);
    await page.getByTestId('experiments.undo').click();
    await expect(page.getByTestId('experiments.row')).toHaveCount(1);
    await page.getByTestId('experiments.search').fill('nothing like this');
    await expect(page.getByTestId('experiments.row')).toHaveCount(0);
    await page.getByTestId('experiments.search').fill('demo');
    await expect(page.getByTestId('experiments.row')).toHaveCount(1);
  });

  await test.step('export, then import into a fresh profile gives the same record', async () => {
    const downloadPromise = page.waitForEvent('download');
    await page.getByTestId('experiments.export-all').click();
    const download = await downloadPromise;
    const path = await download.path();
    const exported = JSON.parse(readFileSync(path, 'utf8'));
    expect(exported.experiments).toHaveLength(1);
    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    const otherApp = new TokenscopePage(other);
    await otherApp.open({ backend: 'wasm' });
    await otherApp.expectModel('embedded:sotu-gpt');
    await other.getByTestId('nav.view.experiments').click();
    await expect(other.getByTestId('experiments.empty')).toBeVisible();
    await other.getByTestId('experiments.import').setInputFiles(path);
    await expect(other.getByTestId('experiments.notice')).toContainText('Imported 1 experiment');
    const reexported = other.waitForEvent('download');
    await other.getByTestId('experiments.export-all').click();
    const again = JSON.parse(readFileSync(await (await reexported).path(), 'utf8'));
    expect(again.experiments).toEqual(exported.experiments);
    await other.getByTestId('experiments.import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"') });
    await expect(other.getByTestId('experiments.notice')).toContainText('broken.json cannot be imported');
    await fresh.close();
  });
});

test('a share link reproduces the inputs on another machine', async ({ page, browser }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel('embedded:sotu-gpt');
  await app.typeText('We the People');
  await app.expectDistribution();
  await page.getByTestId('sampling.temperature.preset.0.5').click();
  await page.getByTestId('generate.seed').fill('99');
  await page.getByTestId('experiment.share').click();
  const url = await page.getByTestId('experiment.share.link').inputValue();
  expect(url).toContain('#share=');
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(url.replace(/^http:\/\/[^/]+\//, '/').replace('/#', '/?backend=wasm#'));
  const otherApp = new TokenscopePage(other);
  await otherApp.expectModel('embedded:sotu-gpt');
  await expect(otherApp.text).toHaveValue('We the People');
  await expect(other.getByTestId('sampling.temperature.value')).toHaveText('0.50');
  await expect(other.getByTestId('generate.seed')).toHaveValue('99');
  await otherApp.expectDistribution();
  await fresh.close();
});
