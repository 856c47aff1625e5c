/**
 * Every view on the replicas of the Hub's export layouts (tools/replicas/build.py, served by
 * the loopback Hub under the ids of e2e/replicaIds.ts), each loaded with the dtype a user
 * picks on WASM: the next-token lab's logits equal a plain onnxruntime-node session on the
 * same file within 1e-4; the key space reads the head in its stored encoding (that the keys
 * equal the initializers dequantized in float64 is proved on the same files by
 * tools/replicas/replicas.test.ts); the logit lens is finite and ends at the model's own
 * prediction; the tokenizer lab runs the model's real tokenizer and the next-byte lemma; an
 * experiment saves. Gemma 2's soft-capped logits: the key space and the layer view each say why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ortRun, ortSession } from '../tools/replicas/ortReference';
import { REPLICAS_DIR } from './replicaIds';
import { DEFAULT_MODEL, HUB_URL, TokenscopePage } from './tokenscopePage';

interface ReplicaCase {
  id: string;
  folder: string;
  dtype: 'q8' | 'q4' | 'fp32';
  file: string;
  /** What the key space says of the head, or why there is none. */
  keys: RegExp;
  /** Why the layer view cannot run, when it cannot. */
  noLens?: RegExp;
}

const SOFT_CAPPED = /soft-capped logits have no linear key space/;
const CASES: ReplicaCase[] = [
  { id: 'Xenova/gpt2', folder: 'gpt2', dtype: 'q8', file: 'model_quantized.onnx', keys: /uint8 MatMulInteger/ },
  {
    id: 'onnx-community/Llama-replica',
    folder: 'llama',
    dtype: 'q8',
    file: 'model_quantized.onnx',
    keys: /int8 MatMulInteger/,
  },
  { id: 'onnx-community/Llama-replica', folder: 'llama', dtype: 'fp32', file: 'model.onnx', keys: /float32/ },
  {
    id: 'onnx-community/Qwen2.5-replica',
    folder: 'qwen2',
    dtype: 'q8',
    file: 'model_quantized.onnx',
    keys: /uint8 MatMulInteger/,
  },
  {
    id: 'replicas/gemma2',
    folder: 'gemma2',
    dtype: 'q4',
    file: 'model_q4.onnx',
    keys: SOFT_CAPPED,
    noLens: SOFT_CAPPED,
  },
];

const TEXT = 'The state of the Union is strong, and 東京 is far.';

async function forwardLogits(page: Page, ids: number[]): Promise<number[]> {
  return page.evaluate(
    async (input) => Array.from((await window.__tokenscope!.call('forward', { ids: input })).logits),
    ids,
  );
}

for (const replica of CASES) {
  test(`${replica.id} (${replica.dtype}) from the loopback Hub: every view`, async ({ page }) => {
    test.setTimeout(360_000);
    const app = new TokenscopePage(page);
    await app.open({ hub: HUB_URL, backend: 'wasm' });
    // The picker closes when the default model finishes loading: load the replica after it.
    await app.expectModel(`embedded:${DEFAULT_MODEL}`);
    await app.loadHubModel(replica.id, replica.dtype);
    await app.expectModel(`hub:${replica.id}`);

    await test.step('next-token lab: logits equal onnxruntime-node on the same file within 1e-4', async () => {
      await app.typeText(TEXT);
      await app.expectDistribution();
      const config = JSON.parse(readFileSync(join(REPLICAS_DIR, replica.folder, 'config.json'), 'utf8')) as {
        bos_token_id?: number;
      };
      const textIds = await page.evaluate(
        async (text) => (await window.__tokenscope!.call('tokenize', { text })).ids,
        TEXT,
      );
      const ids = [config.bos_token_id ?? 0, ...textIds];
      const folder = join(REPLICAS_DIR, replica.folder);
      const session = await ortSession(new Uint8Array(readFileSync(join(folder, 'onnx', replica.file))), folder);
      const expected = (await ortRun(session, ids)).logits.data as Float32Array;
      const actual = await forwardLogits(page, ids);
      expect(actual).toHaveLength(expected.length);
      let max = 0;
      for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
      expect(max).toBeLessThan(1e-4);
      await session.release();
    });

    await test.step('key space: the head read in its stored encoding, or why there is none', async () => {
      await page.getByTestId('nav.view.keyspace').click();
      const where =
        replica.keys === SOFT_CAPPED ? page.getByTestId('keyspace.error') : page.getByTestId('keyspace.info');
      await expect(where).toContainText(replica.keys);
    });

    await test.step('bigram & layers: the lens is finite and ends at the model, or says why it cannot run', async () => {
      await page.getByTestId('nav.view.bigram').click();
      await page.getByTestId('bigram.text').fill(TEXT);
      await page.getByTestId('bigram.compare').click();
      await expect(page.getByTestId('bigram.summary')).toBeVisible();
      await page.getByTestId('bigram.chip').nth(3).click();
      if (replica.noLens) {
        await expect(page.getByTestId('bigram.layers.unavailable')).toContainText(replica.noLens);
        return;
      }
      await expect(page.getByTestId('bigram.layers')).toHaveAttribute('data-status', 'ready');
      const kl = (await page.getByTestId('bigram.lens.kl').allTextContents()).map(Number);
      expect(kl.length).toBeGreaterThan(1);
      for (const value of kl) expect(Number.isFinite(value)).toBe(true);
      // The last layer through the final norm and the keys is the model (quantized activations: within 1e-2 nats).
      expect(kl.at(-1)!).toBeLessThan(replica.dtype === 'fp32' ? 1e-3 : 1e-2);
    });

    await test.step("tokenizer lab: the model's own tokenizer and the next byte after a cut word", async () => {
      await page.getByTestId('nav.view.tokenizers').click();
      const text = 'The Union 東京';
      await page.getByTestId('tokenizers.text').fill(text);
      const row = page.locator('[data-testid="tokenizers.row"][data-tokenizer="model"]');
      await expect(row.getByTestId('tokenizers.chip').last()).toHaveAttribute(
        'data-end',
        String(new TextEncoder().encode(text).length),
      );
      await page.getByTestId('tokenizers.bias.prompt').fill('the State of the Uni');
      await expect(page.getByTestId('tokenizers.bias.exact.bytes').locator('tr').first()).toBeVisible({
        timeout: 180_000,
      });
      await expect(page.getByTestId('tokenizers.bias.exact.bound')).toBeVisible();
    });

    await test.step("experiments: the lab saved under the model's id", async () => {
      await page.getByTestId('nav.view.lab').click();
      await app.expectDistribution();
      await page.getByTestId('experiment.save.name').fill(`replica ${replica.folder}`);
      await page.getByTestId('experiment.save.button').click();
      await page.getByTestId('nav.view.experiments').click();
      await expect(page.getByTestId('experiments.row').filter({ hasText: `replica ${replica.folder}` })).toContainText(
        replica.id,
      );
    });
  });
}
