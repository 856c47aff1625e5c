/** Opening the built app in a bench page and waiting until it can be driven through its test API. */
import type { Page } from '@playwright/test';

/**
 * Goes to `url` (with `?testApi=1`) and waits for the loaded model; with `labReady`, also for
 * the lab's first analysis. The test API is installed after the page's load event, so the
 * state may be missing at first.
 */
export async function openApp(page: Page, url: string, options: { labReady?: boolean } = {}): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(
    (labReady) =>
      (window.__tokenscope?.state().model ?? null) !== null &&
      (!labReady || window.__tokenscope?.state().nextToken.status === 'ready'),
    options.labReady ?? false,
    { polling: 50, timeout: 180_000 },
  );
}
