/**
 * Experiments storage under pressure, in a real Chromium IndexedDB: an import interrupted by
 * a reload, a full disk in the middle of an import, two tabs changing the same experiments at
 * once, and an older tab blocking the database upgrade. Each counts the stored records before
 * and after, straight from IndexedDB: nothing lost, nothing duplicated.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { exampleExperiments, exampleExportFile } from '../src/storage/exampleFiles';
import { summarise } from '../src/storage/summary';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

/** What IndexedDB holds, read around the app: record ids and names, and how many summaries. */
async function stored(page: Page): Promise<{ ids: string[]; names: string[]; summaries: number }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tokenscope');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const tx = db.transaction(['experiments', 'experimentSummaries']);
    const [records, summaries] = await Promise.all([
      read(tx.objectStore('experiments').getAll()),
      read(tx.objectStore('experimentSummaries').count()),
    ]);
    db.close();
    return {
      ids: records.map((r: { id: string }) => r.id),
      names: records.map((r: { name: string }) => r.name),
      summaries,
    };
  });
}

function writeExportFile(name: string, count: number, idPrefix: string): string {
  const path = join(tmpdir(), `${name}-${process.pid}.json`);
  writeFileSync(path, exampleExportFile(count, { idPrefix, namePrefix: idPrefix }));
  return path;
}

async function openApp(page: Page): Promise<TokenscopePage> {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  return app;
}

const count = (text: string) => Number(text.replace(/,/g, ''));

test('an import cut off by a reload says what came in; importing again finishes it without duplicates', async ({
  page,
}) => {
  const path = writeExportFile('interrupted-import', 2_000, 'cut');
  const fileName = path.split('/').pop()!;
  await openApp(page);
  await page.getByTestId('nav.view.experiments').click();
  await expect(page.getByTestId('empty-hint.experiments')).toBeVisible();

  await page.getByTestId('experiments.import').setInputFiles(path);
  // Reload once some records are in, as a person closing the tab would.
  await expect.poll(async () => (await stored(page)).ids.length, { intervals: [50] }).toBeGreaterThan(0);
  await page.reload();

  const notice = page.getByTestId('experiment.notice');
  const interrupted =
    /^An import of \S+ was interrupted: ([\d,]+) of 2,000 records were imported; import the file again to finish \(records already imported are not duplicated\)\.$/;
  await expect(notice).toHaveText(interrupted);
  expect(await notice.textContent()).toContain(fileName);
  const imported = count(interrupted.exec((await notice.textContent())!)![1]);
  const before = await stored(page);
  expect(imported).toBeGreaterThan(0);
  expect(imported).toBeLessThan(2_000);
  expect(before.ids).toHaveLength(imported);
  expect(before.summaries).toBe(imported);

  await page.getByTestId('nav.view.experiments').click();
  await expect(page.getByTestId('experiments.count')).toHaveAttribute('data-count', String(imported));
  await page.getByTestId('experiments.import').setInputFiles(path);
  await expect(page.getByTestId('experiments.notice')).toContainText(
    `Imported ${(2_000 - imported).toLocaleString('en-US')} experiments from ${fileName}. ${imported.toLocaleString('en-US')} experiments of the file were already stored (not duplicated).`,
  );
  const after = await stored(page);
  expect(after.ids.sort()).toEqual(Array.from({ length: 2_000 }, (_, i) => `cut-${i}`).sort());
  expect(after.summaries).toBe(2_000);
});

test('2,000 experiments: only the rows in view are in the DOM, and scrolling reaches the oldest', async ({ page }) => {
  const path = writeExportFile('long-list', 2_000, 'long');
  await openApp(page);
  await page.getByTestId('nav.view.experiments').click();
  await page.getByTestId('experiments.import').setInputFiles(path);
  await expect(page.getByTestId('experiments.notice')).toContainText(/Imported 2,?000 experiments/);
  await expect(page.getByTestId('experiments.row').first()).toContainText('long 1999');
  // Before the list was virtualised all 2,000 rows (16,000 buttons and boxes) were in the DOM: 2.3 s per visit to the tab.
  expect(await page.getByTestId('experiments.row').count()).toBeLessThan(60);
  await expect(page.getByTestId('experiments.count')).toHaveText('2,000 experiments');
  await page.getByTestId('experiments.scroll').evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
  await expect(
    page
      .getByTestId('experiments.row')
      .filter({ has: page.getByTestId('experiments.name').getByText('long 0', { exact: true }) }),
  ).toBeVisible();
  expect(await page.getByTestId('experiments.row').count()).toBeLessThan(60);
});

