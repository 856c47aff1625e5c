/**
 * The corpus view: the default model's training split indexed in the worker (then read back
 * from this browser's storage), the ∞-gram beside the model at a position with the counts a
 * brute-force scan of the shipped token file gives, where the matching span occurs, and an
 * index built from files the user picks.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

interface SplitEntry {
  file: string;
  tokens: number;
  documents: { year: number; president: string; start: number; length: number }[];
}
const filesIndex = JSON.parse(readFileSync('public/corpus/index.json', 'utf8')) as {
  models: Record<string, string>;
  corpora: Record<string, SplitEntry>;
};
const split = filesIndex.corpora[filesIndex.models[DEFAULT_MODEL]];
const splitBytes = readFileSync(join('public/corpus', split.file));
const splitIds = new Uint16Array(splitBytes.buffer, splitBytes.byteOffset, split.tokens);

/** Occurrences of the pattern in the training split's documents, counted one position at a time. */
function occurrences(pattern: number[]): number {
  let count = 0;
  for (const doc of split.documents) {
    for (let i = doc.start; i + pattern.length <= doc.start + doc.length; i++) {
      let k = 0;
      while (k < pattern.length && splitIds[i + k] === pattern[k]) k++;
      if (k === pattern.length) count++;
    }
  }
  return count;
}

async function openCorpus(page: Page): Promise<TokenscopePage> {
  const app = new TokenscopePage(page);
  await app.open();
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await page.getByTestId('nav.view.corpus').click();
  return app;
}

/** Tokens of a text under the loaded model, from the app's test API. */
async function tokenCount(page: Page, text: string): Promise<number> {
  type Api = { __tokenscope: { call(kind: 'tokenize', params: { text: string }): Promise<{ ids: number[] }> } };
  return page.evaluate(
    async (t) => (await (window as unknown as Api).__tokenscope.call('tokenize', { text: t })).ids.length,
    text,
  );
}

const chipIds = (page: Page) =>
  page.getByTestId('corpus.chip').evaluateAll((chips) => chips.map((c) => Number(c.getAttribute('data-token-id'))));

/** Scores a text and waits for its chips: one per token, as many as the summary counts. */
async function score(page: Page, text: string, tokens: number): Promise<void> {
  await page.getByTestId('corpus.text').fill(text);
  await page.getByTestId('corpus.score').click();
  await expect(page.getByTestId('corpus.summary')).toHaveAttribute('data-tokens', String(tokens));
  await expect.poll(async () => (await chipIds(page)).length).toBe(tokens);
}

test('the training split beside the model: counts equal a scan of the shipped tokens, spans name their address', async ({
  page,
}) => {
  await openCorpus(page);

  await test.step('the training split is indexed on first use, with its size', async () => {
    const info = page.getByTestId('corpus.info');
    await expect(info).toHaveAttribute('data-tokens', String(split.tokens), { timeout: 60_000 });
    await expect(info).toHaveAttribute('data-from-store', 'false');
    await expect(info).toContainText('210 documents');
  });

  const text = 'We have met the enemy, and the state of the Union is strong. Zyxwv qplk.';
  await test.step('scoring: one chip per token, effective n from a scan of the corpus', async () => {
    await score(page, text, await tokenCount(page, text));
    const ids = await chipIds(page);
    const effective = await page
      .getByTestId('corpus.chip')
      .evaluateAll((chips) => chips.map((c) => Number(c.getAttribute('data-effective-n'))));
    // Position 9: its suffix occurs, one token longer does not.
    const i = 9;
    const suffixLength = effective[i] - 1;
    expect(occurrences(ids.slice(i - suffixLength, i))).toBeGreaterThan(0);
    if (suffixLength < i) expect(occurrences(ids.slice(i - suffixLength - 1, i))).toBe(0);
    await expect(page.getByTestId('corpus.agreement-chart')).toBeVisible();
    await expect(page.getByTestId('corpus.interpolation')).toHaveAttribute('data-combined', /\d/);
  });

  await test.step('a position: both distributions, the context count and where the span occurs', async () => {
    const ids = await chipIds(page);
    const i = 9;
    await page.getByTestId('corpus.chip').nth(i).click();
    const detail = page.getByTestId('corpus.position');
    await expect(detail).toHaveAttribute('data-position', String(i));
    await expect(page.getByTestId('corpus.model-bars').getByRole('listitem').first()).toBeVisible();
    const figure = page.getByTestId('corpus.infinigram-bars');
    const suffixLength = Number(await figure.getAttribute('data-suffix-length'));
    expect(Number(await figure.getAttribute('data-context-count'))).toBe(occurrences(ids.slice(i - suffixLength, i)));
    const first = page.getByTestId('corpus.occurrence').first();
    await expect(first).toContainText(/\d{4} · /);
  });

  await test.step('keyboard: → moves to the next position', async () => {
    await page.getByTestId('corpus.chip').nth(9).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('corpus.position')).toHaveAttribute('data-position', '10');
  });

  await test.step('after a reload the index is read back from this browser, not built again', async () => {
    await page.reload();
    await expect(page.getByTestId('model.current')).toHaveAttribute('data-model', `embedded:${DEFAULT_MODEL}`);
    await page.getByTestId('nav.view.corpus').click();
    await expect(page.getByTestId('corpus.info')).toHaveAttribute('data-from-store', 'true', { timeout: 60_000 });
  });
});

