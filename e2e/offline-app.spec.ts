/**
 * The installable offline app (docs/FEATURES.md, "Installing and using Tokenscope offline"):
 * open the built app on a server of its own, let the service worker save it, stop the server
 * so every request is refused, reload, and get the same model, the same distribution and WASM
 * threads (cross-origin isolation kept) from the cache alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fingerprintDifference } from '../src/core/demoScripts/fingerprint';
import { TOUR_DONE, TOUR_STORAGE_KEY } from '../src/features/tour/tourSteps';
import { openBundledDemo, playDemoToEnd } from './demoScripts';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

// playwright.config.ts blocks service workers for every other spec.
test.use({ serviceWorkers: 'allow' });

// Returning visitors, as in every other spec: playwright.config marks the tour seen only for the usual app origin.
test.beforeEach(async ({ page }) => {
  await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [TOUR_STORAGE_KEY, TOUR_DONE]);
});

/** A server this test can stop: the shared one keeps serving the other specs. */
const OFFLINE_APP_PORT = Number(process.env.E2E_APP_PORT ?? 4317) + 50;
const APP_DIR = process.env.E2E_DIST ?? 'dist';

/** Starts tools/serve.mjs on a built app; resolves with the URL it listens on. */
async function startAppServer(dir = APP_DIR, port = OFFLINE_APP_PORT): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn('node', ['tools/serve.mjs', '--port', String(port), '--dir', dir, '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let printed = '';
  server.stdout!.setEncoding('utf8');
  for await (const chunk of server.stdout!) {
    printed += chunk;
    const url = /running at (\S+)/.exec(printed)?.[1];
    if (url) return { server, url };
  }
  throw new Error(`tools/serve.mjs stopped before listening: ${printed}`);
}

async function stopAppServer(server: ChildProcess): Promise<void> {
  server.kill();
  if (server.exitCode === null && server.signalCode === null) await once(server, 'exit');
}

/** A measurement, kept with the test's results and printed. */
function report(type: string, description: string): void {
  test.info().annotations.push({ type, description });
  console.log(`${type}: ${description}`);
}

/**
 * The distribution's bars as a person reads them: token id, label and the probabilities to the
 * digits shown. The exact probability is left out: the state the reload brings back is scored
 * in one forward pass, where online its last tokens came through the KV cache, and the two
 * round differently in the 8th digit.
 */
async function readBars(page: Page): Promise<string[]> {
  return page
    .getByTestId('distribution.bar')
    .evaluateAll((bars) => bars.map((bar) => `${bar.getAttribute('data-token-id')} ${bar.textContent}`));
}

/** Opens the demo panel, plays the bundled temperature demo to its end and returns its fingerprints. */
async function playBundledDemo(page: Page): Promise<string[]> {
  await page.getByTestId('nav.demo').click();
  await expect(page.getByTestId('demo.panel')).toBeVisible();
  await openBundledDemo(page, 'temperature');
  const fingerprints = await playDemoToEnd(page);
  await page.getByTestId('nav.demo').click();
  return fingerprints;
}

test('the installed app works with the network gone: same model, distribution and demo script, WASM threads', async ({
  page,
}) => {
  const app = new TokenscopePage(page);
  const offline = page.getByTestId('offline.badge');
  const { server, url } = await startAppServer();
  let online = { bars: [] as string[], threads: 0, demo: [] as string[] };

  try {
    await test.step('online: the app saves itself, with the default model it loaded', async () => {
      await page.goto(url);
      await app.expectModel(`embedded:${DEFAULT_MODEL}`);
      await app.expectDistribution();
      await expect(offline).toHaveAttribute('data-status', 'ready');
      await expect(offline).toContainText(/Offline ready · [\d.]+ MB/);
      await offline.locator('summary').click();
      const groups = page.getByTestId('offline.group');
      await expect(groups.filter({ hasText: `Model ${DEFAULT_MODEL}` })).toBeVisible();
      await expect(groups.filter({ hasText: 'ONNX Runtime' })).toBeVisible();
      await expect(groups.filter({ hasText: 'App' })).toBeVisible();
      const sizes = await groups.evaluateAll((rows) =>
        rows.map((row) => `${row.getAttribute('data-label')}: ${row.getAttribute('data-bytes')} bytes`),
      );
      report('cached after the default model', sizes.join('; '));

      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await expect(app.badge).toHaveAttribute('data-backend', 'wasm');
      const threads = Number(await app.badge.getAttribute('data-threads'));
      expect(threads).toBeGreaterThan(1);
      online.threads = threads;
    });

    await test.step('online: the bundled temperature demo plays to its end', async () => {
      online.demo = await playBundledDemo(page);
      // The reload below brings back this last state (text, settings, continuation): its bars are compared.
      await app.expectDistribution();
      online.bars = await readBars(page);
      expect(online.bars.length).toBeGreaterThan(0);
    });

    await test.step('installable: Chromium parses the manifest and reports no installability error', async () => {
      const cdp = await page.context().newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest', {});
      expect(manifest.url).toBe(new URL('manifest.webmanifest', url).href);
      expect(manifest.errors).toEqual([]);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      // Playwright's contexts are off-the-record profiles, where Chromium never offers to install;
      // every other check (manifest fields, icons, service worker, secure origin) must pass.
      expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
      await cdp.detach();
    });
  } finally {
    await stopAppServer(server);
  }

  await test.step('the network is gone: every request to the app server is refused', async () => {
    await expect(fetch(url)).rejects.toThrow();
  });

  await test.step('reloaded offline: the same model, distribution and threads, from the cache', async () => {
    const started = Date.now();
    const answer = await page.reload();
    // The page came from the service worker, with the isolation headers and the server's policy.
    expect(answer?.fromServiceWorker()).toBe(true);
    const headers = answer!.headers();
    expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await app.expectDistribution();
    report('offline reload to the first distribution', `${Date.now() - started} ms`);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(app.badge).toContainText('WASM');
    await expect(app.badge).toHaveAttribute('data-threads', String(online.threads));
    expect(await readBars(page)).toEqual(online.bars);
    await expect(offline).toHaveAttribute('data-status', 'ready');
  });

  await test.step('offline: the same demo plays to its end with the same tokens and probabilities', async () => {
    // Tokens exactly, probabilities to 1e-3 (fingerprintDifference says why not to the last digit).
    const offlineDemo = await playBundledDemo(page);
    expect(offlineDemo).toHaveLength(online.demo.length);
    expect(offlineDemo.map((step, i) => fingerprintDifference(step, online.demo[i]))).toEqual(
      online.demo.map(() => null),
    );
  });
});

test('a new version installs beside the running one and takes over on "Update ready — reload"', async ({ page }) => {
  // A copy of the build to redeploy: the big folders are links, the rest (index.html, sw.js) real files.
  const deployed = mkdtempSync(join(tmpdir(), 'tokenscope-offline-update-'));
  for (const name of readdirSync(APP_DIR)) {
    if (['models', 'tokenizers', 'ort', 'bigram', 'corpus'].includes(name))
      symlinkSync(resolve(APP_DIR, name), join(deployed, name));
    else cpSync(join(APP_DIR, name), join(deployed, name), { recursive: true });
  }
  const { server, url } = await startAppServer(deployed, OFFLINE_APP_PORT + 1);
  const app = new TokenscopePage(page);
  const offline = page.getByTestId('offline.badge');
  const cacheNames = () => page.evaluate(() => caches.keys());
  try {
    await page.goto(url);
    await app.expectDistribution();
    await expect(offline).toHaveAttribute('data-status', 'ready');
    await expect(offline).not.toHaveAttribute('data-version', '');
    const oldVersion = (await offline.getAttribute('data-version'))!;

    await test.step('the server gets a new version: it installs, the old one keeps running', async () => {
      const newVersion = [...oldVersion].reverse().join('');
      const sw = readFileSync(join(deployed, 'sw.js'), 'utf8');
      expect(sw).toContain(oldVersion);
      writeFileSync(join(deployed, 'sw.js'), sw.replaceAll(oldVersion, newVersion));
      await page.reload();
      await expect(offline).toHaveAttribute('data-status', 'update-ready');
      await expect(offline).toHaveText('Update ready — reload');
      expect(await cacheNames()).toEqual(
        expect.arrayContaining([`tokenscope-shell-${oldVersion}`, `tokenscope-shell-${newVersion}`]),
      );
      await app.expectDistribution();

      await offline.click();
      await expect(offline).toHaveAttribute('data-status', 'ready');
      await expect(offline).toHaveAttribute('data-version', newVersion);
      await app.expectDistribution();
      const names = await cacheNames();
      expect(names).toContain(`tokenscope-shell-${newVersion}`);
      expect(names.filter((name) => name.includes(oldVersion))).toEqual([]);
    });
  } finally {
    await stopAppServer(server);
    rmSync(deployed, { recursive: true, force: true });
  }
});
