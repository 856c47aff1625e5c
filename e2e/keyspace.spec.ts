/**
 * The key-space view on the default model (sotu-gpt-long): from "The United States of" in the next-token
 * lab to the nearest keys of a candidate (checked against a float64 reference computed here
 * from the same ONNX file), the rank vs keySim chart with its mid-ranked look-alikes, both
 * maps, navigation by click and search, and the spurious-correlation split.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { readKeyMatrices } from '../src/core/onnx';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

/** Cosine top-k of one token's key over every key, float64, ties by id, the token left out. */
function referenceCosineNeighbours(tokenId: number, k: number): number[] {
  const read = readKeyMatrices(new Uint8Array(readFileSync(`public/models/${DEFAULT_MODEL}/onnx/model.onnx`)));
  if (!read.ok || !read.value.unembedding.ok) throw new Error(`${DEFAULT_MODEL} keys unreadable`);
  const { values, vocabularySize: rows, embeddingSize: cols } = read.value.unembedding.value;
  const norm = (r: number) => Math.sqrt(values.subarray(r * cols, (r + 1) * cols).reduce((s, v) => s + v * v, 0));
  const sims = Array.from({ length: rows }, (_, r) => {
    let dot = 0;
    for (let i = 0; i < cols; i++) dot += values[r * cols + i] * values[tokenId * cols + i];
    return dot / (norm(r) * norm(tokenId));
  });
  const ids = sims.map((_, i) => i).filter((i) => i !== tokenId);
  ids.sort((a, b) => (sims[b] > sims[a] ? 1 : sims[b] < sims[a] ? -1 : a - b));
  return ids.slice(0, k);
}

async function tokenIds(page: Page, testId: string): Promise<number[]> {
  return await page
    .getByTestId(testId)
    .getByTestId('keyspace.neighbour')
    .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-token-id'))));
}

