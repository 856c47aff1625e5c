/**
 * One step of Cautious Next Token Prediction (docs/PAPERS.md section 5) over an abstract model:
 * measure the entropy of the processed distribution, and where it asks for more than one
 * trial, sample that many continuations to the next punctuation token and keep the one with
 * the lowest perplexity. The model is a callback, so this runs in Node tests on toy models
 * and in the app on the worker's KV-cached steps.
 */
import {
  cautiousEntropyNats,
  cautiousTrialCount,
  chooseTrial,
  createRng,
  logSumExp,
  samplingPipeline,
  sampleToken,
  trialPerplexity,
  type CautiousSettings,
  type SamplingSettings,
} from '../distribution';

/** Trials stop at this many tokens even without punctuation (the paper has no limit; a browser needs one). */
export const CAUTIOUS_MAX_TRIAL_TOKENS = 32;

export interface CautiousTrial {
  tokenIds: number[];
  /** ln p of each token under the processed distribution it was drawn from. */
  logProbs: number[];
  /** ln p of each token under the model's own distribution (temperature 1, no filters). */
  rawLogProbs: number[];
  perplexity: number;
  /** Whether the trial ended on a punctuation token (false: it hit the length limit). */
  endedOnPunctuation: boolean;
}

export interface CautiousStepResult {
  /** H of the processed distribution at the step, nats (CNTP's −Σ p ln(p + 1e−10)). */
  entropyNats: number;
  trialCount: number;
  /** Empty when trialCount is 1 (a normal sampled step). */
  trials: CautiousTrial[];
  chosenIndex: number | null;
  /** The tokens to append: one sampled token, or the whole chosen trial. */
  appendedTokenIds: number[];
  /** The appended tokens with their probabilities (the chosen trial, or the single step). */
  appended: CautiousTrial;
  /**
   * Stop came during the trials: nothing is appended (a trial cut short is no CNTP trial, and
   * the choice needs all of them); `trials` holds the ones that finished.
   */
  stopped: boolean;
}

export interface CautiousStepOptions {
  /** Logits for the token after a sequence of ids (the caller's context plus a trial's tokens). */
  nextLogits: (ids: readonly number[]) => Promise<ArrayLike<number>>;
  context: readonly number[];
  sampling: SamplingSettings;
  cautious?: Partial<CautiousSettings>;
  stopTokenIds: ReadonlySet<number>;
  /** One seed per step: the step's trials draw from one stream in order. */
  seed: number;
  maxTrialTokens?: number;
  /** Checked between model calls. */
  shouldStop?: () => boolean;
}

export async function cautiousStep(options: CautiousStepOptions): Promise<CautiousStepResult> {
  const { nextLogits, context, sampling, stopTokenIds } = options;
  const maxTokens = options.maxTrialTokens ?? CAUTIOUS_MAX_TRIAL_TOKENS;
  const rng = createRng(options.seed);
  const firstLogits = await nextLogits(context);
  const first = samplingPipeline(firstLogits, sampling);
  const entropyNats = cautiousEntropyNats(first.probabilities);
  const trialCount = cautiousTrialCount(entropyNats, options.cautious);
  if (trialCount === 1) {
    const token = sampleToken(first.probabilities, rng);
    const single: CautiousTrial = {
      tokenIds: [token],
      logProbs: [Math.log(first.probabilities[token])],
      rawLogProbs: [firstLogits[token] - logSumExp(firstLogits)],
      perplexity: 1 / first.probabilities[token],
      endedOnPunctuation: stopTokenIds.has(token),
    };
    return {
      entropyNats,
      trialCount,
      trials: [],
      chosenIndex: null,
      appendedTokenIds: [token],
      appended: single,
      stopped: false,
    };
  }
  const trials: CautiousTrial[] = [];
  let stopped = false;
  for (let t = 0; t < trialCount && !stopped; t++) {
    if (options.shouldStop?.()) {
      stopped = true;
      break;
    }
    const tokenIds: number[] = [];
    const logProbs: number[] = [];
    const rawLogProbs: number[] = [];
    let logits = firstLogits;
    let probabilities = first.probabilities;
    let endedOnPunctuation = false;
    while (tokenIds.length < maxTokens) {
      const token = sampleToken(probabilities, rng);
      tokenIds.push(token);
      logProbs.push(Math.log(probabilities[token]));
      rawLogProbs.push(logits[token] - logSumExp(logits));
      if (stopTokenIds.has(token)) {
        endedOnPunctuation = true;
        break;
      }
      if (tokenIds.length === maxTokens) break;
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
      logits = await nextLogits([...context, ...tokenIds]);
      probabilities = samplingPipeline(logits, sampling).probabilities;
    }
    if (!stopped) trials.push({ tokenIds, logProbs, rawLogProbs, perplexity: 0, endedOnPunctuation });
  }
  if (stopped) {
    trials.forEach((trial) => {
      trial.perplexity = trialPerplexity(trial.logProbs);
    });
    const nothing: CautiousTrial = {
      tokenIds: [],
      logProbs: [],
      rawLogProbs: [],
      perplexity: 1,
      endedOnPunctuation: false,
    };
    return {
      entropyNats,
      trialCount,
      trials,
      chosenIndex: null,
      appendedTokenIds: [],
      appended: nothing,
      stopped: true,
    };
  }
  const { index, perplexities } = chooseTrial(trials.map((trial) => trial.logProbs));
  trials.forEach((trial, i) => {
    trial.perplexity = perplexities[i];
  });
  return {
    entropyNats,
    trialCount,
    trials,
    chosenIndex: index,
    appendedTokenIds: trials[index].tokenIds,
    appended: trials[index],
    stopped: false,
  };
}
