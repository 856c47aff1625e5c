import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { continuationIds } from './labScenario';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

/** The bars on screen: token id and the probability shown, in order. */
async function barsOnScreen(page: Page): Promise<string[]> {
  return page
    .getByTestId('distribution.bar')
    .evaluateAll((bars) =>
      bars.map((b) => `${b.getAttribute('data-token-id')}:${b.getAttribute('data-probability') ?? b.textContent}`),
    );
}

async function saveAs(page: Page, name: string): Promise<void> {
  await page.getByTestId('experiment.save.name').fill(name);
  await page.getByTestId('experiment.save.button').click();
  await expect(page.getByTestId('experiment.notice')).toContainText(`“${name}”`);
}

test('save, reload, open: the lab comes back with its tree, seed and selection; export and import into a fresh profile', async ({
  page,
  browser,
}) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
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

  await test.step('the unsaved tree comes back after a reload (draft autosave)', async () => {
    await page.waitForTimeout(800); // the autosave's debounce (500 ms); pagehide flushes anyway
    await page.reload();
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await expect(app.text).toHaveValue('The state of the Union');
    await expect(page.getByTestId('branch.node')).toHaveCount(nodesBefore);
    expect(await continuationIds(page)).toEqual(tokensBefore);
    await expect(app.chart).toHaveAttribute('data-position', '1');
  });

  await test.step('save, reload, open', async () => {
    await page.getByTestId('experiment.save.name').fill('Union branches');
    await page.getByTestId('experiment.save.button').click();
    await expect(page.getByTestId('experiment.notice')).toContainText('Saved “Union branches”');
    await page.reload();
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
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
    await page.getByTestId('experiments.notes.input').fill('Seed 11 gives " of"; see the clicked branch.');
    await page.getByTestId('experiments.edit.save').click();
    await expect(page.getByTestId('experiments.row')).toContainText('Union, renamed');
    await expect(page.getByTestId('experiments.row')).toContainText('demo, sotu');
    await page.getByTestId('experiments.edit').click();
    await expect(page.getByTestId('experiments.notes.input')).toHaveValue(
      'Seed 11 gives " of"; see the clicked branch.',
    );
    await page.getByTestId('experiments.edit.save').click();
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
    await otherApp.expectModel(`embedded:${DEFAULT_MODEL}`);
    await other.getByTestId('nav.view.experiments').click();
    await expect(other.getByTestId('empty-hint.experiments')).toBeVisible();
    await other.getByTestId('experiments.import').setInputFiles(path);
    await expect(other.getByTestId('experiments.notice')).toContainText('Imported 1 experiment');
    const reexported = other.waitForEvent('download');
    await other.getByTestId('experiments.export-all').click();
    const again = JSON.parse(readFileSync(await (await reexported).path(), 'utf8'));
    expect(again.experiments).toEqual(exported.experiments);
    await other
      .getByTestId('experiments.import')
      .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"') });
    await expect(other.getByTestId('experiments.notice')).toContainText('broken.json cannot be imported');
    await fresh.close();

    // The CLI re-runs the browser's record under Node (onnxruntime-node) and finds the same numbers.
    const cli = JSON.parse(
      execFileSync('npx', ['tsx', 'src/cli/main.ts', 'export', path], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    expect(cli.experiments).toHaveLength(1);
    // modelFileDifferences []: the SHA-256 the browser computed equal Node's for the same files.
    expect(cli.experiments[0]).toMatchObject({
      reproduced: true,
      problems: [],
      distributionsCompared: 1,
      modelFileDifferences: [],
    });
    expect(cli.experiments[0].positionsCompared).toBeGreaterThan(4);
  });
});

test('a share link reproduces the inputs on another machine', async ({ page, browser }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.typeText('We the People');
  await app.expectDistribution();
  await page.getByTestId('sampling.temperature.preset.0.5').click();
  await page.getByTestId('generate.seed').fill('99');
  await app.expectDistribution();
  const barsHere = await barsOnScreen(page);
  expect(barsHere.length).toBeGreaterThanOrEqual(10);
  await page.getByTestId('experiment.share').click();
  const url = await page.getByTestId('experiment.share.link').inputValue();
  expect(url).toContain('#share=');
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(url.replace(/^http:\/\/[^/]+\//, '/').replace('/#', '/?backend=wasm#'));
  const otherApp = new TokenscopePage(other);
  await otherApp.expectModel(`embedded:${DEFAULT_MODEL}`);
  await expect(otherApp.text).toHaveValue('We the People');
  await expect(other.getByTestId('sampling.temperature.value')).toHaveText('0.50');
  await expect(other.getByTestId('generate.seed')).toHaveValue('99');
  await otherApp.expectDistribution();
  // The same top candidates with the same probabilities on the recipient's machine.
  expect((await barsOnScreen(other)).slice(0, 10)).toEqual(barsHere.slice(0, 10));
  await fresh.close();
});

test('compare two experiments, re-run one, save charts as SVG and PNG', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.typeText('We the People of the United States');
  await app.expectDistribution();
  await saveAs(page, 'People');

  await test.step('the distribution chart as SVG (styles inlined) and PNG (2× size)', async () => {
    const svgDownload = page.waitForEvent('download');
    await page.getByTestId('distribution.export.svg').click();
    const svg = readFileSync(await (await svgDownload).path(), 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).not.toContain('var(--');
    expect(svg).toMatch(/fill: ?rgb\(47, 93, 155\)/); // --accent, resolved
    // It says what it shows, as visible text above the chart: title, model, settings.
    expect(svg).toMatch(/<text[^>]*>Next-token distribution at the end<\/text>/);
    expect(svg).toMatch(
      new RegExp(
        `<text[^>]*>${DEFAULT_MODEL}[^<]* · temperature 1\\.00, top-k off, top-p off, min-p off · bars after every stage</text>`,
      ),
    );
    const pngDownload = page.waitForEvent('download');
    await page.getByTestId('distribution.export.png').click();
    const png = readFileSync(await (await pngDownload).path());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const chartWidth = await page
      .getByTestId('distribution.chart')
      .locator('svg')
      .first()
      .evaluate((el) => Math.ceil(el.getBoundingClientRect().width));
    expect(png.readUInt32BE(16)).toBe(chartWidth * 2);
    // The other charts have the same buttons: GLTR's rank-bucket histogram.
    const gltrDownload = page.waitForEvent('download');
    await page.getByTestId('gltr.ranks.export.svg').click();
    const gltr = await gltrDownload;
    expect(gltr.suggestedFilename()).toBe('tokenscope-gltr-tokens-per-rank-bucket.svg');
    const gltrSvg = readFileSync(await gltr.path(), 'utf8');
    expect(gltrSvg).toContain('<rect');
    expect(gltrSvg).toMatch(new RegExp(`<text[^>]*>${DEFAULT_MODEL}[^<]* · \\d+ tokens</text>`));
  });

  await app.typeText('We the People of the United States, in Order');
  await app.expectDistribution();
  await saveAs(page, 'People, longer');

  await page.getByTestId('nav.view.experiments').click();
  await expect(page.getByTestId('experiments.row')).toHaveCount(2);
  const row = (name: string) =>
    page
      .getByTestId('experiments.row')
      .filter({ has: page.getByTestId('experiments.name').getByText(name, { exact: true }) });

  await test.step('a record and its duplicate: per position, no change', async () => {
    await row('People, longer').getByTestId('experiments.duplicate').click();
    await expect(page.getByTestId('experiments.row')).toHaveCount(3);
    await row('People, longer').getByTestId('experiments.pick').check();
    await row('People, longer (copy)').getByTestId('experiments.pick').check();
    await page.getByTestId('experiments.compare').click();
    await expect(page.getByTestId('comparison.positions')).toHaveAttribute('data-max-delta', '0');
    await expect(page.getByTestId('comparison.chart')).toBeVisible();
    await expect(page.getByTestId('comparison.distribution')).toHaveCount(1);
  });

  await test.step('two texts: their summaries, per byte', async () => {
    await row('People, longer (copy)').getByTestId('experiments.pick').uncheck();
    await row('People').getByTestId('experiments.pick').check();
    await page.getByTestId('experiments.compare').click();
    await expect(page.getByTestId('comparison.reason')).toContainText('texts differ');
    await expect(page.getByTestId('comparison.summary')).toContainText('bits per byte');
  });

  await test.step('re-run on the loaded model: the numbers reproduce', async () => {
    await row('People').getByTestId('experiments.rerun').click();
    await expect(page.getByTestId('comparison.verdict')).toHaveAttribute('data-ok', 'true');
    await expect(page.getByTestId('comparison.model-files')).toContainText('same SHA-256');
    await expect(page.getByTestId('comparison.positions')).toBeVisible();
    const svgDownload = page.waitForEvent('download');
    await page.getByTestId('comparison.export.svg').click();
    expect(readFileSync(await (await svgDownload).path(), 'utf8')).toContain('<svg');
  });
});

test('two tabs saving at the same time both keep their records; a full disk keeps work in memory', async ({
  page,
  context,
}) => {
  const second = await context.newPage();
  const apps = [new TokenscopePage(page), new TokenscopePage(second)];
  for (const [i, app] of apps.entries()) {
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await app.typeText(`Tab ${i + 1} text`);
    await app.expectDistribution();
    await app.page.getByTestId('experiment.save.name').fill(`Tab ${i + 1}`);
  }
  await Promise.all(apps.map((app) => app.page.getByTestId('experiment.save.button').click()));
  for (const app of apps) {
    await expect(app.page.getByTestId('experiment.notice')).toContainText('Saved');
    await app.page.getByTestId('nav.view.experiments').click();
    await app.page.getByTestId('experiments.search').fill('');
    await expect(app.page.getByTestId('experiments.row')).toHaveCount(2);
  }
  await second.close();

  await test.step('storage full: the experiment is kept in memory with an export prompt', async () => {
    await page.evaluate(() => window.__tokenscope!.simulateFullStorageOnNextSave());
    await page.getByTestId('nav.view.lab').click();
    await saveAs(page, 'When full');
    await expect(page.getByTestId('experiment.notice')).toContainText('memory only');
    await expect(page.getByTestId('experiment.export-now')).toBeVisible();
    await page.getByTestId('nav.view.experiments').click();
    await expect(page.getByTestId('experiments.row')).toHaveCount(3);
    const download = page.waitForEvent('download');
    await page.getByTestId('experiments.export-all').click();
    expect(JSON.parse(readFileSync(await (await download).path(), 'utf8')).experiments).toHaveLength(3);
  });
});

test('import keeps the good records, reports the bad one, and shows markup in names as text', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.typeText('The Union');
  await app.expectDistribution();
  await saveAs(page, 'Base');
  await page.getByTestId('nav.view.experiments').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('experiments.export-all').click();
  const file = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
  const base = file.experiments[0];
  const hostile = '<script>window.__injected = 1</script><img src=x onerror="window.__injected = 2">';
  file.experiments = [
    { ...base, id: 'hostile-one', name: hostile, text: hostile, tags: ['<b>tag</b>'] },
    { ...base, id: 'broken-two', name: 'Broken', results: { ...base.results, tokenIds: 'not a list' } },
  ];
  const path = join(tmpdir(), `tokenscope-import-${Date.now()}.json`);
  writeFileSync(path, JSON.stringify(file));
  await page.getByTestId('experiments.import').setInputFiles(path);
  await expect(page.getByTestId('experiments.notice')).toContainText('Imported 1 experiment');
  await expect(page.getByTestId('experiments.notice')).toContainText('record 2 (“Broken”)');
  await expect(page.getByTestId('experiments.row')).toHaveCount(2);
  await expect(page.getByTestId('experiments.row').filter({ hasText: '<script>' })).toHaveCount(1);
  await expect(page.getByTestId('experiments.row').filter({ hasText: '<b>tag</b>' })).toHaveCount(1);
  await page.getByTestId('experiments.row').filter({ hasText: '<script>' }).getByTestId('experiments.open').click();
  await expect(app.text).toHaveValue(hostile);
  await app.expectDistribution();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
});
