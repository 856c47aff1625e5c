/** Engine figures under Node (onnxruntime-node), exactly as `npm run cli` runs the model. */
import { cpus } from 'node:os';
import { createNodeRuntime } from '../../src/engine/nodeRuntime';
import { Engine } from '../../src/engine/engine';
import { median, repeat, type Figure } from './stats';

export async function runNodeBench(text: string, modelId: string): Promise<Figure[]> {
  const backend = `Node CLI (onnxruntime-node, ${cpus().length} cores)`;
  const figures: Figure[] = [];
  const add = (name: string, unit: Figure['unit'], runs: number[]) =>
    figures.push({ name, backend, unit, median: median(runs), runs });

  const engine = new Engine(createNodeRuntime());
  const loadRuns = await repeat(3, async () => {
    const info = await engine.load({ source: { kind: 'embedded', id: modelId }, backend: 'wasm', dtype: 'auto' });
    return info.loadMs;
  });
  add('model load', 'ms', loadRuns);
  const { ids } = engine.tokenize({ text });
  const context = engine.modelInfo!.contextTokens;
  const window = ids.slice(0, context);
  add(
    `forward over ${window.length} tokens`,
    'ms',
    await repeat(9, async () => (await engine.forward({ ids: window })).elapsedMs, 2),
  );
  for (const n of [32, context]) {
    add(
      `KV-cached step at ${n} tokens`,
      'ms',
      await repeat(
        15,
        async () => {
          await engine.step({ ids: ids.slice(0, n - 1) });
          return (await engine.step({ ids: ids.slice(0, n) })).elapsedMs;
        },
        1,
      ),
    );
    add(
      `full recompute at ${n} tokens`,
      'ms',
      await repeat(15, async () => (await engine.step({ ids: ids.slice(0, n), useCache: false })).elapsedMs, 1),
    );
  }
  const scored = ids.slice(0, 2000);
  add(
    `score ${scored.length} tokens (throughput)`,
    'tokens/s',
    await repeat(
      3,
      async () => {
        const result = await engine.score({ ids: scored, topK: 5 });
        return (scored.length - 1) / (result.elapsedMs / 1000);
      },
      1,
    ),
  );
  add('peak memory (process max RSS)', 'MB', [process.resourceUsage().maxRSS / 1024]);
  await engine.unload();
  return figures;
}
