/**
 * Where one forward pass of an embedded model spends its time, by ONNX operator type: ONNX
 * Runtime's own profiler (onnxruntime-node, one thread), a window of N tokens run R times.
 * docs/BENCHMARKS.md quotes it ("What still bounds scoring, ..."). Not part of `npm run bench`.
 *
 *   npx tsx tools/bench/forwardOps.ts [model id = sotu-gpt] [tokens = 256] [runs = 10]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [modelId = 'sotu-gpt', tokensArg = '256', runsArg = '10'] = process.argv.slice(2);
const tokens = Number(tokensArg);
const runs = Number(runsArg);
const folder = join(import.meta.dirname, '../../public/models', modelId);
const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, number>;

// onnxruntime-node's endProfiling returns nothing: the profile is the one file in this folder.
const profileFolder = mkdtempSync(join(tmpdir(), 'forward-ops-'));
const session = await ort.InferenceSession.create(join(folder, 'onnx/model.onnx'), {
  enableProfiling: true,
  profileFilePrefix: join(profileFolder, 'profile'),
  intraOpNumThreads: 1,
  executionMode: 'sequential',
});
const int64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
const heads = config.num_key_value_heads ?? config.n_head ?? config.num_attention_heads;
const headSize =
  config.head_dim ?? (config.n_embd ?? config.hidden_size) / (config.n_head ?? config.num_attention_heads);
const vocab = config.vocab_size;
const feeds: Record<string, ort.Tensor> = {
  // Any ids: the cost does not depend on them.
  input_ids: int64(Array.from({ length: tokens }, (_, i) => (i * 7919) % (vocab - 1))),
  attention_mask: int64(new Array<number>(tokens).fill(1)),
};
for (const name of session.inputNames) {
  if (name.startsWith('past_key_values'))
    feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headSize]);
  if (name === 'position_ids') feeds[name] = int64(Array.from({ length: tokens }, (_, i) => i));
}
for (let i = 0; i < runs; i++) await session.run(feeds);
session.endProfiling();

interface ProfileEvent {
  cat?: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}
const [profileFile] = readdirSync(profileFolder);
const events = JSON.parse(readFileSync(join(profileFolder, profileFile), 'utf8')) as ProfileEvent[];
rmSync(profileFolder, { recursive: true });
const byOperator = new Map<string, number>();
const byNode = new Map<string, number>();
for (const event of events) {
  if (event.cat !== 'Node' || !event.name.endsWith('_kernel_time')) continue;
  const operator = event.args?.op_name ?? '?';
  byOperator.set(operator, (byOperator.get(operator) ?? 0) + event.dur);
  const node = event.name.slice(0, -'_kernel_time'.length);
  byNode.set(node, (byNode.get(node) ?? 0) + event.dur);
}
const totalUs = [...byOperator.values()].reduce((a, b) => a + b, 0);
const msPerRun = (us: number) => (us / 1000 / runs).toFixed(2).padStart(7);
console.log(`${modelId}, ${tokens} tokens, ${runs} runs: ${msPerRun(totalUs)} ms of kernels per run`);
for (const [operator, us] of [...byOperator].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`${msPerRun(us)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${operator}`);
console.log('heaviest nodes:');
for (const [node, us] of [...byNode].sort((a, b) => b[1] - a[1]).slice(0, 6))
  console.log(`${msPerRun(us)} ms  ${node}`);