test('a full disk in the middle of an import: it says how many came in, keeps no half batch, and importing again finishes it', async ({
  page,
}) => {
  // Chromium's DevTools quota override (Storage.overrideQuotaForOrigin) does not make IndexedDB
  // writes fail here, so the disk "fills" after 450 records: every later put throws as a full disk's does.
  await page.addInitScript(() => {
    const realPut = IDBObjectStore.prototype.put;
    let records = 0;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const disk = window as unknown as { __diskFreed?: boolean };
      if (this.name === 'experiments' && ++records > 450 && !disk.__diskFreed)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.apply(this, args);
    };
  });
  const path = writeExportFile('quota-import', 1_000, 'full');
  const fileName = path.split('/').pop()!;
  await openApp(page);
  await page.getByTestId('nav.view.experiments').click();
  await expect(page.getByTestId('empty-hint.experiments')).toBeVisible();

  await page.getByTestId('experiments.import').setInputFiles(path);
  const notice = page.getByTestId('experiments.notice');
  const fullDisk =
    /full: ([\d,]+) of 1,000 records from (\S+) were imported\. Make room .*import the file again to finish/;
  await expect(notice).toHaveText(fullDisk);
  const imported = count(fullDisk.exec((await notice.textContent())!)![1]);
  // Batches of 100 are written whole or not at all: the 5th (records 401–500) failed.
  expect(imported).toBe(400);
  expect(await notice.textContent()).toContain(fileName);
  const before = await stored(page);
  expect(before.ids).toHaveLength(400);
  expect(before.summaries).toBe(400);
  await expect(page.getByTestId('experiments.count')).toHaveAttribute('data-count', '400');

  await page.evaluate(() => {
    (window as unknown as { __diskFreed?: boolean }).__diskFreed = true;
  });
  await page.getByTestId('experiments.import').setInputFiles(path);
  await expect(notice).toContainText(
    `Imported 600 experiments from ${fileName}. 400 experiments of the file were already stored (not duplicated).`,
  );
  const after = await stored(page);
  expect(new Set(after.ids).size).toBe(1_000);
  expect(after.ids.sort()).toEqual(Array.from({ length: 1_000 }, (_, i) => `full-${i}`).sort());
  expect(after.summaries).toBe(1_000);
  await expect(page.getByTestId('experiments.count')).toHaveAttribute('data-count', '1000');
});

test('two tabs saving, renaming and deleting the same experiments at once: nothing lost, nothing duplicated', async ({
  page,
  context,
}) => {
  const tabs = [await openApp(page), await openApp(await context.newPage())];
  const path = writeExportFile('two-tabs', 5, 'shared');
  await page.getByTestId('nav.view.experiments').click();
  await page.getByTestId('experiments.import').setInputFiles(path);
  await expect(page.getByTestId('experiments.notice')).toContainText('Imported 5 experiments');
  expect((await stored(page)).ids).toHaveLength(5);
  const rowOf = (app: TokenscopePage, name: string) =>
    app.page
      .getByTestId('experiments.row')
      .filter({ has: app.page.getByTestId('experiments.name').getByText(name, { exact: true }) });
  /** Leaves the list and comes back, as a person would to see what the other tab did; every row is in view at this size. */
  const showList = async (app: TokenscopePage, rows: number) => {
    await app.page.getByTestId('nav.view.lab').click();
    await app.page.getByTestId('nav.view.experiments').click();
    await expect(app.page.getByTestId('experiments.row')).toHaveCount(rows);
  };
  for (const app of tabs) await showList(app, 5);

  await test.step('both rename "shared 2" at once: one rename wins, the other tab is told, nothing is overwritten', async () => {
    for (const [i, app] of tabs.entries()) {
      await rowOf(app, 'shared 2').getByTestId('experiments.edit').click();
      await app.page.getByTestId('experiments.rename.input').fill(`Renamed in tab ${i + 1}`);
    }
    await Promise.all(tabs.map((app) => app.page.getByTestId('experiments.edit.save').click()));
    const notices = await Promise.all(
      tabs.map(async (app) => {
        await expect(app.page.getByTestId('experiments.notice')).toContainText(/Not saved|Saved the changes/);
        return (await app.page.getByTestId('experiments.notice').textContent())!;
      }),
    );
    const refused = notices.filter((text) => /Not saved: experiment shared-2 was changed elsewhere/.test(text));
    expect(refused).toHaveLength(1);
    const winner = notices.findIndex((text) => !/Not saved/.test(text));
    for (const app of tabs) {
      await showList(app, 5);
      await expect(rowOf(app, `Renamed in tab ${winner + 1}`)).toHaveCount(1);
    }
  });

  await test.step('both delete "shared 3" at once: it is deleted once, and undo brings it back', async () => {
    await Promise.all(tabs.map((app) => rowOf(app, 'shared 3').getByTestId('experiments.delete').click()));
    for (const app of tabs)
      await expect(app.page.getByTestId('experiments.notice')).toContainText('Deleted “shared 3”');
    for (const app of tabs) await showList(app, 4);
    expect((await stored(page)).ids).toHaveLength(5); // in the trash, not gone
    await page.getByTestId('experiments.undo').click();
    await expect(page.getByTestId('experiments.notice')).toContainText('Restored “shared 3”');
    await showList(tabs[1], 5);
  });

  await test.step('both save at once: two new records', async () => {
    for (const [i, app] of tabs.entries()) {
      await app.page.getByTestId('nav.view.lab').click();
      await app.expectModel(`embedded:${DEFAULT_MODEL}`);
      await app.typeText(`Tab ${i + 1} text`);
      await app.expectDistribution();
      await app.page.getByTestId('experiment.save.name').fill(`Saved in tab ${i + 1}`);
    }
    await Promise.all(tabs.map((app) => app.page.getByTestId('experiment.save.button').click()));
    for (const [i, app] of tabs.entries())
      await expect(app.page.getByTestId('experiment.notice')).toContainText(`Saved “Saved in tab ${i + 1}”`);
  });

  const after = await stored(page);
  expect(after.ids).toHaveLength(7);
  expect(new Set(after.ids).size).toBe(7);
  expect(after.summaries).toBe(7);
  expect(new Set(after.names).size).toBe(7);
  for (const app of tabs) await showList(app, 7);
});

