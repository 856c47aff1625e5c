/**
 * Tokenscope's Node engine (what the CLI runs) on the replicas' q8 files, the Hub's default
 * quantized format: its logits equal a plain onnxruntime-node session's on the same file, both
 * with the app's session options (src/engine/modelSessionOptions.ts), within 1e-4.
 *
 * On an x86-64 CPU without VNNI this fails when the engine opens the file without those options:
 * ONNX Runtime's u8 × s8 kernels clip there (measured 0.36 on the llama replica, an AVX2 EPYC).
 * On other CPUs both kernels are exact and the test cannot tell the difference. In its own file:
 * the engine points transformers.js's `env` at its registered files, which replicas.test.ts's
 * own `from_pretrained` calls must not see.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { createNodeRuntime } from '../../src/engine/nodeRuntime';
import { buildReplicasIntoTemp } from './buildReplicas';
import { ortRun, ortSession } from './ortReference';

const WITH_Q8 = ['gpt2', 'llama', 'qwen2'];
const TEXT_IDS = [3, 17, 42, 7, 99, 5, 64, 11];

let out = '';
beforeAll(() => {
  out = buildReplicasIntoTemp();
});
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe.each(WITH_Q8)("the '%s' replica's q8 file in the Node engine", (name) => {
  it("gives the plain session's logits (1e-4)", async () => {
    const folder = join(out, name);
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { bos_token_id?: number };
    const ids = [config.bos_token_id ?? 0, ...TEXT_IDS];
    const session = await ortSession(
      new Uint8Array(readFileSync(join(folder, 'onnx', 'model_quantized.onnx'))),
      folder,
    );
    const engine = new Engine(createNodeRuntime());
    try {
      const info = await engine.load({ source: { kind: 'path', path: folder }, backend: 'wasm', dtype: 'q8' });
      expect(info.dtype).toBe('q8');
      const { logits } = await engine.forward({ ids });
      const plain = (await ortRun(session, ids)).logits.data as Float32Array;
      expect(logits.length).toBe(plain.length);
      let max = 0;
      for (let i = 0; i < plain.length; i++) max = Math.max(max, Math.abs(logits[i] - plain[i]));
      expect(max).toBeLessThan(1e-4);
    } finally {
      await engine.unload();
      await session.release();
    }
  });
});
