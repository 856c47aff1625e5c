/** Page object for Tokenscope: what a person sees and does, by test id. */
import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';

const manifest = JSON.parse(readFileSync('public/models/models.json', 'utf8')) as {
  default: string;
  secondDefault: string;
};
/** The model the app opens on (public/models/models.json's `default`). */
export const DEFAULT_MODEL = manifest.default;
/** The two-model comparison's default other model when the default is loaded. */
export const SECOND_DEFAULT_MODEL = manifest.secondDefault;

export const HUB_URL = `http://127.0.0.1:${process.env.E2E_HUB_PORT ?? 4318}/`;

export class TokenscopePage {
  readonly badge: Locator;
  readonly currentModel: Locator;
  readonly text: Locator;
  readonly bars: Locator;
  readonly tail: Locator;
  readonly chart: Locator;
  readonly loadProgress: Locator;
  readonly loadError: Locator;
  readonly workerNotice: Locator;

  constructor(readonly page: Page) {
    this.badge = page.getByTestId('backend.badge');
    this.currentModel = page.getByTestId('model.current');
    this.text = page.getByTestId('text.input');
    this.bars = page.getByTestId('distribution.bar');
    this.tail = page.getByTestId('distribution.tail');
    this.chart = page.getByTestId('distribution.chart');
    this.loadProgress = page.getByTestId('load.progress');
    this.loadError = page.getByTestId('load.error');
    this.workerNotice = page.getByTestId('worker.notice');
  }

  /** Opens the app with a fresh profile's defaults plus the given query. */
  async open(query: Record<string, string> = {}): Promise<void> {
    const search = new URLSearchParams({ testApi: '1', ...query });
    await this.page.goto(`./?${search}`);
  }

  async expectModel(key: string): Promise<void> {
    await expect(this.currentModel).toHaveAttribute('data-model', key);
  }

  /** Waits until a distribution computed for the current text is on screen. */
  async expectDistribution(): Promise<void> {
    await expect(this.chart).toHaveAttribute('data-status', 'ready');
    await expect(this.bars.first()).toBeVisible();
    await expect(this.tail).toBeVisible();
  }

  async typeText(text: string): Promise<void> {
    await this.text.fill(text);
  }

  async openModels(): Promise<void> {
    const picker = this.page.getByTestId('model.picker');
    if (!(await picker.isVisible())) await this.page.getByTestId('nav.models').click();
    await expect(picker).toBeVisible();
  }

  async loadHubModel(id: string, dtype = 'auto'): Promise<void> {
    await this.openModels();
    await this.page.getByTestId('model.hub.id').fill(id);
    await this.page.getByTestId('model.hub.dtype').selectOption(dtype);
    await this.page.getByTestId('model.hub.load').click();
  }

  async loadFolder(folder: string): Promise<void> {
    await this.openModels();
    await this.page.getByTestId('model.folder.input').setInputFiles(folder);
  }

  fileRow(path: string): Locator {
    return this.page.locator(`[data-testid="load.file"][data-path="${path}"]`);
  }
}

/**
 * Pastes a text as the user's Ctrl+V does, selecting everything first: a paste event with the
 * text on its clipboard, which the app may take (long texts); where the app lets it through,
 * the text is inserted as the browser would (a synthetic paste inserts nothing by itself, and
 * `fill` types 200 kB character by character).
 */
export async function pasteText(target: Locator, text: string): Promise<void> {
  await target.evaluate((element, value) => {
    (element as HTMLElement).focus();
    if (element instanceof HTMLTextAreaElement) element.select();
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', value);
    const paste = new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true });
    if (!element.dispatchEvent(paste) || !(element instanceof HTMLTextAreaElement)) return;
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(element, value);
    element.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}
