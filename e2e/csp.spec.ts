/**
 * The locked-down page: tools/serve.mjs sends a Content-Security-Policy, nosniff and
 * no-referrer; the app works under them (the WebGPU run is in webgpu.spec.ts), and what the
 * policy exists for is refused: inline scripts, inline event handlers, fetches to hosts it does
 * not list. (Eval cannot be tried from here: code Playwright evaluates is exempt from the
 * policy; the header test checks that script-src has no 'unsafe-eval'.)
 */
import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_MODEL, HUB_URL, TokenscopePage } from './tokenscopePage';

/**
 * The securitypolicyviolation events of the page and of its workers, as "directive blocked-URI".
 * A worker reports in its own scope, so a listener is added to each worker as it starts; one
 * that fires before the listener is in place (in the first milliseconds) is missed.
 */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  const inWorkers: string[] = [];
  const prefix = 'securitypolicyviolation: ';
  page.on('worker', (worker) => {
    worker.on('console', (message) => {
      if (message.text().startsWith(prefix)) inWorkers.push(message.text().slice(prefix.length));
    });
    void worker
      .evaluate(
        (prefix) =>
          self.addEventListener('securitypolicyviolation', (event) =>
            console.log(`${prefix}${event.effectiveDirective} ${event.blockedURI}`),
          ),
        prefix,
      )
      .catch(() => undefined); // a worker that already ended
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
    );
  });
  return async () => [
    ...(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)),
    ...inWorkers,
  ];
}

test('the page and its scripts are sent with the CSP, nosniff and no Referer', async ({ page, request }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  const script = await page.locator('script[type="module"][src]').first().getAttribute('src');
  expect(script).toMatch(/^\/assets\/.+\.js$/);
  const hubOrigin = new URL(HUB_URL).origin;
  for (const path of ['/', script!]) {
    const headers = (await request.get(path)).headers();
    const policy = headers['content-security-policy'] ?? '';
    expect(policy, path).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(policy, path).not.toContain('unsafe-inline');
    expect(policy, path).not.toContain("'unsafe-eval'");
    expect(policy, path).toContain("worker-src 'self';");
    expect(policy, path).toContain("style-src 'self';");
    // The infini-gram API by default, then the hosts playwright.config.ts gives: the loopback Hub and the loopback infini-gram API (and its unreachable twin).
    expect(policy, path).toMatch(
      new RegExp(
        `connect-src 'self' https://huggingface\\.co https://\\*\\.huggingface\\.co https://\\*\\.hf\\.co https://api\\.infini-gram\\.io ${hubOrigin.replace(/\./g, '\\.')}[ ;]`,
      ),
    );
    expect(policy, path).toContain("object-src 'none'");
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('no-referrer');
  }
});

test('the app loads its model and scores text on WASM under the policy, with no violation', async ({ page }) => {
  const violations = await recordViolations(page);
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await expect(app.badge).toHaveAttribute('data-backend', 'wasm');
  await app.typeText('The Union is strong');
  await app.expectDistribution();
  // Threads need cross-origin isolation, which the policy must not have cost.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await violations()).toEqual([]);
});

test('a chart exported as SVG and PNG under the policy reports no violation', async ({ page }) => {
  const violations = await recordViolations(page);
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.typeText('The Union is strong');
  await app.expectDistribution();
  for (const format of ['svg', 'png']) {
    const download = page.waitForEvent('download');
    await page.getByTestId(`distribution.export.${format}`).click();
    expect((await download).suggestedFilename()).toMatch(new RegExp(`\\.${format}$`));
  }
  expect(await violations()).toEqual([]);
});

test('an injected inline script, an inline handler and a fetch to an unlisted host are refused', async ({ page }) => {
  const violations = await recordViolations(page);
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  const outcome = await page.evaluate(async () => {
    const flags = window as unknown as Record<string, boolean | undefined>;
    const script = document.createElement('script');
    script.textContent = 'window.__inlineScriptRan = true;';
    document.head.append(script);
    const image = document.createElement('img');
    image.setAttribute('onerror', 'window.__inlineHandlerRan = true;');
    image.src = '/no-such-image.png';
    document.body.append(image);
    const fetched = async (url: string) =>
      fetch(url).then(
        () => 'fetched',
        () => 'refused',
      );
    const unlisted = await fetched('http://127.0.0.1:9/tokenscope/x/resolve/main/config.json');
    await new Promise((resolve) => setTimeout(resolve, 500));
    return {
      inlineScript: flags.__inlineScriptRan ?? false,
      inlineHandler: flags.__inlineHandlerRan ?? false,
      unlisted,
    };
  });
  expect(outcome).toEqual({ inlineScript: false, inlineHandler: false, unlisted: 'refused' });
  await expect
    .poll(violations)
    .toEqual(
      expect.arrayContaining([
        'script-src-elem inline',
        'script-src-attr inline',
        'connect-src http://127.0.0.1:9/tokenscope/x/resolve/main/config.json',
      ]),
    );
  // The loopback Hub given to the server with --connect-src is allowed.
  expect(await page.evaluate(async (url) => (await fetch(`${url}__requests`)).ok, HUB_URL)).toBe(true);
});

test("the engine's worker is under the policy too: a Hub host it does not list is refused", async ({ page }) => {
  const violations = await recordViolations(page);
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm', hub: 'http://127.0.0.1:9/' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.loadHubModel('tokenscope/sotu-gpt', 'fp32');
  await expect(app.loadError).toContainText('tokenscope/sotu-gpt');
  await expect
    .poll(violations)
    .toContain('connect-src http://127.0.0.1:9/tokenscope/sotu-gpt/resolve/main/config.json');
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
});
