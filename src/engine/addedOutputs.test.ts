/**
 * The layer views on a model whose graph does not output its residual stream: sotu-gpt and
 * sotu-llama with their `hidden_states.*` outputs removed, as a model folder on disk. The engine finds the
 * values by node name, opens a second session with them added as outputs, and gives the
 * same lens statistics as the original export (Node, onnxruntime-node).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { withoutGraphOutputs } from '../core/onnx/graphOutputs';
import { Engine } from './engine';
import type { LensResult } from '../protocol/bigram';

const TEXT = 'Fellow-Citizens of the Senate and House of Representatives: the state of the Union is strong.';

/** A copy of an embedded model's folder whose ONNX graph lists no `hidden_states.*` outputs. */
function strippedCopy(id: string): string {
  const source = resolve('public/models', id);
  const root = join(mkdtempSync(join(tmpdir(), 'tokenscope-added-')), `${id}-no-hidden`);
  mkdirSync(join(root, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(source, file), join(root, file));
  const onnx = new Uint8Array(readFileSync(join(source, 'onnx/model.onnx')));
  writeFileSync(
    join(root, 'onnx/model.onnx'),
    withoutGraphOutputs(onnx, (name) => name.startsWith('hidden_states.')),
  );
  return root;
}

describe.each([
  { id: 'sotu-gpt', scope: '/model/blocks.N' },
  // Llama blocks also Add inside their own scope for the rotary embedding (q·cos + rotate(q)·sin).
  { id: 'sotu-llama', scope: '/model/layers.N' },
])('layer views on a graph without hidden_states outputs ($id copy)', ({ id, scope }) => {
  const original = new Engine(createNodeRuntime());
  const stripped = new Engine(createNodeRuntime());
  let folder = '';
  let ids: number[] = [];

  beforeAll(async () => {
    folder = strippedCopy(id);
    await original.load({ source: { kind: 'embedded', id }, backend: 'wasm', dtype: 'auto' });
    await stripped.load({ source: { kind: 'path', path: folder }, backend: 'wasm', dtype: 'auto' });
    ids = original.tokenize({ text: TEXT }).ids;
  });
  afterAll(async () => {
    await original.unload();
    await stripped.unload();
    rmSync(folder, { recursive: true, force: true });
  });

  it('reports the residual stream as added to the graph, by name', () => {
    const report = stripped.bigramAnalyzer().internalsReport();
    expect(report.available).toBe(true);
    expect(report.layerCount).toBe(4);
    expect(report.residualSource).toContain('added to the graph');
    expect(report.residualSource).toContain(scope);
    expect(original.bigramAnalyzer().internalsReport().residualSource).toContain("the graph's outputs");
  });

  it('gives the same lens statistics as the original export, within 1e-4', async () => {
    const want: LensResult = await original.bigramAnalyzer().lens({ ids, position: 5, lensPositions: 16 });
    const got: LensResult = await stripped.bigramAnalyzer().lens({ ids, position: 5, lensPositions: 16 });
    expect(got.layers).toHaveLength(5);
    for (const [l, layer] of want.layers.entries()) {
      for (const key of [
        'klToFinalMeanNats',
        'outSurprisalPearson',
        'recallAt1',
        'recallAt10',
        'cosineToCurrentEmbedding',
        'cosineToNextKey',
      ] as const) {
        expect(Math.abs(got.layers[l][key] - layer[key])).toBeLessThan(1e-4);
      }
      expect(Math.abs(got.selected.layers[l].klToFinalNats - want.selected.layers[l].klToFinalNats)).toBeLessThan(1e-4);
      expect(got.selected.layers[l].top.map((t) => t.id)).toEqual(want.selected.layers[l].top.map((t) => t.id));
    }
    for (const [i, value] of want.covariance.entries()) expect(Math.abs(got.covariance[i] - value)).toBeLessThan(1e-4);
  });
});
