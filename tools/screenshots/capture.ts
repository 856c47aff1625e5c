/**
 * `npm run screenshots`: one PNG per view of the built app, for the README (docs/screenshots/).
 * Run it again after a UI change. It builds the app into a temporary folder, serves it with
 * tools/serve.mjs (the COOP/COEP and CSP headers of `npm start`), opens it in Debian's Chromium
 * (never a downloaded browser) at 1280×800 on the WASM backend, puts real content in each view
 * (the same steps and test ids as e2e/) and waits for it before each shot.
 *
 *   npx tsx tools/screenshots/capture.ts [view ...]   (default: every view; names as in VIEWS below)
 *
 * CHROMIUM_PATH overrides /usr/bin/chromium; SCREENSHOTS_DIST=<folder> uses an existing build.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect as playwrightExpect, type Page } from '@playwright/test';
import { createStaticServer, listen } from '../serve.mjs';
import { DEFAULT_MODEL } from '../../e2e/tokenscopePage';
import { CHROMIUM_FLAGS } from '../lib/chromiumFlags';
import { newReturningContext } from '../lib/returningVisitor';

const OUT_DIR = 'docs/screenshots';
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PARAGRAPH =
  'Fellow-Citizens of the Senate and of the House of Representatives: the state of the Union is strong, and the United States of America will meet the duties of the year.';

/** A busy machine loads a model slowly: wait up to 5 minutes for each thing (the e2e tests' config allows 90 s). */
const expect = playwrightExpect.configure({ timeout: 300_000 });
const tid = (page: Page, id: string) => page.getByTestId(id);

/** As e2e/tokenscopePage.ts: a distribution computed for the current text is on screen. */
async function expectDistribution(page: Page): Promise<void> {
  await expect(tid(page, 'distribution.chart')).toHaveAttribute('data-status', 'ready');
  await expect(tid(page, 'distribution.bar').first()).toBeVisible();
  await expect(tid(page, 'distribution.tail')).toBeVisible();
}

async function typeInLab(page: Page, text: string): Promise<void> {
  await openView(page, 'lab');
  await tid(page, 'text.input').fill(text);
  await expectDistribution(page);
}

/** Scrolls the page so that this element is at the top of the shot (the view's main figure). */
async function showFromTop(page: Page, id: string): Promise<void> {
  await tid(page, id)
    .first()
    .evaluate((element) => element.scrollIntoView({ block: 'start' }));
}

async function openView(page: Page, view: string): Promise<void> {
  await tid(page, `nav.view.${view}`).click();
  await expect(tid(page, `nav.view.${view}`)).toHaveAttribute('aria-pressed', 'true');
}

