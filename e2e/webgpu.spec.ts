import { expect, test } from '@playwright/test';
import { expectForwardMatchesPyTorch } from './fixture';
import { labScenario } from './labScenario';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

// Chromium here has no GPU: --enable-unsafe-webgpu gives a SwiftShader adapter, ~100x slower
// than WASM. Short texts only; this proves the WebGPU path, it measures nothing.
test('runs on WebGPU when there is an adapter, and the user can force WASM', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open();
  await app.typeText('The Union');

  await test.step('WebGPU is chosen and predicts', async () => {
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await expect(app.badge).toHaveAttribute('data-backend', 'webgpu');
    await expect(app.badge).toContainText('WebGPU');
    await expect(page.getByTestId('backend.reason')).toHaveCount(0);
    await app.expectDistribution();
    await expectForwardMatchesPyTorch(page, 1e-3);
  });

  await test.step('forcing WASM restarts the engine on WASM and keeps the text', async () => {
    await page.getByTestId('nav.settings').click();
    await page.getByTestId('settings.backend.wasm').check();
    await expect(app.badge).toHaveAttribute('data-backend', 'wasm');
    await expect(page.getByTestId('backend.reason')).toContainText('WASM was chosen in the settings');
    await expect(app.text).toHaveValue('The Union');
    await expect(app.workerNotice).toHaveCount(0);
    await app.expectDistribution();
  });
});

test('the next-token lab runs on WebGPU with both embedded models', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open();
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await expect(app.badge).toHaveAttribute('data-backend', 'webgpu');
  await labScenario(page, DEFAULT_MODEL, 'The Union is strong');
  await app.openModels();
  await page.getByTestId('model.embedded.sotu-bytes').click();
  await app.expectModel('embedded:sotu-bytes');
  await expect(app.badge).toHaveAttribute('data-backend', 'webgpu');
  await labScenario(page, 'sotu-bytes', 'We the');
});

// Picks sotu-llama while the lab is still scoring a text with the default model: ONNX Runtime's
// WebGPU build crashed ("memory access out of bounds") when a session was created during
// another session's run, until the engine queued the two (src/engine/onnxRuntimeQueue.ts).
test('the next-token lab runs on WebGPU with sotu-llama, picked while the lab is scoring', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open();
  // The picker closes when the default model finishes loading: pick sotu-llama after it.
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  // Scoring the default text is one forward pass of seconds on SwiftShader: the pick lands in it.
  // While the precomputed first view is shown the status says so until the live analysis lands.
  await expect(page.getByTestId('analysis.status')).toHaveAttribute('data-status', /^(running|precomputed)$/);
  await app.openModels();
  await page.getByTestId('model.embedded.sotu-llama').click();
  await app.expectModel('embedded:sotu-llama');
  await expect(app.loadError).toHaveCount(0);
  await expect(app.badge).toHaveAttribute('data-backend', 'webgpu');
  await labScenario(page, 'sotu-llama', 'The Union is strong');
});

test('the bigram view and its layer view run on WebGPU', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open();
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await expect(app.badge).toHaveAttribute('data-backend', 'webgpu');
  await page.getByTestId('nav.view.bigram').click();
  await page.getByTestId('bigram.text').fill('The Union is strong.');
  await page.getByTestId('bigram.compare').click();
  await expect(page.getByTestId('bigram.summary')).toBeVisible();
  const first = await page.getByTestId('bigram.chip').first().getAttribute('data-bigramness');
  expect(Number(first)).toBeCloseTo(1, 3);
  await page.getByTestId('bigram.chip').nth(2).click();
  await expect(page.getByTestId('bigram.layers')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('bigram.lens.row')).toHaveCount(5);
  expect(Number((await page.getByTestId('bigram.lens.kl').allTextContents())[4])).toBeLessThan(1e-3);
});

// The Content-Security-Policy of tools/serve.mjs (e2e/csp.spec.ts tests it on WASM) must not
// cost the WebGPU path anything: the asyncify ONNX Runtime build, its workers and WebGPU itself
// run with no violation in the page or in a worker (a listener is added to each as it starts).
test('runs on WebGPU under the Content-Security-Policy, with no violation', async ({ page, request }) => {
  expect((await request.get('/')).headers()['content-security-policy']).toContain(
    "script-src 'self' 'wasm-unsafe-eval';",
  );
  const violations: string[] = [];
  page.on('worker', (worker) => {
    worker.on('console', (message) => {
      if (message.text().startsWith('violation: ')) violations.push(message.text());
    });
    void worker
      .evaluate(() =>
        self.addEventListener('securitypolicyviolation', (e) =>
          console.log(`violation: ${e.effectiveDirective} ${e.blockedURI}`),
        ),
      )
      .catch(() => undefined);
  });
  await page.exposeFunction('__reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    const report = (window as unknown as { __reportViolation: (text: string) => void }).__reportViolation;
    document.addEventListener('securitypolicyviolation', (e) =>
      report(`violation: ${e.effectiveDirective} ${e.blockedURI}`),
    );
  });
  const app = new TokenscopePage(page);
  await app.open();
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await expect(app.badge).toHaveAttribute('data-backend', 'webgpu');
  await app.typeText('The Union');
  await app.expectDistribution();
  expect(violations).toEqual([]);
});
