import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TokenscopePage, DEFAULT_MODEL } from './tokenscopePage';

const SOTU_GPT = resolve('public/models/sotu-gpt');

/** A copy of sotu-gpt's folder without some files, or with some files replaced. */
function brokenFolder(name: string, options: { omit?: string[]; replace?: Record<string, string> }): string {
  const root = join(mkdtempSync(join(tmpdir(), 'tokenscope-e2e-')), name);
  mkdirSync(join(root, 'onnx'), { recursive: true });
  for (const file of [
    'config.json',
    'generation_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'onnx/model.onnx',
  ]) {
    if (options.omit?.includes(file)) continue;
    if (options.replace?.[file] !== undefined) writeFileSync(join(root, file), options.replace[file]);
    else copyFileSync(join(SOTU_GPT, file), join(root, file));
  }
  return root;
}

test('a model folder from disk loads; broken folders name the file and keep the previous model', async ({ page }) => {
  const app = new TokenscopePage(page);
  await app.open();
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);

  await test.step('a complete folder loads', async () => {
    await app.loadFolder(SOTU_GPT);
    await app.expectModel('folder:sotu-gpt');
    await app.typeText('The Congress');
    await app.expectDistribution();
  });

  await test.step('a folder without tokenizer_config.json names that file', async () => {
    await app.loadFolder(brokenFolder('no-tokenizer-config', { omit: ['tokenizer_config.json'] }));
    await expect(app.loadError).toHaveAttribute('data-file', 'tokenizer_config.json');
    await expect(app.loadError).toContainText('no-tokenizer-config');
    await expect(app.loadError).toContainText('Still using folder "sotu-gpt"');
  });

  await test.step('an HTML page saved as the ONNX file names that file', async () => {
    await app.loadFolder(brokenFolder('html-onnx', { replace: { 'onnx/model.onnx': '<!doctype html><html></html>' } }));
    await expect(app.loadError).toHaveAttribute('data-file', 'onnx/model.onnx');
    await expect(app.loadError).toContainText('not an ONNX model');
    await expect(app.loadError).not.toContainText("Unexpected token '<'");
  });

  await test.step('the previous model still predicts', async () => {
    await app.expectModel('folder:sotu-gpt');
    await app.typeText('The Congress shall');
    await app.expectDistribution();
  });
});
