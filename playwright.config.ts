/**
 * End-to-end tests against the BUILT app (dist/, served by tools/serve.mjs) in Debian's
 * Chromium, with a loopback Hub-style server for remote loading. Never downloads a browser.
 */
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPLICA_IDS, REPLICAS_DIR } from './e2e/replicaIds';
import { CHROMIUM_FLAGS } from './tools/lib/chromiumFlags';
import { TOUR_DONE, TOUR_STORAGE_KEY } from './src/features/tour/tourSteps';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM_PATH)) {
  throw new Error(
    `Chromium was not found at ${CHROMIUM_PATH}. Install Debian's package (sudo apt-get install -y chromium) ` +
      'or set CHROMIUM_PATH to a Chromium binary. Tokenscope never downloads a browser.',
  );
}

export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 4317);
export const HUB_PORT = Number(process.env.E2E_HUB_PORT ?? 4318);
/** The loopback infini-gram API (tools/infinigram-server.mjs); the same port on 127.0.0.2 stands for an unreachable API host (nothing listens there). */
export const INFINIGRAM_PORT = Number(process.env.E2E_INFINIGRAM_PORT ?? 4319);
/** Its corpus: a few sentences tokenized at start with the Llama 2 tokenizer the app ships (tools/infinigram-corpus.ts). */
const INFINIGRAM_CORPUS = join(tmpdir(), `tokenscope-infinigram-corpus-${INFINIGRAM_PORT}.json`);
/** The built app to test; another folder (`vite build --outDir X`) lets two checkouts' runs not share dist/. */
const APP_DIR = process.env.E2E_DIST ?? 'dist';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export default defineConfig({
  testDir: 'e2e',
  // Two cores: one browser at a time keeps timings and model loads sane.
  workers: 1,
  fullyParallel: false,
  timeout: 240_000,
  expect: { timeout: 90_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}/`,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS },
    trace: 'retain-on-failure',
    // Every spec opens the app as a visitor who has seen the first-visit tour (its card could sit over a control a
    // spec clicks), however it opens the page; e2e/first-visit.spec.ts starts from an empty profile.
    storageState: {
      cookies: [],
      origins: [
        {
          origin: `http://127.0.0.1:${APP_PORT}`,
          localStorage: [{ name: TOUR_STORAGE_KEY, value: TOUR_DONE }],
        },
      ],
    },
    // The built app registers a service worker (the offline app); only e2e/offline-app.spec.ts lets it run.
    serviceWorkers: 'block',
  },
  projects: [
    { name: 'wasm', testIgnore: /webgpu\.spec\.ts/ },
    {
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: [...CHROMIUM_FLAGS.filter((f) => f !== '--disable-gpu'), '--enable-unsafe-webgpu'],
        },
      },
    },
  ],
  webServer: [
    {
      // The loopback Hub is allowed in the page's Content-Security-Policy (connect-src) like a user's own Hub host,
      // and so are the loopback infini-gram API and its unreachable twin on 127.0.0.2.
      command:
        `node tools/serve.mjs --port ${APP_PORT} --dir ${APP_DIR} --quiet --connect-src http://127.0.0.1:${HUB_PORT} ` +
        `--connect-src http://127.0.0.1:${INFINIGRAM_PORT} --connect-src http://127.0.0.2:${INFINIGRAM_PORT}`,
      url: `http://127.0.0.1:${APP_PORT}/`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // The embedded models as tokenscope/<id>, and the replicas of the Hub's export layouts
      // (tools/replicas/build.py, about a second) under the ids e2e/hub-replicas.spec.ts loads.
      command: `${PYTHON} tools/replicas/build.py --out ${REPLICAS_DIR} > /dev/null && node tools/hub-server.mjs --port ${HUB_PORT} ${REPLICA_IDS.map(([id, folder]) => `--model ${id}=${REPLICAS_DIR}/${folder}`).join(' ')}`,
      url: `http://127.0.0.1:${HUB_PORT}/__requests`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // The infini-gram API's test double for e2e/corpus-api.spec.ts, answering for the default index.
      command: `npx tsx tools/infinigram-corpus.ts --out ${INFINIGRAM_CORPUS} && node tools/infinigram-server.mjs --port ${INFINIGRAM_PORT} --corpus ${INFINIGRAM_CORPUS} --index v4_rpj_llama_s4`,
      url: `http://127.0.0.1:${INFINIGRAM_PORT}/__requests`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
