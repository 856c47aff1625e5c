/**
 * `next`: the next-token distribution after a text through the sampling pipeline, and the
 * token drawn from it, computed by the same core function the UI uses (`sampleNext`).
 */
import {
  entropyBits,
  sampleNext,
  softmax,
  tokenRank,
  topNIndices,
  type SamplingPipeline,
  type SamplingStageName,
} from '../core/distribution';
import type { Engine } from '../engine/engine';
import type { ModelInfo } from '../protocol/model';
import type { CliArgs } from './args';

type StageProbabilities = Record<SamplingStageName, number | null>;

/**
 * A token's probability after each stage; null from the stage that removed it on. A
 * probability that underflowed to 0 at a low temperature stays 0: no stage removed it.
 */
function afterEachStage(pipeline: SamplingPipeline, rawProbability: number, tokenId: number): StageProbabilities {
  const after = {} as StageProbabilities;
  let input = rawProbability;
  let removed = false;
  for (const stage of pipeline.stages) {
    const p = stage.probabilities[tokenId];
    removed ||= input > 0 && p === 0;
    after[stage.name] = removed ? null : p;
    input = p;
  }
  return after;
}

/** The context of the prediction: the start token, then the text's ids, as the app's lab scores them. */
export function nextContext(
  ids: readonly number[],
  info: Pick<ModelInfo, 'bosTokenId' | 'eosTokenId'>,
): { ids: number[]; startTokenId: number } {
  const startTokenId = info.bosTokenId ?? info.eosTokenId ?? 0;
  return { ids: [startTokenId, ...ids], startTokenId };
}

export async function nextOutput(engine: Engine, info: ModelInfo, textIds: readonly number[], args: CliArgs) {
  const context = nextContext(textIds, info);
  const step = await engine.step({ ids: context.ids });
  const { logits } = step;
  const { tokenId, pipeline } = sampleNext(logits, args.sampling, args.seed, args.mode);
  const raw = softmax(logits); // temperature 1: the model's own distribution
  const final = pipeline.probabilities;

  // Ranks from the logits (no underflow), as tokenRank: ties share a rank. topNIndices sorts by
  // score, then id, so tied rows are adjacent.
  const topIds = Array.from(topNIndices(logits, args.top));
  const views = engine.tokenViews([...topIds, tokenId, context.startTokenId]);
  let rank = 0;
  const top = topIds.map((id, i) => {
    if (i === 0 || logits[id] !== logits[topIds[i - 1]]) rank = i + 1;
    return {
      rank,
      tokenId: id,
      token: views[i].text,
      probability: raw[id],
      after: afterEachStage(pipeline, raw[id], id),
    };
  });

  const inTop = new Uint8Array(logits.length);
  for (const id of topIds) inTop[id] = 1;
  let tailRaw = 0;
  let tailFinal = 0;
  for (let i = 0; i < logits.length; i++) {
    if (inTop[i]) continue;
    tailRaw += raw[i];
    tailFinal += final[i];
  }

  return {
    textTokens: textIds.length,
    startToken: { tokenId: context.startTokenId, token: views[views.length - 1].text },
    contextTokens: step.contextTokens,
    settings: { ...args.sampling, seed: args.seed, mode: args.mode },
    entropyBits: { before: entropyBits(raw), after: entropyBits(final) },
    stages: pipeline.stages.map((s) => ({
      name: s.name,
      active: s.active,
      keptCount: s.keptCount,
      keptProbability: 1 - s.removedProbability,
    })),
    top,
    tail: { tokenCount: logits.length - topIds.length, probability: tailRaw, probabilityAfter: tailFinal },
    sampled: {
      tokenId,
      token: views[topIds.length].text,
      probability: final[tokenId],
      rawProbability: raw[tokenId],
      rank: tokenRank(logits, tokenId),
    },
  };
}
