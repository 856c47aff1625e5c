import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { withoutGraphOutputs, withRenamedBytes } from './onnxSplice';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

const PARAGRAPH =
  'Fellow-Citizens of the Senate and of the House of Representatives: the state of the Union is strong, and the United States of America will meet the duties of the year.';

async function openBigram(page: Page): Promise<TokenscopePage> {
  const app = new TokenscopePage(page);
  await app.open();
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await page.getByTestId('nav.view.bigram').click();
  return app;
}

async function compare(page: Page, text: string): Promise<void> {
  await page.getByTestId('bigram.text').fill(text);
  await page.getByTestId('bigram.compare').click();
}

/** Bigramness of every chip, as the page shows it. */
async function chipBigramness(page: Page): Promise<number[]> {
  return page
    .getByTestId('bigram.chip')
    .evaluateAll((chips) => chips.map((c) => Number(c.getAttribute('data-bigramness'))));
}

test('a pasted paragraph is coloured by how bigram each prediction is; the layer view shows where it forms', async ({
  page,
}) => {
  await openBigram(page);

  await test.step('compare: one chip per token, the first position is fully bigram, the summary agrees with the chips', async () => {
    await compare(page, PARAGRAPH);
    // The view compared the lab's (shorter) text on opening: wait for the paragraph's chips.
    await expect.poll(async () => (await chipBigramness(page)).length).toBeGreaterThan(20);
    await expect(page.getByTestId('bigram.summary')).toBeVisible();
    const values = await chipBigramness(page);
    // Position 0's full context is [start, token]: the same input as its context-1 run.
    expect(values[0]).toBeCloseTo(1, 3);
    expect(Math.min(...values)).toBeLessThan(0.9);
    const nearly = values.filter((v) => v >= 0.9).length / values.length;
    await expect(page.getByTestId('bigram.summary.nearly')).toHaveText(`${(100 * nearly).toFixed(1)}%`);
  });

  await test.step('open the layer view at a position: logit lens per layer, KL to final 0 at the last layer', async () => {
    await page.getByTestId('bigram.chip').nth(8).click();
    await expect(page.getByTestId('bigram.detail')).toHaveAttribute('data-position', '8');
    const layers = page.getByTestId('bigram.layers');
    await expect(layers).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('bigram.lens.row')).toHaveCount(5); // hidden states 0..4 of the default model
    const kl = await page.getByTestId('bigram.lens.kl').allTextContents();
    expect(Number(kl[4])).toBeLessThan(1e-3);
    expect(Number(kl[0])).toBeGreaterThan(Number(kl[4]));
    for (const chart of ['kl', 'cosine', 'recall', 'rout'])
      await expect(page.getByTestId(`bigram.chart.${chart}`)).toBeVisible();
    const cells = page.getByTestId('bigram.covariance.cell');
    await expect(cells).toHaveCount(25);
    expect(Number(await cells.nth(0).getAttribute('data-value'))).toBeCloseTo(1, 6);
    const plain = await cells.nth(1).getAttribute('data-value');
    await page.getByTestId('bigram.covariance.standardised').check();
    await expect(cells.nth(1)).not.toHaveAttribute('data-value', plain!);
    expect(Number(await cells.nth(6).getAttribute('data-value'))).toBeCloseTo(1, 6);
  });

  await test.step('keyboard: the arrow keys move the selected position', async () => {
    await page.getByTestId('bigram.chip').nth(8).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('bigram.detail')).toHaveAttribute('data-position', '9');
    await expect(page.getByTestId('bigram.layers')).toHaveAttribute('data-status', 'ready');
  });

  await test.step('the training split as corpus reference scores the model and each approximation', async () => {
    await page.getByTestId('bigram.corpus.training').click();
    await expect(page.getByTestId('bigram.corpus.info')).toContainText(`${DEFAULT_MODEL} training split`);
    const scores = page.getByTestId('bigram.corpus.score');
    await expect(scores).toHaveCount(4);
    await expect(scores.nth(3)).toHaveAttribute('data-name', 'first-mlp-only');
    await expect(page.getByTestId('bigram.corpus.table')).toContainText('approximation');
  });

  await test.step('the bigram table for the 50 most frequent corpus tokens, then again from the cache', async () => {
    await page.getByTestId('bigram.table.size').selectOption('50');
    await page.getByTestId('bigram.table.build').click();
    await expect(page.getByTestId('bigram.table.row')).toHaveCount(50);
    await page.getByTestId('bigram.table.build').click();
    await expect(page.getByTestId('bigram.table.info')).toContainText("0 computed now, 50 from this model's cache");
  });
});

