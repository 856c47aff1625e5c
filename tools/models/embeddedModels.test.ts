/**
 * The committed embedded models, loaded from public/models with @huggingface/transformers
 * under Node (onnxruntime-node), checked against the PyTorch reference written at export
 * (tools/models/fixtures/<id>.json) and against their own model cards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicCache, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAddresses } from '../corpus/corpus';
import { repoRoot } from '../lib/files';
import {
  embeddedModelsDir,
  float32FromBase64,
  int64Tensor,
  loadEmbeddedModel,
  maxAbsDifference,
  scoreStream,
  splitStream,
} from './evaluationProtocol';

interface Fixture {
  promptIds: number[];
  logitsShape: number[];
  logitsBase64: string;
  lastHiddenStateBase64: string;
  greedyIds: number[];
}
const manifest = JSON.parse(readFileSync(join(embeddedModelsDir, 'models.json'), 'utf8')) as {
  models: { id: string }[];
};
type Outputs = Record<string, Tensor>;
const tokenizerFile = (id: string) => readFileSync(join(embeddedModelsDir, id, 'tokenizer.json'), 'utf8');
/** Models whose tokenizer.json an earlier model in the manifest already has: the round trip is tested once. */
const sharesEarlierTokenizer = (id: string) => {
  const ids = manifest.models.map((m) => m.id);
  return ids.slice(0, ids.indexOf(id)).some((earlier) => tokenizerFile(earlier) === tokenizerFile(id));
};

describe.each(manifest.models.map((m) => m.id))('embedded model %s', (id) => {
  let model: PreTrainedModel;
  let tokenizer: PreTrainedTokenizer;
  let fixture: Fixture;
  let metrics: { evaluation: { validation: { tokensScored: number; perplexity: number; bitsPerByte: number } } };
  /** Blocks and context, named as GPT-2's config.json (n_layer, n_positions) or Llama's (num_hidden_layers, max_position_embeddings) names them. */
  let config: { layers: number; positions: number };
  const readJsonFile = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

  beforeAll(async () => {
    fixture = readJsonFile(join(repoRoot, 'tools', 'models', 'fixtures', `${id}.json`));
    metrics = readJsonFile(join(embeddedModelsDir, id, 'metrics.json'));
    const raw = readJsonFile(join(embeddedModelsDir, id, 'config.json'));
    config = {
      layers: raw.n_layer ?? raw.num_hidden_layers,
      positions: raw.n_positions ?? raw.max_position_embeddings,
    };
    ({ model, tokenizer } = await loadEmbeddedModel(id));
  });

  const run = (ids: number[], extra: Record<string, unknown> = {}) =>
    model({
      input_ids: int64Tensor([ids]),
      attention_mask: int64Tensor([ids.map(() => 1)]),
      ...extra,
    }) as Promise<Outputs>;

  it('gives the logits PyTorch gave, within 1e-4', async () => {
    const out = await run(fixture.promptIds);
    expect(out.logits.dims).toEqual(fixture.logitsShape);
    expect(maxAbsDifference(out.logits.data as Float32Array, float32FromBase64(fixture.logitsBase64))).toBeLessThan(
      1e-4,
    );
    // The residual stream before the final LayerNorm is exported too (the lens views need it).
    expect(
      maxAbsDifference(
        out[`hidden_states.${config.layers}`].data as Float32Array,
        float32FromBase64(fixture.lastHiddenStateBase64),
      ),
    ).toBeLessThan(1e-4);
  });

  it('gives the same last-position logits from a KV-cached step as from a full recompute', async () => {
    const ids = fixture.promptIds;
    const full = await run(ids);
    const prefix = await run(ids.slice(0, -1));
    const cache = new DynamicCache();
    for (let i = 0; i < config.layers; i++) {
      cache[`past_key_values.${i}.key`] = prefix[`present.${i}.key`];
      cache[`past_key_values.${i}.value`] = prefix[`present.${i}.value`];
    }
    const step = (await model({
      input_ids: int64Tensor([ids.slice(-1)]),
      attention_mask: int64Tensor([ids.map(() => 1)]),
      past_key_values: cache,
    })) as Outputs;
    const vocab = full.logits.dims[2];
    const fullLast = (full.logits.data as Float32Array).subarray((ids.length - 1) * vocab);
    expect(step.logits.dims).toEqual([1, 1, vocab]);
    expect(maxAbsDifference(step.logits.data as Float32Array, fullLast)).toBeLessThan(1e-4);
  });

  it('continues a validation prompt greedily exactly as PyTorch did', async () => {
    const ids = fixture.promptIds;
    const generated = (await model.generate({
      input_ids: int64Tensor([ids]),
      attention_mask: int64Tensor([ids.map(() => 1)]),
      max_new_tokens: fixture.greedyIds.length,
      min_new_tokens: fixture.greedyIds.length,
      do_sample: false,
    } as never)) as Tensor;
    expect(Array.from(generated.data as BigInt64Array, Number).slice(ids.length)).toEqual(fixture.greedyIds);
  });

  it.skipIf(sharesEarlierTokenizer(id))(
    'round-trips every address and mixed Unicode through its tokenizer',
    () => {
      for (const doc of readAddresses())
        expect(tokenizer.decode(tokenizer.encode(doc.text, { add_special_tokens: false }))).toBe(doc.text);
      const samples = [
        'naïve café — “quoted” ’',
        'e\u0301 (combining) 👩‍👩‍👧 emoji ZWJ',
        'עברית العربية 中文 日本語 한국어',
        '\t tabs\n\n\nnewlines  trailing ',
        'x'.repeat(3000),
      ];
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
      for (let n = 0; n < 200; n++) {
        const codePoints = Array.from({ length: 1 + Math.floor(random() * 40) }, () => {
          const cp = Math.floor(random() * 0x2ffff);
          return cp >= 0xd800 && cp <= 0xdfff ? 0x20 : cp;
        });
        samples.push(String.fromCodePoint(...codePoints));
      }
      for (const text of samples)
        expect(tokenizer.decode(tokenizer.encode(text, { add_special_tokens: false }))).toBe(text);
    },
    900_000,
  ); // transformers.js runs a metaspace BPE (sotu-llama) over each whole address: minutes, not seconds

  it('reproduces the validation perplexity of its model card within 1%', async () => {
    const { ids, utf8Bytes } = splitStream(tokenizer, 'validation');
    expect(ids.length - 1).toBe(metrics.evaluation.validation.tokensScored);
    const score = await scoreStream(model, ids, config.positions, utf8Bytes);
    expect(Math.abs(score.perplexity / metrics.evaluation.validation.perplexity - 1)).toBeLessThan(0.01);
    expect(Math.abs(score.bitsPerByte / metrics.evaluation.validation.bitsPerByte - 1)).toBeLessThan(0.01);
  }, 900_000);
});