test('an older tab blocking the database upgrade: the app says so, keeps new work in memory, and loses nothing when that tab lets go', async ({
  page,
  context,
}) => {
  // The "older tab": a page of this site holding a version 2 database (the previous release's
  // layout, 20 records) open, and not closing it when asked to (no versionchange handler).
  const oldRecords = exampleExperiments(20, { idPrefix: 'old', namePrefix: 'Old' });
  const oldTab = await context.newPage();
  await oldTab.goto('/models/models.json');
  await oldTab.evaluate(
    async (entries) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('tokenscope', 2);
        request.onupgradeneeded = () => {
          const database = request.result;
          database.createObjectStore('experiments', { keyPath: 'id' });
          const summaries = database.createObjectStore('experimentSummaries', { keyPath: 'id' });
          for (const index of ['updatedAt', 'name', 'modelId']) summaries.createIndex(index, index);
          summaries.createIndex('tags', 'tags', { multiEntry: true });
          database.createObjectStore('meta');
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction(['experiments', 'experimentSummaries'], 'readwrite');
      for (const { record, summary } of entries) {
        tx.objectStore('experiments').put(record);
        tx.objectStore('experimentSummaries').put(summary);
      }
      await new Promise((resolve) => {
        tx.oncomplete = resolve;
      });
      (window as unknown as { __oldConnection: IDBDatabase }).__oldConnection = db;
    },
    oldRecords.map((record) => ({ record, summary: summarise(record, 1, null) })),
  );

  const app = await openApp(page);
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await page.getByTestId('nav.view.experiments').click();
  await expect(page.getByTestId('experiments.notice')).toContainText(
    'Waiting for another Tokenscope tab: an older version keeps the experiments database open',
  );
  // After 10 s of waiting, work goes on in memory, and the page says why and what happens next.
  await expect(page.getByRole('alert').first()).toContainText(
    'Your saved experiments are safe, but cannot be shown until that tab is closed or reloaded',
    { timeout: 30_000 },
  );

  await page.getByTestId('nav.view.lab').click();
  await app.typeText('Saved while the database was blocked');
  await app.expectDistribution();
  await page.getByTestId('experiment.save.name').fill('While blocked');
  await page.getByTestId('experiment.save.button').click();
  await expect(page.getByTestId('experiment.notice')).toContainText('Saved “While blocked”');

  await oldTab.evaluate(() => (window as unknown as { __oldConnection: IDBDatabase }).__oldConnection.close());
  await expect(page.getByTestId('experiment.notice')).toContainText(
    'The other tab let go of the experiments database: experiments are saved there again (1 kept in memory meanwhile moved there)',
  );
  await page.getByTestId('nav.view.experiments').click();
  await expect(page.getByTestId('experiments.count')).toHaveAttribute('data-count', '21');
  await expect(page.getByRole('alert')).toHaveCount(0);

  const after = await stored(page);
  expect(after.ids.sort()).toEqual(
    [...oldRecords.map((r) => r.id), after.ids.find((id) => !id.startsWith('old-'))!].sort(),
  );
  expect(after.names.filter((name) => name === 'While blocked')).toHaveLength(1);
  expect(after.summaries).toBe(21);
});
