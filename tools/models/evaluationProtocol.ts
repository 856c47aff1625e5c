/**
 * The model cards' evaluation protocol, the same as tools/models/evaluate.py: windows of
 * n_ctx tokens start every n_ctx/2 tokens, and each window scores only the targets that no
 * earlier window scored, so every token after the first is scored exactly once.
 */
import { join } from 'node:path';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  PreTrainedModel,
  PreTrainedTokenizer,
  Tensor,
} from '@huggingface/transformers';
import { logSumExp } from '../../src/core/distribution/softmax';
import { readAddresses, splitOf, type SplitName } from '../corpus/corpus';
import { repoRoot } from '../lib/files';

export interface EvaluationWindow {
  /** Inputs are tokens[start, end), targets tokens[start + 1, end + 1). */
  start: number;
  end: number;
  /** The first target index this window scores. */
  firstScored: number;
}

export function evaluationWindows(tokenCount: number, contextTokens: number): EvaluationWindow[] {
  const stride = Math.floor(contextTokens / 2);
  const windows: EvaluationWindow[] = [];
  let scoredUntil = 0;
  for (let start = 0; scoredUntil < tokenCount - 1; start += stride) {
    const end = Math.min(start + contextTokens, tokenCount - 1);
    windows.push({ start, end, firstScored: scoredUntil + 1 });
    scoredUntil = end;
  }
  return windows;
}

export interface StreamScore {
  tokensScored: number;
  lossNatsPerToken: number;
  perplexity: number;
  bitsPerByte: number;
  utf8Bytes: number;
}

export const embeddedModelsDir = join(repoRoot, 'public', 'models');

/** Loads an embedded model and its tokenizer from public/models with the network off. */
export async function loadEmbeddedModel(
  id: string,
): Promise<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }> {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = embeddedModelsDir + '/';
  const model = await AutoModelForCausalLM.from_pretrained(id, { dtype: 'fp32' });
  const tokenizer = await AutoTokenizer.from_pretrained(id);
  return { model, tokenizer };
}

export function int64Tensor(rows: number[][]): Tensor {
  const width = rows[0].length;
  return new Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, width]);
}

/** A split as one stream: an end-of-text token before each address, as in training. */
export function splitStream(tokenizer: PreTrainedTokenizer, split: SplitName): { ids: number[]; utf8Bytes: number } {
  // The marker tools/tokenizer/train.ts puts before each address: GPT-2's <|endoftext|>, or <s> for the SentencePiece-style sotu-sp.
  const endOfText = tokenizer.convert_tokens_to_ids('<|endoftext|>') ?? tokenizer.convert_tokens_to_ids('<s>');
  if (endOfText === undefined)
    throw new Error('the tokenizer has neither <|endoftext|> nor <s> to mark where an address starts');
  const ids: number[] = [];
  let utf8Bytes = 0;
  readAddresses().forEach((doc, i) => {
    if (splitOf(i) !== split) return;
    ids.push(endOfText, ...tokenizer.encode(doc.text, { add_special_tokens: false }));
    utf8Bytes += Buffer.byteLength(doc.text, 'utf8');
  });
  return { ids, utf8Bytes };
}

/**
 * Scores a stream through the ONNX model by the protocol, batching windows of equal length.
 * `onTarget` receives each scored target's index in `ids` and its natural log-probability.
 */
export async function scoreStream(
  model: PreTrainedModel,
  ids: number[],
  contextTokens: number,
  utf8Bytes: number,
  batchSize = 8,
  onTarget?: (target: number, logProbability: number) => void,
): Promise<StreamScore> {
  const windows = evaluationWindows(ids.length, contextTokens);
  let totalNats = 0,
    tokensScored = 0;
  for (let i = 0; i < windows.length;) {
    const length = windows[i].end - windows[i].start;
    const batch: EvaluationWindow[] = [];
    while (i < windows.length && batch.length < batchSize && windows[i].end - windows[i].start === length)
      batch.push(windows[i++]);
    const rows = batch.map((w) => ids.slice(w.start, w.end));
    const out = (await model({
      input_ids: int64Tensor(rows),
      attention_mask: int64Tensor(rows.map((r) => r.map(() => 1))),
    })) as { logits: Tensor };
    const logits = out.logits.data as Float32Array;
    const vocab = out.logits.dims[2];
    batch.forEach((w, b) => {
      for (let target = w.firstScored; target <= w.end; target++) {
        const position = target - 1 - w.start;
        const row = logits.subarray((b * length + position) * vocab, (b * length + position + 1) * vocab);
        const nats = logSumExp(row) - row[ids[target]];
        onTarget?.(target, -nats);
        totalNats += nats;
        tokensScored++;
      }
    });
  }
  const lossNatsPerToken = totalNats / tokensScored;
  return {
    tokensScored,
    lossNatsPerToken,
    perplexity: Math.exp(lossNatsPerToken),
    bitsPerByte: totalNats / Math.LN2 / utf8Bytes,
    utf8Bytes,
  };
}

/** Decodes the little-endian float32 arrays that export.py writes as base64 in fixtures. */
export function float32FromBase64(base64: string): Float32Array {
  return new Float32Array(new Uint8Array(Buffer.from(base64, 'base64')).buffer);
}

/** The largest absolute difference between two equally long arrays. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
