/**
 * `batch` on the command line: argument errors, and on sotu-gpt a run, shards and their merge,
 * a resume after a cut-off line, a resume after a real SIGKILL of the CLI in the middle of a
 * cell, and the table.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledBatch } from '../core/batch/examples';
import { batchTable, parseResultFile } from '../core/batch/results';
import { Engine } from '../engine/engine';
import type { ModelInfo } from '../protocol/model';
import { UsageError } from './args';
import { parseBatchArgs, runBatchCli } from './batch';
import { formatProgress } from './batchArgs';
import { createNodeRuntime } from '../engine/nodeRuntime';

describe('batch arguments', () => {
  it('reads run, merge, table, score and plan', () => {
    expect(
      parseBatchArgs([
        'batch',
        'run',
        'b.json',
        '--out',
        'r.jsonl',
        '--shard',
        '2/4',
        '--resume',
        '--model',
        'sotu-gpt',
        '--model',
        'sotu-llama',
      ]),
    ).toMatchObject({
      batch: 'run',
      inputs: ['b.json'],
      out: 'r.jsonl',
      shard: { index: 2, count: 4 },
      resume: true,
      models: ['sotu-gpt', 'sotu-llama'],
    });
    expect(parseBatchArgs(['batch', 'merge', 'a', 'b', '--out', 'all'])).toMatchObject({
      inputs: ['a', 'b'],
      out: 'all',
    });
    expect(parseBatchArgs(['batch', 'plan', 'bundled:tom', '--shards', '8'])).toMatchObject({ shards: 8 });
  });

  it('says what is wrong', () => {
    const error = (argv: string[]) => {
      try {
        parseBatchArgs(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return '';
    };
    expect(error(['batch'])).toBe('batch needs a subcommand: run, merge, table, score, plan, bench.');
    expect(error(['batch', 'go'])).toMatch(/^Unknown batch subcommand "go"/);
    expect(error(['batch', 'run', 'b.json'])).toBe('batch run needs --out <file.jsonl>.');
    expect(error(['batch', 'run', 'b.json', '--out', 'r', '--shard', '4/4'])).toMatch(
      /^--shard must be i\/n with 0 ≤ i < n/,
    );
    expect(error(['batch', 'merge', 'a', '--out', 'x', '--resume'])).toBe('--resume is only for batch run.');
    expect(error(['batch', 'table'])).toBe('batch table needs one or more results files.');
    expect(error(['batch', 'run', 'a', 'b', '--out', 'x'])).toBe('Unexpected argument "b".');
  });

  it('prints progress on one line', () => {
    expect(
      formatProgress({
        modelKey: 'embedded:sotu-gpt',
        loading: false,
        cellsDone: 1,
        cellsTotal: 4,
        samplesDone: 60,
        samplesTotal: 240,
        tokensPerSecond: 90.25,
        secondsLeft: 125,
      }),
    ).toBe('batch: 60/240 samples · 1/4 cells · 90.3 tokens/s · ~2m05s left · embedded:sotu-gpt');
  });
});

describe('batch on sotu-gpt (Node)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenscope-batch-'));
  const defPath = join(dir, 'batch.json');
  const tom = bundledBatch('tom');
  // 3 prompts × 2 temperatures × 2 samples = 12 tasks; cells of 6.
  writeFileSync(
    defPath,
    JSON.stringify({
      ...tom,
      prompts: tom.prompts.slice(0, 3),
      models: [{ id: 'sotu-gpt', source: { kind: 'embedded' } }],
      grid: { temperature: [0.5, 2], maxNewTokens: 3, stop: ['.'] },
      samplesPerCell: 2,
    }),
  );
  const path = (name: string) => join(dir, name);
  const engine = new Engine(createNodeRuntime());
  let info: ModelInfo;
  const kept = {
    load: async () => info,
    tokenize: engine.tokenize.bind(engine),
    decode: engine.decode.bind(engine),
    step: engine.step.bind(engine),
    startTokenId: engine.startTokenId.bind(engine),
    windowTokens: engine.windowTokens.bind(engine),
    analyze: engine.analyze.bind(engine),
  };
  const cli = (argv: string[]) =>
    runBatchCli(parseBatchArgs(['batch', ...argv, ...(argv[0] === 'run' ? ['--quiet'] : [])]), { engine: kept });
  let full = '';

  beforeAll(async () => {
    info = await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    const summary = await cli(['run', defPath, '--out', path('full.jsonl')]);
    expect(summary).toMatchObject({ tasks: 12, ran: 12, skipped: 0 });
    full = readFileSync(path('full.jsonl'), 'utf8');
  });
  afterAll(async () => {
    await engine.unload();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one canonical line per task', () => {
    expect(parseResultFile(full).results.map((r) => r.task)).toEqual([...Array(12).keys()]);
  });

  it('shards merged with batch merge equal the unsharded file byte for byte', async () => {
    await cli(['run', defPath, '--out', path('s0.jsonl'), '--shard', '0/2']);
    await cli(['run', defPath, '--out', path('s1.jsonl'), '--shard', '1/2']);
    expect(await cli(['merge', path('s1.jsonl'), path('s0.jsonl'), '--out', path('merged.jsonl')])).toMatchObject({
      results: 12,
      files: 2,
    });
    expect(readFileSync(path('merged.jsonl'), 'utf8')).toBe(full);
    // A shard's file resumed as another shard is refused.
    await expect(cli(['run', defPath, '--out', path('s1.jsonl'), '--shard', '0/2', '--resume'])).rejects.toThrow(
      /holds task 1, which is not in shard 0\/2/,
    );
  });

  it('--resume drops a cut-off last line and finishes to the same file', async () => {
    const lines = full.split('\n');
    writeFileSync(path('cut.jsonl'), `${lines.slice(0, 4).join('\n')}\n${lines[4].slice(0, 50)}`);
    await expect(cli(['run', defPath, '--out', path('cut.jsonl')])).rejects.toThrow(/already exists: pass --resume/);
    expect(await cli(['run', defPath, '--out', path('cut.jsonl'), '--resume'])).toMatchObject({
      skipped: 4,
      ran: 8,
      droppedPartialLine: true,
    });
    expect(readFileSync(path('cut.jsonl'), 'utf8')).toBe(full);
    // Another definition's file is refused.
    await expect(
      cli(['run', 'bundled:tom', '--out', path('cut.jsonl'), '--resume', '--model', 'sotu-gpt']),
    ).rejects.toThrow(/holds results of another batch definition/);
  });

  it('resumes after the CLI is killed (SIGKILL) in the middle of a cell', async () => {
    const out = path('killed.jsonl');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'batch', 'run', defPath, '--out', out, '--quiet'],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Cells hold 6 tasks: kill once the 3rd line is there (or whatever came after it by then).
    const started = Date.now();
    while (!(existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 3) && Date.now() - started < 60_000)
      await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    const written = readFileSync(out, 'utf8');
    expect(written.length).toBeLessThan(full.length);
    expect(full.startsWith(written.slice(0, written.lastIndexOf('\n') + 1))).toBe(true);
    await cli(['run', defPath, '--out', out, '--resume']);
    expect(readFileSync(out, 'utf8')).toBe(full);
  }, 90_000);

  it('batch table gives the per-cell statistics', async () => {
    const table = (await cli(['table', path('full.jsonl')])) as { samples: number; cells: unknown[] };
    expect(table.samples).toBe(12);
    expect(table.cells).toEqual(batchTable(parseResultFile(full).results));
    expect(table.cells).toHaveLength(2);
  });

  it('batch plan sizes shards', async () => {
    expect(await cli(['plan', 'bundled:tom', '--shards', '7'])).toMatchObject({
      tasks: 240,
      tasksPerShard: [35, 35, 34, 34, 34, 34, 34],
      models: ['sotu-gpt-long'],
    });
  });
});
