/** `next` in-process on the real embedded sotu-gpt: the draw matches the UI's composition, and each stage keeps what it should. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng, sampleToken, samplingPipeline } from '../core/distribution';
import { Engine } from '../engine/engine';
import { parseArgs } from './args';
import { runCli } from './main';
import { nextContext } from './next';
import { createNodeRuntime } from '../engine/nodeRuntime';

const TEXT = 'Gentlemen of the Senate';

type StageName = 'temperature' | 'topK' | 'topP' | 'minP';
interface NextOutput {
  textTokens: number;
  startToken: { tokenId: number; token: string } | null;
  contextTokens: number;
  settings: { temperature: number; topK: number; topP: number; minP: number; seed: number; mode: string };
  entropyBits: { before: number; after: number };
  stages: { name: StageName; active: boolean; keptCount: number; keptProbability: number }[];
  top: { rank: number; tokenId: number; token: string; probability: number; after: Record<StageName, number | null> }[];
  tail: { tokenCount: number; probability: number; probabilityAfter: number };
  sampled: { tokenId: number; token: string; probability: number; rawProbability: number; rank: number };
}

function textFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tokenscope-next-')), 'text.txt');
  writeFileSync(file, text);
  return file;
}

const FILE = textFile(TEXT);
const next = async (...options: string[]) => (await runCli(parseArgs(['next', FILE, ...options]))) as NextOutput;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('CLI next', () => {
  it('draws, for each seed, the token the UI draws: sampleToken(final stage, createRng(seed)) on the same logits', async () => {
    const engine = new Engine(createNodeRuntime());
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    // As the app's lab: the start token, then the text.
    const { logits } = await engine.step({
      ids: nextContext(engine.tokenize({ text: TEXT }).ids, engine.modelInfo!).ids,
    });
    await engine.unload();
    const settings = { temperature: 1.5, topK: 0, topP: 0.9, minP: 0 };
    const drawn: number[] = [];
    for (const seed of [0, 1, 2]) {
      const output = await next('--temperature', '1.5', '--top-p', '0.9', '--seed', String(seed));
      expect(output.sampled.tokenId, `seed ${seed}`).toBe(
        sampleToken(samplingPipeline(logits, settings).probabilities, createRng(seed)),
      );
      drawn.push(output.sampled.tokenId);
    }
    expect(new Set(drawn).size).toBeGreaterThan(1); // the seed matters
    expect(await next('--temperature', '1.5', '--top-p', '0.9', '--seed', '1')).toEqual(
      await next('--temperature', '1.5', '--top-p', '0.9', '--seed', '1'),
    );
  });

  it("with no filters shows the model's own distribution: every token kept, entropy unchanged, rows + tail = 1", async () => {
    const output = await next('--top', '5');
    expect(output.textTokens).toBe(5);
    expect(output.contextTokens).toBe(6);
    expect(output.stages.map((s) => [s.name, s.active, s.keptCount])).toEqual([
      ['temperature', false, 8192],
      ['topK', false, 8192],
      ['topP', false, 8192],
      ['minP', false, 8192],
    ]);
    expect(output.entropyBits.after).toBeCloseTo(output.entropyBits.before, 12);
    expect(output.top.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(output.tail.tokenCount).toBe(8187);
    expect(sum(output.top.map((r) => r.probability)) + output.tail.probability).toBeCloseTo(1, 12);
    for (const row of output.top) expect(row.after.minP).toBe(row.probability);
  });

  it('top-k 5 keeps exactly the 5 most probable tokens and renormalises them', async () => {
    const output = await next('--top-k', '5', '--top', '8', '--seed', '3');
    expect(output.stages[1]).toMatchObject({ name: 'topK', active: true, keptCount: 5 });
    expect(output.stages[1].keptProbability).toBeCloseTo(sum(output.top.slice(0, 5).map((r) => r.probability)), 12);
    expect(output.top.slice(5).map((r) => r.after.topK)).toEqual([null, null, null]);
    expect(sum(output.top.slice(0, 5).map((r) => r.after.minP!))).toBeCloseTo(1, 12);
    expect(output.tail.probabilityAfter).toBe(0);
    expect(output.sampled.rank).toBeLessThanOrEqual(5);
    expect(output.entropyBits.after).toBeLessThan(output.entropyBits.before);
  });

  it('top-p keeps the smallest head holding p, and min-p keeps tokens >= min-p × the top one', async () => {
    const nucleus = await next('--top-p', '0.5', '--top', '30');
    const kept = nucleus.stages[2].keptCount;
    expect(kept).toBeGreaterThan(1);
    expect(kept).toBeLessThan(30);
    expect(nucleus.stages[2].keptProbability).toBeGreaterThanOrEqual(0.5);
    expect(sum(nucleus.top.slice(0, kept - 1).map((r) => r.probability))).toBeLessThan(0.5);
    expect(nucleus.top.map((r) => r.after.topP !== null)).toEqual(nucleus.top.map((_, i) => i < kept));

    const minP = await next('--min-p', '0.2', '--top', '30');
    const threshold = 0.2 * minP.top[0].probability;
    for (const row of minP.top) expect(row.after.minP !== null, `rank ${row.rank}`).toBe(row.probability >= threshold);
    expect(minP.stages[3].keptCount).toBe(minP.top.filter((r) => r.probability >= threshold).length);
  });

  it('--greedy takes the most probable token where a draw at the same temperature and seed does not', async () => {
    const greedy = await next('--greedy', '--temperature', '3', '--seed', '0');
    expect(greedy.settings.mode).toBe('greedy');
    expect(greedy.sampled).toMatchObject({ tokenId: greedy.top[0].tokenId, token: greedy.top[0].token, rank: 1 });
    const drawn = await next('--temperature', '3', '--seed', '0');
    expect(drawn.sampled.tokenId).not.toBe(greedy.top[0].tokenId);
  });

  it('puts the start token before the text, as the app does', async () => {
    const output = (await runCli(parseArgs(['next', textFile('Gentlemen of the Senate'), '--top', '3']))) as NextOutput;
    expect(output.startToken).toEqual({ tokenId: 8191, token: '<|endoftext|>' });
    expect(output.contextTokens).toBe(output.textTokens + 1);
  });

  it('predicts from the start token after an empty text, as the app does', async () => {
    const output = (await runCli(parseArgs(['next', textFile(''), '--top', '3']))) as NextOutput;
    expect(output.textTokens).toBe(0);
    expect(output.startToken).toEqual({ tokenId: 8191, token: '<|endoftext|>' });
    expect(output.contextTokens).toBe(1);
    expect(output.top).toHaveLength(3);
  });
});
