/**
 * A fast smoke test of the training recipe: a few steps of sotu-gpt's configuration, the
 * export, and loading the result in Node. It needs Debian's PyTorch (`python3-torch`,
 * `python3-onnx`), which .ci/run installs; without it the test is skipped and says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, env, type Tensor } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheDir, repoRoot } from '../lib/files';
import { float32FromBase64, int64Tensor, maxAbsDifference } from './evaluationProtocol';

const python = '/usr/bin/python3';
const hasTorch = spawnSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
if (!hasTorch)
  console.warn(
    'recipe smoke test skipped: /usr/bin/python3 cannot import torch and onnx (apt-get install python3-torch python3-onnx libopenblas0-pthread)',
  );

function runStep(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

describe.skipIf(!hasTorch)('the training recipe (smoke)', () => {
  const work = mkdtempSync(join(tmpdir(), 'tokenscope-recipe-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("trains a few steps, exports, and the export loads in Node with PyTorch's logits", async () => {
    if (!existsSync(join(cacheDir, 'tokens', 'sotu-bpe', 'train.bin'))) {
      runStep('npx', ['tsx', 'tools/corpus/prepare.ts']);
      runStep('npx', ['tsx', 'tools/tokenizer/train.ts']);
    }
    runStep(python, [
      'tools/models/train.py',
      'sotu-gpt',
      '--max-steps',
      '3',
      '--threads',
      '2',
      '--out',
      join(work, 'train'),
    ]);
    runStep(python, [
      'tools/models/export.py',
      'sotu-gpt',
      '--checkpoint',
      join(work, 'train', 'checkpoint.pt'),
      '--out',
      join(work, 'models', 'smoke-gpt'),
      '--fixture',
      join(work, 'fixture.json'),
      '--eval',
      join(work, 'eval.json'),
      '--smoke',
    ]);
    const evaluation = JSON.parse(readFileSync(join(work, 'eval.json'), 'utf8'));
    expect(evaluation.training.step).toBe(3);
    expect(evaluation.validation.tokensScored).toBe(2047);

    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = join(work, 'models') + '/';
    const model = await AutoModelForCausalLM.from_pretrained('smoke-gpt', { dtype: 'fp32' });
    const fixture = JSON.parse(readFileSync(join(work, 'fixture.json'), 'utf8'));
    const ids: number[] = fixture.promptIds;
    const out = (await model({ input_ids: int64Tensor([ids]), attention_mask: int64Tensor([ids.map(() => 1)]) })) as {
      logits: Tensor;
    };
    expect(out.logits.dims).toEqual(fixture.logitsShape);
    expect(maxAbsDifference(out.logits.data as Float32Array, float32FromBase64(fixture.logitsBase64))).toBeLessThan(
      1e-4,
    );
  }, 900_000);
});