/** Each view: how to fill it with content, and what to wait for before the shot. */
const VIEWS: Record<string, (page: Page) => Promise<void>> = {
  'next-token-lab': async (page) => {
    await typeInLab(page, PARAGRAPH);
    await tid(page, 'text.chip').nth(12).click();
    await expectDistribution(page);
    await showFromTop(page, 'text.chips');
  },
  'tokenizer-lab': async (page) => {
    await openView(page, 'tokenizers');
    const options = tid(page, 'tokenizers.option');
    await expect(options.first()).toBeVisible();
    const wanted = ['model', 'gpt2', 'llama-2', 'qwen3'];
    for (const option of await options.all()) {
      await option.locator('input').setChecked(wanted.includes((await option.getAttribute('data-tokenizer'))!));
    }
    await tid(page, 'tokenizers.text').fill('Tokenizers cut 12345 apples 😀 in 2024, naïve café!');
    await expect(tid(page, 'tokenizers.row')).toHaveCount(wanted.length);
    await expect(tid(page, 'tokenizers.status')).toHaveAttribute('data-status', 'ready');
  },
  'key-space': async (page) => {
    await typeInLab(page, 'The United States of');
    await tid(page, 'distribution.bar.inspect').first().click();
    await expect(tid(page, 'nav.view.keyspace')).toHaveAttribute('aria-pressed', 'true');
    for (const id of ['keyspace.neighbours', 'keyspace.keysim', 'keyspace.maps'])
      await expect(tid(page, id)).toHaveAttribute('data-status', 'ready');
    await showFromTop(page, 'keyspace.keysim');
  },
  'bigram-layers': async (page) => {
    await openView(page, 'bigram');
    await tid(page, 'bigram.text').fill(PARAGRAPH);
    await tid(page, 'bigram.compare').click();
    await expect.poll(() => tid(page, 'bigram.chip').count()).toBeGreaterThan(20);
    await expect(tid(page, 'bigram.summary')).toBeVisible();
    await tid(page, 'bigram.chip').nth(8).click();
    await expect(tid(page, 'bigram.layers')).toHaveAttribute('data-status', 'ready');
  },
  corpus: async (page) => {
    await openView(page, 'corpus');
    await expect(tid(page, 'corpus.info')).toHaveAttribute('data-tokens', /\d+/);
    await tid(page, 'corpus.text').fill('We have met the enemy, and the state of the Union is strong.');
    await tid(page, 'corpus.score').click();
    await expect(tid(page, 'corpus.summary')).toHaveAttribute('data-tokens', /\d+/);
    await tid(page, 'corpus.chip').nth(9).click();
    await expect(tid(page, 'corpus.position')).toHaveAttribute('data-position', '9');
    await expect(tid(page, 'corpus.occurrence').first()).toBeVisible();
  },
  batch: async (page) => {
    await openView(page, 'batch');
    await tid(page, 'batch.bundled.tom').click();
    await expect(tid(page, 'batch.item').first()).toHaveAttribute('data-status', 'done', { timeout: 900_000 });
    await expect(tid(page, 'batch.results')).toHaveAttribute('data-samples', '240');
    await showFromTop(page, 'batch.results');
  },
  experiments: async (page) => {
    for (const [name, text] of [
      ['Opening of an address', PARAGRAPH],
      ['The United States of', 'The United States of'],
    ]) {
      await typeInLab(page, text);
      await tid(page, 'experiment.save.name').fill(name);
      await tid(page, 'experiment.save.button').click();
      await expect(tid(page, 'experiment.notice')).toContainText(`“${name}”`);
    }
    await openView(page, 'experiments');
    await expect(tid(page, 'experiments.row')).toHaveCount(2);
  },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in VIEWS) && name !== 'presenter');
if (unknown.length)
  throw new Error(`Unknown view ${unknown.join(', ')}; the views are ${Object.keys(VIEWS).join(', ')} and presenter`);
if (!existsSync(CHROMIUM_PATH))
  throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH.`);

const started = Date.now();
const buildDir = process.env.SCREENSHOTS_DIST ?? mkdtempSync(join(tmpdir(), 'tokenscope-screenshots-'));
if (!process.env.SCREENSHOTS_DIST) {
  execSync('npm run -s tokenizers', { stdio: 'inherit' });
  execSync(`npx vite build --outDir ${buildDir} --emptyOutDir --logLevel warn`, { stdio: 'inherit' });
}
const server = createStaticServer(buildDir);
const url = await listen(server, { port: 0, host: '127.0.0.1' }, 0);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
try {
  const page = await (
    await newReturningContext(browser, { viewport: { width: 1280, height: 800 }, colorScheme: 'light' })
  ).newPage();
  await page.goto(new URL('./?backend=wasm', url).href);
  await expect(tid(page, 'model.current')).toHaveAttribute('data-model', `embedded:${DEFAULT_MODEL}`);
  mkdirSync(OUT_DIR, { recursive: true });
  for (const [name, fill] of Object.entries(VIEWS)) {
    if (wanted.length && !wanted.includes(name)) continue;
    const viewStarted = Date.now();
    await page.evaluate(() => window.scrollTo(0, 0));
    await fill(page);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(OUT_DIR, `${name}.png`) });
    console.log(`${OUT_DIR}/${name}.png (${((Date.now() - viewStarted) / 1000).toFixed(1)} s)`);
  }
  if (!wanted.length || wanted.includes('presenter')) {
    // Presenter mode as a projector shows it: 1280×720, the lab on the default text.
    const presenter = await (
      await newReturningContext(browser, { viewport: { width: 1280, height: 720 }, colorScheme: 'light' })
    ).newPage();
    await presenter.goto(new URL('./?backend=wasm&present=1', url).href);
    await expect(tid(presenter, 'distribution.bar').first()).toBeVisible();
    await presenter.mouse.move(0, 0);
    await presenter.waitForTimeout(500);
    await presenter.screenshot({ path: join(OUT_DIR, 'presenter.png') });
    console.log(`${OUT_DIR}/presenter.png`);
  }
} finally {
  await browser.close();
  server.close();
  if (!process.env.SCREENSHOTS_DIST) rmSync(buildDir, { recursive: true, force: true });
}
console.log(`Screenshots done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