test("an index of the user's own files: a span's source names the file", async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenscope-corpus-'));
  writeFileSync(
    join(dir, 'notes.txt'),
    'Look: the quokka of Rottnest Island smiles at every visitor, naïvely — 日本語 too.',
  );
  writeFileSync(join(dir, 'other.md'), 'Nothing to see here but a line of text.');
  writeFileSync(join(dir, 'empty.txt'), '');
  await openCorpus(page);
  await page.getByTestId('corpus.kind.texts').check();

  await test.step('files over the corpus limit are refused by their size, before they are read', async () => {
    writeFileSync(join(dir, 'huge.txt'), Buffer.alloc(20_000_001, 0x61));
    await page.getByTestId('corpus.files').setInputFiles(join(dir, 'huge.txt'));
    await expect(page.getByTestId('corpus.texts.error')).toContainText(
      'The total of these files is 20.0 MB (20,000,001 bytes); a corpus of your texts takes up to 20.0 MB.',
    );
    await expect(page.getByTestId('corpus.file-list')).toHaveCount(0);
  });

  await test.step('an empty file gives no corpus, and says why', async () => {
    await page.getByTestId('corpus.files').setInputFiles(join(dir, 'empty.txt'));
    await page.getByTestId('corpus.build').click();
    await expect(page.getByTestId('corpus.error')).toContainText('no tokens');
  });

  await test.step("two files are indexed with the model's tokenizer", async () => {
    await page.getByRole('button', { name: 'Remove empty.txt' }).click();
    await page.getByTestId('corpus.files').setInputFiles([join(dir, 'notes.txt'), join(dir, 'other.md')]);
    await page.getByTestId('corpus.build').click();
    await expect(page.getByTestId('corpus.info')).toContainText('2 documents');
  });

  await test.step('a file dropped on the box joins them', async () => {
    const drop = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(
        new File(['Dropped words about the quokka of Rottnest Island.'], 'dropped.txt', { type: 'text/plain' }),
      );
      return data;
    });
    await page.getByTestId('corpus.texts').dispatchEvent('drop', { dataTransfer: drop });
    await expect(page.getByTestId('corpus.file-list')).toContainText('dropped.txt');
    await page.getByTestId('corpus.build').click();
    await expect(page.getByTestId('corpus.info')).toContainText('3 documents');
  });

  await test.step('the position after a copied span shows it and its file', async () => {
    await score(
      page,
      'Yesterday the quokka of Rottnest Island smiles',
      await tokenCount(page, 'Yesterday the quokka of Rottnest Island smiles'),
    );
    const ids = await chipIds(page);
    // The token after " Island" (" sm" on the GPT-2-style tokenizer; " smiles" is two tokens): its context ends with
    // " the quokka of Rottnest Island", which occurs in notes.txt and in dropped.txt.
    await page
      .getByTestId('corpus.chip')
      .nth(ids.length - 2)
      .click();
    const span = page.getByTestId('corpus.span');
    expect(Number(await span.getAttribute('data-length'))).toBeGreaterThanOrEqual(5);
    await expect(span).toHaveAttribute('data-occurrences', '2');
    await expect(page.getByTestId('corpus.occurrence')).toHaveCount(2);
    await expect(page.getByTestId('corpus.occurrence').filter({ hasText: 'notes.txt' })).toHaveCount(1);
    await expect(page.getByTestId('corpus.occurrence').filter({ hasText: 'dropped.txt' })).toHaveCount(1);
  });
});
