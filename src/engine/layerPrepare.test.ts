/**
 * The bigram view asks the worker to open the layer view's graphs once its chips are shown
 * (layerPrepare): the graphs it opens are the very ones the first layer analysis then runs,
 * so the click opens none (sotu-gpt under Node; every open counted).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { Engine } from './engine';
import * as generatedGraph from './generatedGraph';

vi.mock('./generatedGraph', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./generatedGraph')>();
  return { ...actual, openGeneratedGraph: vi.fn(actual.openGeneratedGraph) };
});

describe('layerPrepare (sotu-gpt, Node)', () => {
  const engine = new Engine(createNodeRuntime());
  let ids: number[] = [];

  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    ids = engine.tokenize({
      text: 'Fellow-Citizens of the Senate and House of Representatives: the Union is strong.',
    }).ids;
  });
  afterAll(() => engine.unload());

  it('opens the lens and covariance graphs before the click, and the click opens none', async () => {
    const opens = vi.mocked(generatedGraph.openGeneratedGraph);
    const names = () => opens.mock.calls.map(([, spec]) => spec.name);
    opens.mockClear();
    const analyzer = engine.bigramAnalyzer();
    expect(await analyzer.prepareLayers()).toEqual({ prepared: true });
    expect(names().sort()).toEqual(['tokenscope_covariance_similarity', 'tokenscope_lens_statistics'].sort());
    const prepared = names().length;
    const result = await analyzer.lens({ ids, position: 3, lensPositions: 4 });
    expect(result.layers.length).toBe(result.layerCount + 1);
    expect(names()).toHaveLength(prepared);
    // Asking again opens nothing new either.
    await analyzer.prepareLayers();
    expect(names()).toHaveLength(prepared);
  });
});
