/** The PyTorch reference logits the model export writes for each embedded model (tools/models/fixtures). */
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { DEFAULT_MODEL } from './tokenscopePage';

interface ModelFixture {
  promptIds: number[];
  logitsShape: [number, number, number];
  logitsBase64: string;
}

export function readFixture(modelId = DEFAULT_MODEL): { promptIds: number[]; logits: Float32Array; vocabSize: number } {
  const fixture = JSON.parse(readFileSync(`tools/models/fixtures/${modelId}.json`, 'utf8')) as ModelFixture;
  const bytes = Buffer.from(fixture.logitsBase64, 'base64');
  return {
    promptIds: fixture.promptIds,
    logits: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
    vocabSize: fixture.logitsShape[2],
  };
}

/** Runs a forward pass in the page's engine and checks every logit against PyTorch's. */
export async function expectForwardMatchesPyTorch(
  page: Page,
  tolerance: number,
  modelId = DEFAULT_MODEL,
): Promise<void> {
  const { promptIds, logits } = readFixture(modelId);
  const engineLogits = await page.evaluate(async (ids) => {
    const result = await window.__tokenscope!.call('forward', { ids });
    return Array.from(result.logits);
  }, promptIds);
  expect(engineLogits).toHaveLength(logits.length);
  let maxDifference = 0;
  for (let i = 0; i < logits.length; i++)
    maxDifference = Math.max(maxDifference, Math.abs(engineLogits[i] - logits[i]));
  expect(maxDifference).toBeLessThan(tolerance);
}