test('a long text shows progress and can be cancelled; the view then still compares', async ({ page }) => {
  await openBigram(page);
  // The view compares the lab's text when it opens; a cancelled comparison leaves those chips.
  await expect(page.getByTestId('bigram.summary')).toBeVisible();
  const before = await page.getByTestId('bigram.chip').count();
  const long = Array.from(
    { length: 700 },
    (_, i) =>
      `Section ${i}: the Congress shall report on the revenue of ${1790 + i} and the duties upon ${i % 7 ? 'imports' : 'tonnage'}.`,
  ).join(' ');
  await compare(page, long);
  const progress = page.getByTestId('bigram.progress');
  await expect(progress).toHaveAttribute('data-status', 'working');
  await expect(progress).toContainText(/of \d+/);
  await page.getByTestId('bigram.progress.cancel').click();
  await expect(progress).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('bigram.chip')).toHaveCount(before);
  await expect(page.getByTestId('bigram.stale')).toBeVisible();
  await compare(page, 'The Union is strong.');
  await expect(page.getByTestId('bigram.summary')).toBeVisible();
  expect((await chipBigramness(page)).length).toBeGreaterThan(3);
});

/** A folder copy of sotu-gpt whose graph lists no hidden_states outputs; `rename` also renames its block nodes. */
function strippedSotuGpt(name: string, rename: boolean): string {
  const source = resolve('public/models/sotu-gpt');
  const root = join(mkdtempSync(join(tmpdir(), 'tokenscope-e2e-')), name);
  mkdirSync(join(root, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(source, file), join(root, file));
  let onnx = withoutGraphOutputs(new Uint8Array(readFileSync(join(source, 'onnx/model.onnx'))), (n) =>
    n.startsWith('hidden_states.'),
  );
  if (rename) onnx = withRenamedBytes(onnx, '/model/blocks.', '/model/stages.');
  writeFileSync(join(root, 'onnx/model.onnx'), onnx);
  return root;
}

test('a graph without hidden_states outputs gets its residual stream added by node name; the view says which', async ({
  page,
}) => {
  const app = await openBigram(page);
  await app.loadFolder(strippedSotuGpt('sotu-gpt-no-hidden', false));
  await app.expectModel('folder:sotu-gpt-no-hidden');
  await compare(page, PARAGRAPH);
  await expect(page.getByTestId('bigram.summary')).toBeVisible();
  await page.getByTestId('bigram.chip').nth(8).click();
  await expect(page.getByTestId('bigram.layers')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('bigram.layers.residual')).toContainText(
    'added to the graph as outputs, found by node name (/model/blocks.N',
  );
  await expect(page.getByTestId('bigram.lens.row')).toHaveCount(5);
  const kl = await page.getByTestId('bigram.lens.kl').allTextContents();
  expect(Number(kl[4])).toBeLessThan(1e-3);
});

test('a model without readable internals explains why the layer views are off; the bigram view still works', async ({
  page,
}) => {
  const app = await openBigram(page);
  await app.loadFolder(strippedSotuGpt('sotu-gpt-renamed', true));
  await app.expectModel('folder:sotu-gpt-renamed');
  await compare(page, PARAGRAPH);
  await expect(page.getByTestId('bigram.summary')).toBeVisible();
  expect((await chipBigramness(page))[0]).toBeCloseTo(1, 3);
  await page.getByTestId('bigram.chip').nth(3).click();
  await expect(page.getByTestId('bigram.layers')).toHaveAttribute('data-status', 'unavailable');
  await expect(page.getByTestId('bigram.layers.unavailable')).toContainText('could not find it by node name');
  await expect(page.getByTestId('bigram.detail')).toBeVisible();
});
