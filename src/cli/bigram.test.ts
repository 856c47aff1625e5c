import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { parseBigramArgs } from './bigram';
import { runBigramCli } from './main';

const file = join(mkdtempSync(join(tmpdir(), 'tokenscope-cli-bigram-')), 'text.txt');
writeFileSync(file, 'Fellow-Citizens of the Senate and House of Representatives: the state of the Union.');

describe('bigram and lens commands', () => {
  it('parses options and rejects ones for the other command', () => {
    expect(parseBigramArgs(['lens', file, '--position', '-1'])).toMatchObject({
      command: 'lens',
      input: file,
      position: -1,
    });
    expect(() => parseBigramArgs(['bigram', file, '--position', '2'])).toThrow(UsageError);
    expect(() => parseBigramArgs(['lens'])).toThrow(/needs a text file/);
  });

  it('bigram: one row per token, summary, and the corpus reference from the training split', async () => {
    const out = (await runBigramCli(parseBigramArgs(['bigram', file, '--corpus', 'train']))) as {
      tokenCount: number;
      positions: { bigramness: number }[];
      summary: { positions: number };
      corpus: { scores: { name: string }[] };
    };
    expect(out.positions).toHaveLength(out.tokenCount);
    expect(out.summary.positions).toBe(out.tokenCount);
    expect(out.positions[0].bigramness).toBeCloseTo(1, 4);
    expect(out.corpus.scores.map((s) => s.name)).toContain('first-mlp-only');
  });

  it('lens: per-layer statistics at the last position, KL to final 0 at the last layer', async () => {
    const out = (await runBigramCli(parseBigramArgs(['lens', file, '--lens-positions', '8']))) as {
      tokenCount: number;
      layerCount: number;
      selected: { position: number; layers: { klToFinalNats: number }[] };
    };
    expect(out.selected.position).toBe(out.tokenCount - 1);
    expect(out.selected.layers).toHaveLength(out.layerCount + 1);
    expect(out.selected.layers[out.layerCount].klToFinalNats).toBeLessThan(1e-6);
  });
});
