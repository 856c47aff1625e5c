/**
 * What the exact next byte costs on a large vocabulary: the Qwen3 tokenizer (151,669 tokens)
 * with a stand-in model (no 150k-vocabulary model ships with the app), every candidate checked
 * and with pruneBelow, so the check count, the time and the bound can be compared.
 *
 *   npx tsx tools/bench/lemmaCost.ts [tokenizer id, default qwen3]
 *
 * The stand-in model is deterministic and peaked: after each prefix the tokens take an order
 * from a hash, with p ∝ (1 + rank)^-2, so the top thousand tokens hold 99.9% of the mass and the
 * tail below 1e-6 about 8e-4 (a real model's tail decides what pruning may leave unchecked).
 * Model time is not measured (a real model's forward passes come on top): the figures are the
 * lemma's own work. Each setting starts on a fresh tokenizer object (validity answers are kept
 * per tokenizer object, so later prompts with the same tail are cheaper).
 */
import { cpus, loadavg } from 'node:os';
import { ByteSpanTokenizer } from '../../src/engine/byteSpanTokenizer';
import { exactNextBytesOnModel } from '../../src/core/tokenizers/lemmaOnModel';
import { TokenByteIndex } from '../../src/core/tokenizers/tokenByteIndex';
import { readSourceFiles } from '../tokenizers/sources';

const id = process.argv[2] ?? 'qwen3';
const files = readSourceFiles(id);
const build = () => ByteSpanTokenizer.fromJson(files.tokenizerJson, files.tokenizerConfig);
const vocabulary = build().vocabularyBytes();
const index = new TokenByteIndex(vocabulary);

/** Logits with a Zipf profile (exponent 2) over a hash order of the vocabulary, a fixed function of the prefix. */
async function standInLogits(ids: number[]): Promise<Float32Array> {
  let h = 2166136261;
  for (const t of ids) h = Math.imul(h ^ (t + 1), 16777619) >>> 0;
  const logits = new Float32Array(vocabulary.length);
  for (let t = 0; t < logits.length; t++) {
    // A cheap per-prefix permutation: rank = (a·t + h) mod V with a odd.
    const rank = (((t * 2654435761) >>> 0) + h) % logits.length;
    logits[t] = -2 * Math.log(1 + rank);
  }
  return logits;
}

const PROMPTS = ['The capital of France is ', 'the State of the Uni', '日本語の文'];
console.log(`${id}: ${vocabulary.length} tokens; Node on ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}`);
for (const pruneBelow of [undefined, 1e-6, 1e-8]) {
  const tokenizer = build();
  for (const text of PROMPTS) {
    const started = performance.now();
    const result = await exactNextBytesOnModel(new TextEncoder().encode(text), tokenizer, {
      startTokenId: null,
      nextLogits: standInLogits,
      pruneBelow,
      index,
    });
    console.log(
      JSON.stringify({
        prompt: text,
        pruneBelow: pruneBelow ?? 0,
        ms: Math.round(performance.now() - started),
        validityChecks: result.validityChecks,
        forwardPasses: result.forwardPasses,
        errorBound: Number(result.errorBound.toPrecision(2)),
        characterErrorBound: Number(result.characterErrorBound.toPrecision(2)),
      }),
    );
  }
}
