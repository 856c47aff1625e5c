import { expect, test, type Page } from '@playwright/test';
import { clickWhile, hasStatus, readResponsiveness, watchResponsiveness } from './responsiveness';
import { DEFAULT_MODEL, HUB_URL, pasteText, SECOND_DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

const TEXT = 'Tokenizers cut 12345 apples 😀 in 2024, naïve café!';
const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** Checks exactly these tokenizers, each found by its id (the loaded model's option joins the list at the top once the model is up). */
async function selectOnly(page: Page, ids: string[]): Promise<void> {
  const options = page.getByTestId('tokenizers.option');
  await expect(options.first()).toBeVisible();
  const listed = await options.evaluateAll((all) => all.map((option) => option.getAttribute('data-tokenizer')!));
  for (const id of listed)
    await page.locator(`[data-testid="tokenizers.option"][data-tokenizer="${id}"] input`).setChecked(ids.includes(id));
}

test.describe('tokenizer lab', () => {
  test('three tokenizers side by side: counts match the metrics, hover lights the same bytes everywhere, parity', async ({
    page,
  }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.tokenizers').click();

    await test.step('the picker lists the model and the eight shipped tokenizers with algorithm, vocabulary and size', async () => {
      await expect(page.getByTestId('tokenizers.option')).toHaveCount(9);
      for (const id of ['llama-2', 'mistral-7b']) {
        await expect(page.locator(`[data-testid="tokenizers.option"][data-tokenizer="${id}"]`)).toContainText(
          /SentencePiece BPE with byte fallback · 32,000 tokens/,
        );
      }
      await expect(page.locator('[data-testid="tokenizers.option"][data-tokenizer="gemma-3"]')).toContainText(
        /SentencePiece BPE with byte fallback · 262,145 tokens · \d+\.\d MB to fetch/,
      );
      await expect(page.locator('[data-testid="tokenizers.option"][data-tokenizer="model"]')).toContainText(
        `${DEFAULT_MODEL} (loaded model)`,
      );
    });

    const ids = ['gpt2', 'llama-2', 'qwen3'];
    await test.step('select three tokenizers and type a text with an emoji and digits', async () => {
      await selectOnly(page, ids);
      await page.getByTestId('tokenizers.text').fill(TEXT);
      const rows = page.getByTestId('tokenizers.row');
      await expect(rows).toHaveCount(3);
      for (const row of await rows.all()) {
        await expect(row.getByTestId('tokenizers.chip').last()).toHaveAttribute('data-end', String(utf8Length(TEXT)));
      }
      await expect(page.getByTestId('tokenizers.status')).toHaveAttribute('data-status', 'ready');
    });

    await test.step('each row has as many chips as the metrics table counts tokens', async () => {
      for (const id of ids) {
        const row = page.locator(`[data-testid="tokenizers.row"][data-tokenizer="${id}"]`);
        const count = Number(await row.getAttribute('data-token-count'));
        expect(count).toBeGreaterThan(5);
        await expect(row.getByTestId('tokenizers.chip')).toHaveCount(count);
        await expect(
          page.locator(
            `[data-testid="tokenizers.metrics.row"][data-tokenizer="${id}"] [data-testid="tokenizers.metrics.tokens"]`,
          ),
        ).toHaveText(count.toLocaleString('en-US'));
      }
      // GPT-2 cuts 12345 as 123 + 45; Llama 2 and Qwen3 digit by digit.
      await expect(page.locator('[data-testid="tokenizers.metrics.row"][data-tokenizer="gpt2"]')).toContainText(
        '12345 → 3+2',
      );
      await expect(page.locator('[data-testid="tokenizers.metrics.row"][data-tokenizer="llama-2"]')).toContainText(
        '12345 → 1+1+1+1+1',
      );
    });

    await test.step('hovering the emoji lights the tokens holding the same bytes in every row', async () => {
      const emojiStart = utf8Length(TEXT.slice(0, TEXT.indexOf('😀')));
      const spans = async (id: string) =>
        page
          .locator(`[data-testid="tokenizers.row"][data-tokenizer="${id}"] [data-testid="tokenizers.chip"]`)
          .evaluateAll((chips) =>
            chips.map((chip) => ({
              start: Number(chip.getAttribute('data-start')),
              end: Number(chip.getAttribute('data-end')),
              lit: chip.getAttribute('data-lit') === 'true',
            })),
          );
      const gpt2Spans = await spans('gpt2');
      const index = gpt2Spans.findIndex((s) => s.start <= emojiStart && emojiStart < s.end);
      expect(index).toBeGreaterThanOrEqual(0);
      const target = gpt2Spans[index];
      await page
        .locator('[data-testid="tokenizers.row"][data-tokenizer="gpt2"] [data-testid="tokenizers.chip"]')
        .nth(index)
        .hover();
      await expect(page.locator('[data-testid="tokenizers.chip"][data-lit="true"]').first()).toBeVisible();
      for (const id of ids) {
        const row = await spans(id);
        const overlapping = row.filter((s) => s.start < target.end && target.start < s.end);
        expect(overlapping.length, id).toBeGreaterThan(0);
        expect(
          row.filter((s) => s.lit),
          id,
        ).toEqual(overlapping.map((s) => ({ ...s, lit: true })));
      }
    });

    await test.step('the parity table and chart cover at least ten languages for the three tokenizers', async () => {
      const table = page.getByTestId('tokenizers.parity.table');
      await expect(table).toBeVisible();
      expect(await page.getByTestId('tokenizers.parity.row').count()).toBeGreaterThanOrEqual(10);
      await expect(table.locator('thead th')).toHaveCount(2 + 3);
      await expect(page.locator('[data-testid="tokenizers.parity.row"][data-language="en"] td').nth(1)).toContainText(
        /^1\.00/,
      );
      await expect(page.getByTestId('tokenizers.parity.chart').locator('circle')).not.toHaveCount(0);
    });

    await test.step('the character-position view draws the word for every tokenizer', async () => {
      await page.getByTestId('tokenizers.chars.word').fill('tokenization');
      await expect(page.getByTestId('tokenizers.chars.row')).toHaveCount(3);
      const gpt2Cells = page.locator(
        '[data-testid="tokenizers.chars.row"][data-tokenizer="gpt2"] [data-testid="tokenizers.chars.cell"]',
      );
      await expect(gpt2Cells).toHaveCount('tokenization'.length);
      await expect(gpt2Cells.first()).toHaveAttribute('data-token-length', '6');
    });

    await test.step("Llama 2 gives Meta's ids (the infini-gram API documentation's example), Mistral 7B its own", async () => {
      await selectOnly(page, ['llama-2', 'mistral-7b']);
      await page.getByTestId('tokenizers.text').fill('natural language processing');
      await expect(page.getByTestId('tokenizers.status')).toHaveAttribute('data-status', 'ready');
      const ids = (id: string) =>
        page.locator(`[data-testid="tokenizers.row"][data-tokenizer="${id}"] [data-testid="tokenizers.chip"]`);
      await expect(ids('llama-2')).toHaveCount(3);
      expect(await ids('llama-2').evaluateAll((chips) => chips.map((c) => c.getAttribute('data-token-id')))).toEqual([
        '5613',
        '4086',
        '9068',
      ]);
      await expect(ids('mistral-7b')).toHaveCount(3);
      expect(await ids('mistral-7b').evaluateAll((chips) => chips.map((c) => c.getAttribute('data-token-id')))).toEqual(
        ['4229', '3842', '9457'],
      );
    });
  });

  test('characters that draw nothing are shown: GPT-4o\'s "\\uFEFFusing" never reads as "using"', async ({ page }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.tokenizers').click();
    await selectOnly(page, ['gpt-4o']);
    // A byte-order mark pasted from a file, and a no-break space before a guillemet.
    const text = '\uFEFFusing System;\u00A0»';
    await page.getByTestId('tokenizers.text').fill(text);
    const chips = page.locator(
      '[data-testid="tokenizers.row"][data-tokenizer="gpt-4o"] [data-testid="tokenizers.chip"]',
    );
    await expect(chips.last()).toHaveAttribute('data-end', String(utf8Length(text)));
    await expect(chips).toHaveText(['\\uFEFFusing', '␣System', ';', '\\u00A0', '»']);
    await expect(chips.first().locator('.chip__escape')).toHaveText('\\uFEFF');
    await expect(chips.first()).toHaveAttribute('data-end', '8');
  });

  test('a broken tokenizer file names the tokenizer and the file; the other rows stay', async ({ page }) => {
    // Routed on the context: the worker fetches tokenizer files.
    await page.context().route('**/tokenizers/gemma-3/tokenizer.digest.json', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: '{"format":"tokenscope-bpe-digest","version":1,"vocab":["a",',
      }),
    );
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.tokenizers').click();
    await selectOnly(page, ['gpt2', 'gemma-3']);
    await page.getByTestId('tokenizers.text').fill('hello world');
    const error = page.locator(
      '[data-testid="tokenizers.row"][data-tokenizer="gemma-3"] [data-testid="tokenizers.row.error"]',
    );
    await expect(error).toContainText('Gemma 3');
    await expect(error).toContainText('tokenizers/gemma-3/tokenizer.digest.json');
    await expect(page.locator('[data-testid="tokenizers.row"][data-tokenizer="gpt2"]')).toHaveAttribute(
      'data-status',
      'ok',
    );
  });

  test('a tokenizer from a Hub id joins the rows; an unknown id names tokenizer.json', async ({ page }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm', hub: HUB_URL });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.tokenizers').click();
    await selectOnly(page, ['model']);
    await page.getByTestId('tokenizers.add').locator('summary').click();
    await page.getByTestId('tokenizers.add.hub').fill('tokenscope/no-such-model');
    await page.getByTestId('tokenizers.add.hub.submit').click();
    await expect(page.getByTestId('tokenizers.add.error')).toContainText(
      'tokenscope/no-such-model has no tokenizer.json',
    );
    await page.getByTestId('tokenizers.add.hub').fill('tokenscope/sotu-bytes');
    await page.getByTestId('tokenizers.add.hub.submit').click();
    const row = page.locator('[data-testid="tokenizers.row"][data-tokenizer="hub:tokenscope/sotu-bytes"]');
    await expect(row).toHaveAttribute('data-status', 'ok');
    await expect(
      page.locator('[data-testid="tokenizers.option"][data-tokenizer="hub:tokenscope/sotu-bytes"] input'),
    ).toBeChecked();
    await expect(page.getByTestId('tokenizers.row')).toHaveCount(2);
  });

  test('a 1 MB text: the page stays responsive, chips for the first 4 kB, counts over the whole text; more is refused', async ({
    page,
  }, testInfo) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.tokenizers').click();
    await selectOnly(page, ['gpt2', 'qwen3']);
    await watchResponsiveness(page);
    const line = 'The state of the Union is strong: 12,345 jobs, naïve café 😀.\n';
    const text = line.repeat(Math.floor(1_000_000 / utf8Length(line)));
    await pasteText(page.getByTestId('tokenizers.text'), text);
    // Held outside the text box: no 1 MB textarea to lay out.
    await expect(page.getByTestId('tokenizers.text.long')).toContainText(
      `${text.split('\n').length.toLocaleString('en-US')} lines`,
    );
    await expect(page.getByTestId('tokenizers.text')).toHaveCount(0);
    await expect(page.getByTestId('tokenizers.status')).toHaveAttribute('data-status', 'working');
    // The main thread answers clicks while the worker tokenizes. Four clicks a second: the
    // shipped tokenizers load from their digests, so the work can end within about a second.
    const clicks = await clickWhile(
      page,
      page.getByTestId('nav.settings'),
      () => hasStatus(page, 'tokenizers.status', 'working'),
      250,
    );
    await expect(page.getByTestId('tokenizers.status')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
    await readResponsiveness(page, testInfo, 'tokenizer lab, 1 MB');
    expect(clicks).toBeGreaterThan(3);
    await expect(page.getByTestId('tokenizers.status')).toContainText('Chips show the tokens of the first 4.0 kB');
    const gpt2 = page.locator('[data-testid="tokenizers.row"][data-tokenizer="gpt2"]');
    const count = Number(await gpt2.getAttribute('data-token-count'));
    expect(count).toBeGreaterThan(200_000);
    expect(await gpt2.getByTestId('tokenizers.chip').count()).toBeLessThan(2000);
    await expect(
      page.locator(
        '[data-testid="tokenizers.metrics.row"][data-tokenizer="gpt2"] [data-testid="tokenizers.metrics.tokens"]',
      ),
    ).toHaveText(count.toLocaleString('en-US'));

    await test.step('Cancel: the row finished before it stays, the one being worked on is not shown', async () => {
      const status = page.getByTestId('tokenizers.status');
      await pasteText(page.getByTestId('tokenizers.text.long'), text.replaceAll('strong', 'sound!'));
      // GPT-2's row in, Qwen3's being worked on.
      await expect(status).toContainText(/1 of 2 tokenizers done|Tokenizing with Qwen3 \(2 of 2\)/);
      await page.getByTestId('tokenizers.cancel').click();
      await expect(status).toHaveAttribute('data-status', 'cancelled');
      await expect(page.getByTestId('tokenizers.row')).toHaveCount(1);
      await expect(page.locator('[data-testid="tokenizers.row.pending"][data-tokenizer="qwen3"]')).toContainText(
        'not tokenized (cancelled)',
      );
      await page.getByTestId('tokenizers.again').click();
      await expect(status).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
      await expect(page.getByTestId('tokenizers.row')).toHaveCount(2);
    });

    await pasteText(page.getByTestId('tokenizers.text.long'), 'x'.repeat(1_000_001));
    await expect(page.getByTestId('tokenizers.status')).toHaveAttribute('data-status', 'too-long');
    await expect(page.getByTestId('tokenizers.status')).toContainText('takes up to 1.0 MB');
  });

  test('the bias lens shows naive, healed and exact next bytes on the default model', async ({ page }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.tokenizers').click();
    await page.getByTestId('tokenizers.bias.prompt').fill('the State of the Uni');
    await expect(page.getByTestId('tokenizers.bias.exact.bytes').locator('tr').first()).toBeVisible();
    await expect(page.getByTestId('tokenizers.bias.naive.tokens').locator('tr')).not.toHaveCount(0);
    await expect(page.getByTestId('tokenizers.bias.healed')).toContainText('backs up');
    // sotu-gpt cuts the prompt " Un" + "i"; the exact next byte is "t" (" United") or "o" (" Union"), as in the Node test.
    await expect(page.getByTestId('tokenizers.bias.exact.bytes').locator('tr').first().locator('th')).toHaveText(
      /^[to]$/,
    );
    // The worker checks every candidate token: the lens says so, and says "exact" only then.
    await expect(page.getByTestId('tokenizers.bias.exact.bound')).toContainText('Every candidate token checked');
  });

  test('bias across languages: the naive and exact next characters per language, as a chart and a table, with progress', async ({
    page,
  }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.tokenizers').click();
    await page.getByTestId('tokenizers.languageBias.perLanguage').selectOption('1');
    await page.getByTestId('tokenizers.languageBias.run').click();
    await expect(page.getByTestId('tokenizers.languageBias.progress')).toContainText(/Prompt \d+ of 17|Starting/);
    await expect(page.getByTestId('tokenizers.languageBias.row')).toHaveCount(17, { timeout: 180_000 });
    await expect(page.getByTestId('tokenizers.languageBias.chart').locator('circle')).toHaveCount(34);
    for (const cell of await page.getByTestId('tokenizers.languageBias.row').locator('td').first().allTextContents()) {
      expect(Number(cell)).toBeGreaterThanOrEqual(0);
      expect(Number(cell)).toBeLessThanOrEqual(1);
    }
    const german = page.locator('[data-testid="tokenizers.languageBias.row"][data-language="de"]');
    await german.getByRole('button').click();
    await expect(page.getByTestId('tokenizers.languageBias.prompts')).toContainText('Heute␣ist␣das␣Wetter␣sc');
  });

  test('two models on one text: the default GPT and byte models aligned on bytes, per word and in total, and the next byte of each', async ({
    page,
  }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.tokenizers').click();
    const text = 'The state of the Union is strong, and the Congress of the United States.';
    await page.getByTestId('tokenizers.text').fill(text);
    const panel = page.getByTestId('tokenizers.models');
    await test.step('the totals name both models with their tokenizers and bits per byte', async () => {
      await expect(panel.getByTestId('tokenizers.models.other')).toHaveValue(SECOND_DEFAULT_MODEL);
      await expect(panel.getByTestId('tokenizers.models.total')).toHaveCount(2, { timeout: 120_000 });
      await expect(panel.getByTestId('tokenizers.models.total').nth(0)).toContainText('sotu-gpt');
      await expect(panel.getByTestId('tokenizers.models.total').nth(1)).toContainText('sotu-bytes');
      for (const cell of await panel.getByTestId('tokenizers.models.bpb').all())
        expect(Number(await cell.textContent())).toBeGreaterThan(0);
      // The byte model has one token per byte.
      await expect(panel.getByTestId('tokenizers.models.total').nth(1).locator('td').nth(1)).toHaveText(
        String(utf8Length(text)),
      );
    });
    await test.step('the chart has two bars per word, and the table lists the largest disagreements', async () => {
      await expect(panel.getByTestId('tokenizers.models.word')).toHaveCount(text.split(' ').length);
      await expect(panel.getByTestId('tokenizers.models.word').first().locator('rect')).not.toHaveCount(0);
      await expect(panel.getByTestId('tokenizers.models.largest.row')).not.toHaveCount(0);
    });
    await test.step('the sanity view shows the next byte of each model after the same prompt, labelled as two models', async () => {
      await panel.getByTestId('tokenizers.models.prompt').fill('the State of the Uni');
      const models = panel.getByTestId('tokenizers.models.nextBytes.model');
      await expect(models).toHaveCount(2, { timeout: 120_000 });
      await expect(models.nth(0)).toContainText('sotu-gpt');
      await expect(models.nth(0)).toContainText('exact next byte');
      await expect(models.nth(1)).toContainText('sotu-bytes');
      await expect(models.nth(1)).toContainText('its own next-byte distribution');
      await expect(models.nth(1).locator('tr').first().locator('th')).not.toBeEmpty();
    });
  });
});