test('key space of the default model, linked to the prediction after "The United States of"', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  const view = page.getByTestId('keyspace.view');
  const focus = page.getByTestId('keyspace.neighbours');

  let topTokenId = -1;
  await test.step('the next-token lab shows the candidates', async () => {
    await app.typeText('The United States of');
    await app.expectDistribution();
    expect(await app.bars.count()).toBeGreaterThanOrEqual(10);
    topTokenId = Number(await app.bars.first().getAttribute('data-token-id'));
  });

  await test.step('◎ on the top candidate opens the key space with its exact nearest keys', async () => {
    await page.getByTestId('distribution.bar.inspect').first().click();
    await expect(view).toBeVisible();
    await expect(page.getByTestId('nav.view.keyspace')).toHaveAttribute('aria-pressed', 'true');
    await expect(focus).toHaveAttribute('data-token-id', String(topTokenId));
    await expect(focus).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('keyspace.info')).toContainText('8,192 × 256');
    await expect(page.getByTestId('keyspace.info')).toContainText('tied');
    expect(await tokenIds(page, 'keyspace.neighbours.cosine')).toEqual(referenceCosineNeighbours(topTokenId, 15));
    await expect(page.getByTestId('keyspace.neighbours.dot').getByTestId('keyspace.neighbour')).toHaveCount(15);
    await expect(page.getByTestId('keyspace.neighbours.input-cosine')).toHaveCount(0);
  });

  let lookAlikeId = -1;
  await test.step('rank vs keySim: the top 10, and mid-ranked candidates whose keys sit near the top ones', async () => {
    await expect(page.getByTestId('keyspace.keysim')).toHaveAttribute('data-status', 'ready');
    const points = page.getByTestId('keyspace.keysim.point');
    await expect(points).toHaveCount(100);
    await expect(page.locator('[data-testid="keyspace.keysim.point"][data-kind="top"]')).toHaveCount(10);
    const lookAlikes = page.getByTestId('keyspace.lookalike');
    expect(await lookAlikes.count()).toBeGreaterThan(0);
    // The chart marks every look-alike; the list shows the first 40 of them.
    const marked = await page.locator('[data-testid="keyspace.keysim.point"][data-kind="look-alike"]').count();
    expect(await lookAlikes.count()).toBe(Math.min(40, marked));
    await expect(page.getByTestId('keyspace.keysim')).toContainText(
      `Mid-ranked look-alikes (${marked} of 90 beyond the top 10)`,
    );
    lookAlikeId = Number(await lookAlikes.first().getAttribute('data-token-id'));
    const rank = Number(
      await page
        .locator(`[data-testid="keyspace.keysim.point"][data-token-id="${lookAlikeId}"]`)
        .getAttribute('data-rank'),
    );
    expect(rank).toBeGreaterThan(10);
  });

  await test.step('the maps: the 100 candidates, and all 8,192 keys on a canvas', async () => {
    await expect(page.getByTestId('keyspace.maps')).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('keyspace.map.point')).toHaveCount(100);
    await expect(page.getByTestId('keyspace.map.vocabulary')).toHaveAttribute('data-points', '8192');
  });

  await test.step('a click on a look-alike, then on a neighbour, navigates', async () => {
    await page.getByTestId('keyspace.lookalike').first().click();
    await expect(focus).toHaveAttribute('data-token-id', String(lookAlikeId));
    await expect(focus).toHaveAttribute('data-status', 'ready');
    const neighbour = page.getByTestId('keyspace.neighbours.cosine').getByTestId('keyspace.neighbour').first();
    const neighbourId = await neighbour.getAttribute('data-token-id');
    await neighbour.click();
    await expect(focus).toHaveAttribute('data-token-id', neighbourId!);
    await page.locator(`[data-testid="keyspace.keysim.point"][data-token-id="${topTokenId}"]`).focus();
    await page.keyboard.press('Enter');
    await expect(focus).toHaveAttribute('data-token-id', String(topTokenId));
  });

  await test.step('search by id and by text; a miss says why', async () => {
    await page.getByTestId('keyspace.search').fill('#283');
    await page.getByTestId('keyspace.search').press('Enter');
    await expect(focus).toHaveAttribute('data-token-id', '283');
    await page.getByTestId('keyspace.search').fill('zzqqxx');
    await page.getByTestId('keyspace.search.go').click();
    await expect(page.getByTestId('keyspace.search.message')).toContainText('No token is "zzqqxx"');
    await expect(focus).toHaveAttribute('data-token-id', '283');
  });

  await test.step('acceptable answers split the candidates beyond the top 10', async () => {
    await page.getByTestId('keyspace.answers').fill('America\nAmerica and Europe');
    const main = page.getByTestId('keyspace.split.main');
    const other = page.getByTestId('keyspace.split.other');
    await expect(main).toBeVisible();
    const total = Number(await main.getAttribute('data-count')) + Number(await other.getAttribute('data-count'));
    expect(total).toBe(90);
    const correct =
      Number(await main.getAttribute('data-correct')) +
      Number(await other.getAttribute('data-correct')) +
      Number(await page.getByTestId('keyspace.split.top').getAttribute('data-correct'));
    expect(correct).toBeGreaterThanOrEqual(1); // " America" is among the top 100 candidates
  });

  await test.step('the candidates expanded into whole answers (as the paper) feed the same split', async () => {
    await page.getByTestId('keyspace.topN').fill('12');
    await expect(page.getByTestId('keyspace.keysim.point')).toHaveCount(12);
    await page.getByTestId('keyspace.expand').click();
    await expect(page.getByTestId('keyspace.expanded').locator('li')).toHaveCount(12);
    const main = Number(await page.getByTestId('keyspace.split.main').getAttribute('data-count'));
    const other = Number(await page.getByTestId('keyspace.split.other').getAttribute('data-count'));
    expect(main + other).toBe(2);
  });

  await test.step('in-context navigation: three methods plotted as unique answers against probes, and Stop', async () => {
    const icn = page.getByTestId('keyspace.icn');
    await icn.getByRole('button', { name: 'Example' }).click();
    await page.getByTestId('keyspace.icn.runs').fill('2');
    await page.getByTestId('keyspace.icn.tolerance').fill('3');
    await page.getByTestId('keyspace.icn.run').click();
    await expect(icn).toHaveAttribute('data-status', 'done');
    const series = page.getByTestId('keyspace.icn.series');
    await expect(series).toHaveCount(3);
    for (const method of ['icn', 'first-token', 'temperature']) {
      const line = page.locator(`[data-testid="keyspace.icn.series"][data-method="${method}"]`);
      await expect(line).toHaveAttribute('data-probes', '6');
      expect(Number(await line.getAttribute('data-unique'))).toBeGreaterThanOrEqual(1);
      expect(await line.getAttribute('data-unique-correct')).not.toBe('');
    }
    await page.getByTestId('keyspace.icn.runs').fill('10');
    await page.getByTestId('keyspace.icn.tolerance').fill('10');
    await page.getByTestId('keyspace.icn.run').click();
    await expect(page.getByTestId('keyspace.icn.progress')).toContainText(/ICN: probe [1-9]\d* of 100/);
    await page.getByTestId('keyspace.icn.stop').click();
    await expect(page.getByTestId('keyspace.icn.message')).toContainText('Stopped');
    await expect(icn).toHaveAttribute('data-status', 'done');
    // Only ICN ran, and it stopped early: the baselines never started.
    await expect(series).toHaveCount(1);
    expect(Number(await series.first().getAttribute('data-probes'))).toBeLessThan(100);
  });
});
