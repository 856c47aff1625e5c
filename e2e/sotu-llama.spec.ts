/**
 * Every view on sotu-llama, the Llama-family embedded model (RMSNorm, rotary positions,
 * grouped-query attention, SwiGLU, untied embeddings, a SentencePiece-style tokenizer with
 * byte fallback), run through transformers.js's own Llama code path on WASM.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectForwardMatchesPyTorch } from './fixture';
import { labScenario } from './labScenario';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

async function openLlama(page: Page): Promise<TokenscopePage> {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  // The picker closes when the default model finishes loading: pick sotu-llama after it.
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.openModels();
  await page.getByTestId('model.embedded.sotu-llama').click();
  await app.expectModel('embedded:sotu-llama');
  return app;
}

test('sotu-llama: next-token lab, logits equal to PyTorch, key space with its separate input embedding', async ({
  page,
}) => {
  const app = await openLlama(page);
  await test.step("logits equal to PyTorch's through transformers.js's Llama path", async () => {
    await app.typeText('Fellow-Citizens of the Senate and House');
    await app.expectDistribution();
    await expectForwardMatchesPyTorch(page, 1e-3, 'sotu-llama');
  });
  await labScenario(page, 'sotu-llama', 'The Union is strong');
  await test.step('◎ on a candidate: lm_head keys and, untied, the input embedding beside them', async () => {
    await app.typeText('The United States of');
    await app.expectDistribution();
    await page.getByTestId('distribution.bar.inspect').first().click();
    await expect(page.getByTestId('keyspace.view')).toBeVisible();
    await expect(page.getByTestId('keyspace.info')).toContainText('8,192 × 256');
    await expect(page.getByTestId('keyspace.info')).toContainText('untied');
    await expect(page.getByTestId('keyspace.neighbours.cosine').getByTestId('keyspace.neighbour')).not.toHaveCount(0);
    await expect(
      page.getByTestId('keyspace.neighbours.input-cosine').getByTestId('keyspace.neighbour'),
    ).not.toHaveCount(0);
  });
});

test('sotu-llama: bigram view and the logit lens through its RMSNorm', async ({ page }) => {
  await openLlama(page);
  await page.getByTestId('nav.view.bigram').click();
  await page
    .getByTestId('bigram.text')
    .fill('Fellow-Citizens of the Senate and of the House of Representatives: the state of the Union is strong.');
  await page.getByTestId('bigram.compare').click();
  await expect(page.getByTestId('bigram.summary')).toBeVisible();
  const values = await page
    .getByTestId('bigram.chip')
    .evaluateAll((chips) => chips.map((c) => Number(c.getAttribute('data-bigramness'))));
  expect(values[0]).toBeCloseTo(1, 3);
  await page.getByTestId('bigram.chip').nth(6).click();
  await expect(page.getByTestId('bigram.layers')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('bigram.lens.row')).toHaveCount(5);
  const kl = (await page.getByTestId('bigram.lens.kl').allTextContents()).map(Number);
  for (const value of kl) expect(Number.isFinite(value)).toBe(true);
  // The lens through the final RMSNorm at the last layer is the model's own prediction.
  expect(kl[4]).toBeLessThan(1e-3);
  expect(kl[0]).toBeGreaterThan(kl[4]);
});

test('sotu-llama: its own SentencePiece tokenizer in the tokenizer lab, the exact next byte, and a saved experiment', async ({
  page,
}) => {
  const app = await openLlama(page);
  await page.getByTestId('nav.view.tokenizers').click();
  await expect(page.locator('[data-testid="tokenizers.option"][data-tokenizer="model"]')).toContainText(
    'sotu-llama (loaded model)',
  );
  await test.step("the model's tokenizer cuts text with ▁ pieces and falls back to bytes for unseen characters", async () => {
    const text = 'The Union is strong 中文';
    await page.getByTestId('tokenizers.text').fill(text);
    const row = page.locator('[data-testid="tokenizers.row"][data-tokenizer="model"]');
    await expect(row.getByTestId('tokenizers.chip').last()).toHaveAttribute(
      'data-end',
      String(new TextEncoder().encode(text).length),
    );
  });
  await test.step('the exact next byte after a prompt that ends mid-word', async () => {
    await page.getByTestId('tokenizers.bias.prompt').fill('the State of the Uni');
    await expect(page.getByTestId('tokenizers.bias.exact.bytes').locator('tr').first()).toBeVisible({
      timeout: 60_000,
    });
    await expect(page.getByTestId('tokenizers.bias.exact.bytes').locator('tr').first().locator('th')).not.toBeEmpty();
  });
  await test.step('save the lab as an experiment naming sotu-llama', async () => {
    await page.getByTestId('nav.view.lab').click();
    await app.typeText('The state of the Union');
    await app.expectDistribution();
    await page.getByTestId('experiment.save.name').fill('llama union');
    await page.getByTestId('experiment.save.button').click();
    await expect(page.getByTestId('experiment.notice')).toContainText('“llama union”');
    await page.getByTestId('nav.view.experiments').click();
    await expect(page.getByTestId('experiments.row').filter({ hasText: 'llama union' })).toContainText('sotu-llama');
  });
});
