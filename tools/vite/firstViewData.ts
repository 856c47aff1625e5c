/**
 * Computes the precomputed first view (src/core/lab/firstView.ts) with the project's own Engine
 * under Node (onnxruntime-node) on the shipped default model, and writes it:
 *
 *   npx tsx tools/vite/firstViewData.ts
 *
 * Run it after retraining the default model or changing the default text: the build refuses a
 * stale file (tools/vite/firstView.mts) and tools/vite/firstView.test.ts compares it with a fresh run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src/engine/engine';
import { createNodeRuntime, EMBEDDED_MODELS_DIR, REPO_ROOT } from '../../src/engine/nodeRuntime';
import { FIRST_VIEW_TOP_N, float32ToBase64, type FirstViewData } from '../../src/core/lab/firstView';
import { topNIndices, logSoftmax } from '../../src/core/distribution';
import { DEFAULT_TEXT } from '../../src/state/settings';

export const FIRST_VIEW_FILE = join(REPO_ROOT, 'src', 'core', 'lab', 'firstView.json');

/** public/models/models.json's default: the model the app opens on. */
export function defaultModelId(): string {
  return (JSON.parse(readFileSync(join(EMBEDDED_MODELS_DIR, 'models.json'), 'utf8')) as { default: string }).default;
}

export async function computeFirstView(modelId = defaultModelId(), text = DEFAULT_TEXT): Promise<FirstViewData> {
  const engine = new Engine(createNodeRuntime());
  try {
    await engine.load({ source: { kind: 'embedded', id: modelId }, backend: 'wasm', dtype: 'auto' });
    const { ids, tokens } = engine.tokenize({ text });
    const analysis = await engine.analyze({ ids });
    const row = await engine.row({ ids, position: ids.length });
    const { tokens: vocabulary, specialIds, byteScheme } = engine.vocabulary();
    const named = new Set([
      ...topNIndices(logSoftmax(row.logits), FIRST_VIEW_TOP_N),
      ...analysis.positions.map((p) => p.topTokenId),
    ]);
    const labels = Object.fromEntries([...named].sort((a, b) => a - b).map((id) => [String(id), vocabulary[id]]));
    return {
      version: 1,
      modelId,
      modelFiles: await engine.fileHashes(),
      text,
      tokens,
      analysis,
      row: { position: row.position, contextTokens: row.contextTokens, logitsBase64: float32ToBase64(row.logits) },
      labels,
      vocabulary: { specialIds, byteScheme },
    };
  } finally {
    await engine.unload();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const data = await computeFirstView();
  writeFileSync(FIRST_VIEW_FILE, `${JSON.stringify(data, null, 1)}\n`);
  console.log(
    `Wrote ${FIRST_VIEW_FILE}: ${data.modelId}, ${data.tokens.length} tokens, ${Object.keys(data.labels).length} labels.`,
  );
}
