/** `export` on the real embedded model: a record made by one engine reproduces on a fresh one; a changed number does not. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExportFile, exampleExperiment, type Experiment } from '../core/experiments';
import { appendStep, emptyTree } from '../core/lab/branchTree';
import { treeToRecord } from '../core/lab/experimentRecord';
import { Engine } from '../engine/engine';
import { parseArgs } from './args';
import { rerunResults } from './export';
import { runCli } from './main';
import { createNodeRuntime } from '../engine/nodeRuntime';

interface ExportOutput {
  experiments: {
    id: string;
    reproduced: boolean | null;
    problems: string[];
    positionsCompared: number;
    distributionsCompared: number;
    maxAbsDeltaBits: number;
    modelFileDifferences: string[] | null;
  }[];
  skipped: string[];
  allReproduced: boolean;
}

const directory = mkdtempSync(join(tmpdir(), 'tokenscope-export-'));
function file(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

describe('CLI export', () => {
  let record: Experiment;
  beforeAll(async () => {
    const engine = new Engine(createNodeRuntime({ allowNetwork: false }));
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    const base = exampleExperiment({ id: 'union', name: 'State of the Union' });
    const tree = appendStep(emptyTree(), {
      tokenId: 42,
      probability: 0.01,
      sampledProbability: null,
      how: 'click',
      seed: null,
    });
    const draft: Experiment = {
      ...base,
      model: {
        id: 'sotu-gpt',
        source: { kind: 'embedded', fileHashes: await engine.fileHashes() },
        dtype: 'fp32',
        backend: 'wasm',
      },
      tokenizer: { id: 'sotu-gpt', vocabularySize: 8192 },
      text: 'The state of the Union is',
      settings: { ...base.settings, temperature: 0.7, topK: 0, topP: 0.9, minP: 0, selectedPosition: 3 },
      branches: treeToRecord(tree, (id) => `#${id}`),
      // A distribution at position 3 with the top 10 (re-run fills it from the model).
      results: {
        tokenIds: [],
        tokenTexts: [],
        metrics: {},
        distributions: [{ position: 3, top: [], tailMass: 1, vocabularySize: 8192 }],
        fullVocabulary: false,
      },
    };
    draft.results!.distributions[0].top = Array.from({ length: 10 }, (_, i) => ({
      tokenId: i,
      text: '',
      probability: 0,
    }));
    record = { ...draft, results: await rerunResults(engine, draft) };
    await engine.unload();
  }, 120_000);

  it('re-runs a record on a fresh engine and finds the same numbers', async () => {
    expect(record.results!.tokenIds.at(-1)).toBe(42);
    expect(record.results!.distributions[0].top).toHaveLength(10);
    const output = (await runCli(
      parseArgs(['export', file('one.json', createExportFile([record], { exportedAt: new Date().toISOString() }))]),
    )) as ExportOutput;
    expect(output.allReproduced).toBe(true);
    expect(output.experiments[0]).toMatchObject({
      id: 'union',
      reproduced: true,
      problems: [],
      positionsCompared: record.results!.tokenIds.length,
      distributionsCompared: 1,
    });
    expect(output.experiments[0].maxAbsDeltaBits).toBeLessThan(1e-6);
    expect(output.experiments[0].modelFileDifferences).toEqual([]);
    expect(record.model.source.fileHashes.map((f) => f.path)).toContain('onnx/model.onnx');
  }, 120_000);

  it('says which numbers do not reproduce, skips a corrupted record and reads a bare record', async () => {
    const changed = structuredClone(record);
    changed.id = 'changed';
    changed.results!.metrics.surprisalBits![2]! += 0.25;
    changed.results!.distributions[0].top[0].probability -= 0.001;
    changed.results!.distributions[0].tailMass += 0.001;
    const broken = { ...record, id: 'broken', text: 42 };
    const exportFile = JSON.parse(createExportFile([changed], { exportedAt: new Date().toISOString() }));
    exportFile.experiments.push(broken);
    const output = (await runCli(
      parseArgs(['export', file('mixed.json', JSON.stringify(exportFile)), file('bare.json', JSON.stringify(record))]),
    )) as ExportOutput;
    expect(output.allReproduced).toBe(false);
    expect(output.skipped).toHaveLength(1);
    expect(output.skipped[0]).toContain('mixed.json: record 2');
    const [bad, bare] = output.experiments;
    expect(bad.reproduced).toBe(false);
    expect(bad.problems.join(' ')).toContain('at position 2');
    expect(bad.problems.join(' ')).toContain('distribution at position 3');
    expect(bare).toMatchObject({ id: 'union', reproduced: true });
  }, 120_000);

  it('refuses a file that is not an experiments file', async () => {
    await expect(runCli(parseArgs(['export', file('nope.json', '{"hello":1}')]))).rejects.toThrow(
      'nope.json is not an experiments file',
    );
  });
});
