/** Demo scripts in the e2e: open the panel or a bundled demo, play to the end, read the fingerprints. */
import { expect, type Page } from '@playwright/test';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

/** Opens the app (optionally with a `#demo=…` fragment) on the default model, with the demo panel open. */
export async function openDemoPanel(page: Page, hash = ''): Promise<void> {
  const app = new TokenscopePage(page);
  await page.goto(`./?testApi=1&backend=wasm${hash}`);
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await page.getByTestId('nav.demo').click();
  await expect(page.getByTestId('demo.panel')).toBeVisible();
}

/** Opens a bundled demo by id ('temperature', 'tokenization-bias', 'key-space', 'bigram') at its start. */
export async function openBundledDemo(page: Page, id: string): Promise<void> {
  await page.getByTestId('demo.bundled').selectOption(id);
  await page.getByTestId('demo.open').click();
  await expect(page.getByTestId('demo.title')).toHaveAttribute('data-source', id);
}

/** Waits until the script sits at `played` steps with nothing running and no error. */
export async function expectDemoSettledAt(page: Page, played: number): Promise<void> {
  const status = page.getByTestId('demo.status');
  await expect(status).toHaveAttribute('data-played', String(played), { timeout: 180_000 });
  await expect(status).toHaveAttribute('data-running', 'false', { timeout: 180_000 });
  await expect(page.getByTestId('demo.error')).toHaveCount(0);
}

/** Plays from the start to the end with the strip's Next button; returns every fingerprint (the start's first). */
export async function playDemoToEnd(page: Page): Promise<string[]> {
  await expectDemoSettledAt(page, 0);
  const total = Number(await page.getByTestId('demo.status').getAttribute('data-total'));
  expect(total).toBeGreaterThan(0);
  for (let played = 1; played <= total; played++) {
    await page.getByTestId('demo.strip.next').click();
    await expectDemoSettledAt(page, played);
  }
  const start = (await page.getByTestId('demo.status').getAttribute('data-start-fingerprint')) ?? '';
  const fingerprints = [start, ...(await stepFingerprints(page))];
  for (const fingerprint of fingerprints) expect(fingerprint).toMatch(/ids \d/);
  return fingerprints;
}

/** The fingerprint after each step (empty for a step not played yet). */
export function stepFingerprints(page: Page): Promise<string[]> {
  return page
    .getByTestId('demo.step')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-fingerprint') ?? ''));
}
