/**
 * Browser contexts for the bench and the screenshots, as a visitor who has seen the first-visit
 * tour: its card would sit in the shots and could lie over what a bench clicks. (The e2e specs
 * get the same through playwright.config's storageState.)
 */
import type { Browser, BrowserContext, BrowserContextOptions } from '@playwright/test';
import { TOUR_DONE, TOUR_STORAGE_KEY } from '../../src/features/tour/tourSteps';

/** Marks the tour seen in every page of `context`, before the app's scripts run. */
export async function markTourSeen(context: BrowserContext): Promise<BrowserContext> {
  await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [TOUR_STORAGE_KEY, TOUR_DONE]);
  return context;
}

export async function newReturningContext(browser: Browser, options?: BrowserContextOptions): Promise<BrowserContext> {
  return markTourSeen(await browser.newContext(options));
}
