/** The CLI in-process on the real embedded model, and through the loopback Hub-style server. */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../tools/hub-server.mjs';
import { parseArgs } from './args';
import { failureText, runCli } from './main';

const TEXT = 'Gentlemen of the Senate and of the House of Representatives: 日本 😀\n';

function textFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tokenscope-cli-')), 'text.txt');
  writeFileSync(file, text);
  return file;
}

interface ScoreOutput {
  tokenCount: number;
  model: { label: string; backend: string };
  positions: {
    position: number;
    tokenId: number;
    token: string;
    probability: number;
    rank: number;
    entropyNats: number;
    surprisalBits: number;
    top: { tokenId: number; token: string; probability: number }[];
  }[];
  summary: { scoredPositions: number; perplexity: number };
}

describe('CLI', () => {
  let hub: HubServer;
  beforeAll(async () => {
    hub = await startHubServer();
  });
  afterAll(() => hub.close());

  it('tokenize prints ids and byte-exact tokens', async () => {
    const output = (await runCli(parseArgs(['tokenize', textFile(TEXT)]))) as {
      ids: number[];
      tokens: { id: number; text: string; bytesHex: string }[];
      tokenCount: number;
    };
    expect(output.tokenCount).toBe(output.ids.length);
    expect(Buffer.from(output.tokens.map((t) => t.bytesHex).join(''), 'hex').toString('utf8')).toBe(TEXT);
    expect(output.tokens.map((t) => t.text).join('')).not.toContain('\uFFFD');
  });

  it('score reports every position with probability, rank, entropy and top-k alternatives', async () => {
    const output = (await runCli(parseArgs(['score', textFile(TEXT), '--top-k', '4']))) as ScoreOutput;
    expect(output.model).toMatchObject({ label: 'sotu-gpt', backend: 'node-cpu' });
    expect(output.positions).toHaveLength(output.tokenCount - 1);
    for (const p of output.positions) {
      expect(p.probability).toBeGreaterThan(0);
      expect(p.probability).toBeLessThanOrEqual(1);
      expect(p.surprisalBits).toBeCloseTo(-Math.log2(p.probability), 10);
      expect(p.entropyNats).toBeGreaterThan(0);
      expect(p.entropyNats).toBeLessThanOrEqual(Math.log(8192) + 1e-9);
      expect(p.top).toHaveLength(4);
      if (p.rank === 1) expect(p.top[0].tokenId).toBe(p.tokenId);
      else expect(p.top[0].probability).toBeGreaterThanOrEqual(p.probability);
    }
    expect(output.summary.scoredPositions).toBe(output.positions.length);
  });

  it('loads a Hub id from a Hub-style server and scores exactly like the embedded copy', async () => {
    const file = textFile(TEXT);
    const embedded = (await runCli(parseArgs(['score', file]))) as ScoreOutput;
    const fromHub = (await runCli(
      parseArgs(['score', file, '--model', 'tokenscope/sotu-gpt', '--hub-url', hub.url]),
    )) as ScoreOutput;
    expect(fromHub.model.label).toBe('tokenscope/sotu-gpt');
    expect(fromHub.positions.map((p) => p.probability)).toEqual(embedded.positions.map((p) => p.probability));
    expect(hub.requests.some((r) => r.path === '/tokenscope/sotu-gpt/resolve/main/onnx/model.onnx')).toBe(true);
  });

  it('explains a missing text file, an unknown Hub model and a Hub id without permission', async () => {
    await expect(runCli(parseArgs(['score', '/no/such/file.txt']))).rejects.toThrow(
      'The text file /no/such/file.txt does not exist.',
    );
    await expect(
      runCli(parseArgs(['score', textFile('x'), '--model', 'tokenscope/missing', '--hub-url', hub.url])),
    ).rejects.toThrow(/tokenscope\/missing is missing config\.json/);
    await expect(runCli(parseArgs(['score', textFile('x'), '--model', 'Xenova/gpt2']))).rejects.toThrow(
      /pass --allow-network/,
    );
  });
});

describe('CLI failures', () => {
  it('print one line, no stack, unless TOKENSCOPE_DEBUG=1 asks for it', () => {
    // A plain Error (not an EngineError), as the tokenizer lab throws when its list is missing.
    const error = new Error('The tokenizer list tokenizers/index.json is missing; run npm run tokenizers.');
    expect(failureText(error, false)).toBe(
      'tokenscope: The tokenizer list tokenizers/index.json is missing; run npm run tokenizers.\n',
    );
    expect(failureText(error, true).split('\n').length).toBeGreaterThan(2);
  });

  it('the real command line exits with its code (2: bad input) and the one line on stderr', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'score', '/no/such/file.txt'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('tokenscope: The text file /no/such/file.txt does not exist.\n');
  });
});
