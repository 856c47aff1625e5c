/**
 * In-context navigation (core/keyspace/icn.ts) on the loaded model: prompts tokenized by the
 * model's tokenizer, logits from KV-cached steps (each probe's expansion extends the cache of
 * its prompt), end-of-text ends an answer.
 */
import { expandAnswer, runIcn, type IcnModel, type IcnProbe } from '../core/keyspace/icn';
import { parseAnswerList } from '../core/keyspace/answers';

import type { Engine } from './engine';

import { EngineError, throwIfCancelled } from './errors';
import { yieldToEventLoop } from '../core/yieldToEventLoop';

import type { ExpandParams, ExpandedCandidate, IcnParams, IcnProgress } from '../protocol/keySpace';

/** Steps between yields to the event loop. */
const STEPS_PER_YIELD = 8;

/** The loaded model as ICN's model: KV-cached steps, cancellable, stopping at EOS. */
function engineIcnModel(engine: Engine, signal: AbortSignal | undefined, what: string): IcnModel {
  let steps = 0;
  const eos = engine.modelInfo?.eosTokenId ?? null;
  return {
    tokenize: (text) => engine.tokenize({ text }).ids,
    decode: (ids) => engine.decode(ids),
    nextLogits: async (ids) => {
      // NOTE: a WASM forward pass resolves without giving the worker's event loop a turn, so
      // without this yield the `cancel` message (Stop) would wait for the whole run.
      if (++steps % STEPS_PER_YIELD === 0) await yieldToEventLoop();
      throwIfCancelled(signal, what);
      return (await engine.step({ ids: [...ids] })).logits;
    },
    stopTokenIds: new Set(eos === null ? [] : [eos]),
  };
}

export async function runIcnOnEngine(
  engine: Engine,
  params: IcnParams,
  options: { signal?: AbortSignal; onProgress?: (progress: IcnProgress) => void } = {},
): Promise<IcnProbe[]> {
  if (!engine.modelInfo) throw new EngineError('no-model', 'No model is loaded yet.');
  const model = engineIcnModel(engine, options.signal, 'In-context navigation');
  const totalProbes = params.runs * params.tolerance;
  try {
    return await runIcn(model, {
      ...params,
      acceptable: parseAnswerList(params.acceptableText ?? ''),
      signal: options.signal,
      onProbe: (probe, index) => options.onProgress?.({ probe, index, totalProbes }),
    });
  } catch (error) {
    if (error instanceof RangeError) throw new EngineError('bad-request', error.message);
    if (error instanceof Error && error.name === 'AbortError') throw new EngineError('cancelled', error.message);
    throw error;
  }
}

/**
 * Each candidate first token expanded greedily until a closing quote, as the paper's
 * spurious-correlation notebook does (at most 64 tokens; docs/PAPERS.md section 1); progress after each candidate.
 */
export async function expandCandidatesOnEngine(
  engine: Engine,
  params: ExpandParams,
  options: { signal?: AbortSignal; onProgress?: (progress: { done: number; total: number }) => void } = {},
): Promise<ExpandedCandidate[]> {
  if (params.contextIds.length === 0) throw new EngineError('bad-request', 'The context to expand from is empty.');
  const model = engineIcnModel(engine, options.signal, 'Expanding the candidates');
  const out: ExpandedCandidate[] = [];
  try {
    for (const tokenId of params.tokenIds) {
      const expanded = await expandAnswer(
        model,
        [...params.contextIds, tokenId],
        params.contextIds.length,
        '',
        params.maxAnswerTokens ?? 64,
        options.signal,
      );
      out.push({ tokenId, ...expanded });
      options.onProgress?.({ done: out.length, total: params.tokenIds.length });
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw new EngineError('cancelled', error.message);
    throw error;
  }
  return out;
}
