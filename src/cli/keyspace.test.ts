/** `neighbors` and `keysim` in process on the real sotu-gpt, and their argument errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeySpaceArgs } from './keyspace';
import { runKeySpaceCli } from './main';

interface Row {
  rank: number;
  tokenId: number;
  token: string;
  similarity: number;
}
interface NeighborsOutput {
  token: { tokenId: number; token: string };
  metric: string;
  neighbours: Row[];
  inputNeighbours: Row[] | null;
  keys: { tied: boolean; vocabularySize: number };
}
interface KeySimOutput {
  topK: number;
  minKeySim: number;
  randomPairCosine: { p90: number };
  candidates: {
    rank: number;
    tokenId: number;
    token: string;
    probability: number;
    keySim: number | null;
    nearestTop: { rank: number } | null;
    lookAlike: boolean;
  }[];
}

const neighbors = async (...argv: string[]) =>
  (await runKeySpaceCli(parseKeySpaceArgs(['neighbors', ...argv]))) as NeighborsOutput;

describe('CLI neighbors and keysim', () => {
  it('finds a token by text or id and lists its k nearest keys, most similar first', async () => {
    const byText = await neighbors('--token', ' America', '--k', '8');
    expect(byText.token.token).toBe(' America');
    expect(byText.keys).toMatchObject({ tied: true, vocabularySize: 8192 });
    expect(byText.neighbours).toHaveLength(8);
    expect(byText.neighbours.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(byText.neighbours.map((r) => r.tokenId)).not.toContain(byText.token.tokenId);
    for (let i = 1; i < 8; i++)
      expect(byText.neighbours[i].similarity).toBeLessThanOrEqual(byText.neighbours[i - 1].similarity);
    expect(byText.inputNeighbours).toBeNull();
    const byId = await neighbors('--token', String(byText.token.tokenId), '--k', '8');
    expect(byId.neighbours).toEqual(byText.neighbours);
    const dot = await neighbors('--token', ' America', '--k', '8', '--metric', 'dot');
    expect(dot.metric).toBe('dot');
    expect(dot.neighbours.map((r) => r.tokenId)).not.toEqual(byText.neighbours.map((r) => r.tokenId));
  });

  it('says how the tokenizer cuts a word that has no single token', async () => {
    await expect(neighbors('--token', 'Americanization')).rejects.toThrow(
      /No token is "Americanization".*cuts it into "American" \+ "ization"/,
    );
  });

  it('keysim: ranks 1..N, keySim to a top key, look-alikes only beyond the top K and above the threshold', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokenscope-keysim-')), 'text.txt');
    writeFileSync(file, 'The United States of');
    const output = (await runKeySpaceCli(
      parseKeySpaceArgs(['keysim', file, '--top-n', '40', '--top-k', '5']),
    )) as KeySimOutput;
    expect(output.candidates.map((c) => c.rank)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(output.minKeySim).toBe(output.randomPairCosine.p90);
    for (const c of output.candidates) {
      expect(c.lookAlike).toBe(c.rank > 5 && c.keySim !== null && c.keySim >= output.minKeySim);
      expect(c.nearestTop!.rank).toBeLessThanOrEqual(5);
    }
    expect(output.candidates.some((c) => c.lookAlike)).toBe(true);
    const strict = (await runKeySpaceCli(
      parseKeySpaceArgs(['keysim', file, '--top-n', '40', '--top-k', '5', '--min-keysim', '1']),
    )) as KeySimOutput;
    expect(strict.candidates.some((c) => c.lookAlike)).toBe(false);
  });

  it('refuses bad arguments with a sentence', () => {
    expect(() => parseKeySpaceArgs(['neighbors'])).toThrow('neighbors needs --token <id|text>.');
    expect(() => parseKeySpaceArgs(['neighbors', '--token', 'a', '--metric', 'l2'])).toThrow(
      '--metric must be cosine or dot, got "l2".',
    );
    expect(() => parseKeySpaceArgs(['neighbors', '--token', 'a', '--k', '0'])).toThrow(
      '--k must be an integer from 1 to 1000, got "0".',
    );
    expect(() => parseKeySpaceArgs(['keysim'])).toThrow('keysim needs a text file');
    expect(() => parseKeySpaceArgs(['keysim', 'f.txt', '--k', '3'])).toThrow('--k is only for neighbors.');
    expect(() => parseKeySpaceArgs(['keysim', 'f.txt', '--min-keysim', '2'])).toThrow(
      '--min-keysim must be a number in [-1, 1], got "2".',
    );
  });
});
