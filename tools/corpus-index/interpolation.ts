/**
 * The infini-gram paper's interpolation on an embedded model: P = λ·P∞ + (1 − λ)·P_model, one
 * λ for sparse ∞-gram estimates and one for the others, chosen on the validation split, then
 * the test split's perplexity with and without the ∞-gram of the training split (Eq. 2).
 *
 * The model's probabilities follow the model cards' protocol (tools/models/evaluationProtocol:
 * each split as one stream, a start token before each address, windows of n_ctx every n_ctx/2).
 * Only the addresses' own tokens are counted (not the start tokens that begin the next
 * address), so the neural perplexity here is over slightly fewer tokens than the card's.
 * The ∞-gram of a token sees the tokens of its own address before it (documents are separate
 * in the index, and held-out addresses are not in it).
 *
 *   npx tsx tools/corpus-index/interpolation.ts sotu-gpt-long
 *   → docs/measurements/infinigram-interpolation-<model>.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfiniGramIndex } from '../../src/core/ngram/infiniGram';
import { combinedPerplexity, perplexity, relativeImprovement, tuneLambdas } from '../../src/core/ngram/interpolation';
import type { TrainingSplitEntry } from '../../src/protocol/corpus';
import { fail, readJson, repoRoot, runTool } from '../lib/files';
import { loadEmbeddedModel, scoreStream, splitStream } from '../models/evaluationProtocol';

interface SplitPositions {
  pNeural: number[];
  pInfinity: number[];
  sparse: boolean[];
  effectiveN: number[];
}

function trainingIndex(modelId: string): InfiniGramIndex {
  const index = readJson<{ models: Record<string, string>; corpora: Record<string, TrainingSplitEntry> }>(
    join(repoRoot, 'public', 'corpus', 'index.json'),
    'corpus/index.json',
  );
  const entry = index.corpora[index.models[modelId]];
  if (!entry) fail(`no training split for ${modelId} in public/corpus/index.json`);
  const buffer = readFileSync(join(repoRoot, 'public', 'corpus', entry.file));
  const all =
    entry.bytesPerId === 1 ? new Uint8Array(buffer) : new Uint16Array(buffer.buffer, buffer.byteOffset, entry.tokens);
  const started = performance.now();
  const built = InfiniGramIndex.build(entry.documents.map((d) => all.subarray(d.start, d.start + d.length)));
  console.log(
    `index of ${entry.tokens.toLocaleString('en-US')} training tokens built in ${((performance.now() - started) / 1000).toFixed(2)} s`,
  );
  return built;
}

await runTool(async () => {
  const modelId = process.argv[2];
  if (!modelId) fail('usage: npx tsx tools/corpus-index/interpolation.ts <embedded model id>');
  const index = trainingIndex(modelId);
  const { model, tokenizer } = await loadEmbeddedModel(modelId);
  const contextTokens = model.config as unknown as { n_positions?: number; max_position_embeddings?: number };
  const nCtx = contextTokens.n_positions ?? contextTokens.max_position_embeddings ?? 256;
  const splits: Record<string, SplitPositions> = {};
  for (const split of ['validation', 'test'] as const) {
    const started = performance.now();
    const { ids, utf8Bytes } = splitStream(tokenizer, split);
    const startId = ids[0];
    const logProbability = new Float64Array(ids.length).fill(NaN);
    await scoreStream(model, ids, nCtx, utf8Bytes, 8, (target, lp) => {
      logProbability[target] = lp;
    });
    const positions: SplitPositions = { pNeural: [], pInfinity: [], sparse: [], effectiveN: [] };
    for (let begin = 1; begin < ids.length;) {
      let end = begin;
      while (end < ids.length && ids[end] !== startId) end++;
      const doc = ids.slice(begin, end);
      const scores = index.scoreText(doc);
      for (let k = 0; k < doc.length; k++) {
        // The first token of an address is predicted by the model from the start token alone; the ∞-gram from nothing (unigram).
        positions.pNeural.push(Math.exp(logProbability[begin + k]));
        positions.pInfinity.push(scores.probability[k]);
        positions.sparse.push(scores.sparse[k] === 1);
        positions.effectiveN.push(scores.effectiveN[k]);
      }
      begin = end + 1;
    }
    if (positions.pNeural.some((p) => !(p > 0))) fail(`${split}: a token was not scored by the model`);
    splits[split] = positions;
    console.log(
      `${split}: ${positions.pNeural.length.toLocaleString('en-US')} tokens scored in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  const tuning = tuneLambdas(splits.validation);
  const test = splits.test;
  const neural = perplexity(test.pNeural);
  const combined = combinedPerplexity(test, tuning.lambdaSparse, tuning.lambdaDense);
  const share = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;
  const agreement = test.pInfinity.filter((p) => p > 0.5).length / test.pInfinity.length;
  const result = {
    model: modelId,
    measuredAt: new Date().toISOString(),
    protocol:
      "model: the cards' stream protocol (n_ctx windows every n_ctx/2); ∞-gram: the training split index, context = the address so far; only address tokens counted",
    lambdaSparse: tuning.lambdaSparse,
    lambdaDense: tuning.lambdaDense,
    validation: {
      tokens: splits.validation.pNeural.length,
      neuralPerplexity: tuning.neuralPerplexity,
      combinedPerplexity: tuning.perplexity,
      relativeImprovement: tuning.relativeImprovement,
    },
    test: {
      tokens: test.pNeural.length,
      neuralPerplexity: neural,
      combinedPerplexity: combined,
      relativeImprovement: relativeImprovement(neural, combined),
      sparseShare: share(test.sparse),
      agreement,
      meanEffectiveN: test.effectiveN.reduce((a, b) => a + b, 0) / test.effectiveN.length,
    },
  };
  const out = join(repoRoot, 'docs', 'measurements', `infinigram-interpolation-${modelId}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${out}`);
});
