/**
 * In-context navigation (ICN) and its two baselines (docs/PAPERS.md section 1, `zerogen.py` with
 * icn=True, reg=True), over any model given as three functions, so the loop runs the same
 * in the worker, the CLI and tests:
 * - `icn`: each run ranks first tokens under the prompt that lists the answers explored so
 *   far, takes the next `tolerance` first tokens not probed before (by decoded string), and
 *   expands each greedily from the prompt WITHOUT the list (reg=True);
 * - `first-token`: the same, but first tokens are always ranked under the empty-list prompt;
 * - `temperature`: whole answers sampled from the empty-list prompt (seeded per probe).
 * Every probe yields one answer; the curve is unique answers against probes.
 */

import { createRng, greedyToken, positionSeed, sampleToken, softmax, topNIndices } from '../distribution';
import { isAcceptableAnswer, normaliseAnswer } from './answers';
import { continuationText } from '../tokenization/continuationText';

export type IcnMethod = 'icn' | 'first-token' | 'temperature';

/** The model as the loop needs it. */
export interface IcnModel {
  tokenize(text: string): number[];
  /** The text of token ids (a real decode, so it can be put back into a prompt). */
  decode(ids: readonly number[]): string;
  /** Logits of the token after `ids`. */
  nextLogits(ids: readonly number[]): Promise<ArrayLike<number>>;
  /** Tokens that end an answer besides a quote (e.g. end-of-text). */
  stopTokenIds?: ReadonlySet<number>;
}

export interface IcnOptions {
  method: IcnMethod;
  /** What to list, e.g. "List the names of countries in South America." */
  instruction: string;
  /** Runs of the loop (paper: n_run = 10). */
  runs?: number;
  /** Probes per run (paper: n_tol = 10). */
  tolerance?: number;
  /** Most tokens of one answer (paper: 64). */
  maxAnswerTokens?: number;
  /** temperature method only. */
  temperature?: number;
  seed?: number;
  /** Normalised acceptable answers (parseAnswerList); none: correctness is not judged. */
  acceptable?: readonly string[];
  signal?: AbortSignal;
  onProbe?: (probe: IcnProbe, index: number) => void;
}

export interface IcnProbe {
  /** The first token's decoded text; for `temperature`, the first sampled token's. */
  firstToken: string;
  answer: string;
  /** False when no closing quote came within maxAnswerTokens. */
  finished: boolean;
  /** null when no acceptable answers were given. */
  correct: boolean | null;
  /** Unique (normalised, non-empty) answers after this probe. */
  uniqueAnswers: number;
  /** Unique correct answers after this probe (0 without acceptable answers). */
  uniqueCorrect: number;
  /** 1-based run of the loop (temperature: 1). */
  run: number;
}

/**
 * The paper's prompt: `{instruction}\n\nAnswer:\n1. "{e1}"\n2. "{e2}"\n…{n+1}. "`.
 *
 * @example
 * icnPrompt('List colours.', ['red']); // 'List colours.\n\nAnswer:\n1. "red"\n2. "'
 */
export function icnPrompt(instruction: string, explored: readonly string[]): string {
  const listed = explored.map((answer, i) => `${i + 1}. "${answer}"\n`).join('');
  return `${instruction}\n\nAnswer:\n${listed}${explored.length + 1}. "`;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('In-context navigation was stopped.'), { name: 'AbortError' });
}

/**
 * Continues `ids` one token at a time until a token containing `"` (or a stop token), at most
 * `maxTokens`; the answer is the text up to the quote. The answer's tokens start at
 * `ids[answerStart]` (the spurious-correlation split's expansion of each candidate: the
 * candidate's token), after `headText` that the prompt's own tokens already hold (ICN: the
 * first token's decoded text, tokenized with the prompt as the paper's repo does).
 */
export async function expandAnswer(
  model: IcnModel,
  ids: number[],
  answerStart: number,
  headText: string,
  maxTokens: number,
  signal?: AbortSignal,
): Promise<{ answer: string; finished: boolean }> {
  return expand(model, ids, answerStart, headText, (logits) => greedyToken(logits), maxTokens, signal);
}

const DECODE_CONTEXT_TOKENS = 8;

async function expand(
  model: IcnModel,
  ids: number[],
  answerStart: number,
  headText: string,
  pick: (logits: ArrayLike<number>, step: number) => number,
  maxTokens: number,
  signal?: AbortSignal,
) {
  // The answer's tokens decoded together after the context, as the repo decodes its output:
  // one token at a time, SentencePiece words would lose their spaces and split characters U+FFFD.
  // The context's last few tokens are enough for that (a character spans at most 4 tokens), and
  // keep each step's decode short whatever the context's length.
  const context = ids.slice(Math.max(0, answerStart - DECODE_CONTEXT_TOKENS), answerStart);
  const contextText = model.decode(context);
  const answerText = () =>
    headText + continuationText((x) => model.decode(x), context, ids.slice(answerStart), contextText);
  let text = answerText();
  for (let step = 0; step < maxTokens && !text.includes('"'); step++) {
    throwIfAborted(signal);
    const tokenId = pick(await model.nextLogits(ids), step);
    if (model.stopTokenIds?.has(tokenId)) return { answer: text, finished: true };
    ids.push(tokenId);
    text = answerText();
  }
  const quote = text.indexOf('"');
  return quote >= 0 ? { answer: text.slice(0, quote), finished: true } : { answer: text, finished: false };
}

/**
 * Runs one method for runs × tolerance probes (temperature: the same number of samples).
 * Throws an AbortError when the signal fires; probes so far have been reported through onProbe.
 */
export async function runIcn(model: IcnModel, options: IcnOptions): Promise<IcnProbe[]> {
  const runs = options.runs ?? 10;
  const tolerance = options.tolerance ?? 10;
  const maxTokens = options.maxAnswerTokens ?? 64;
  for (const [name, value] of [
    ['runs', runs],
    ['tolerance', tolerance],
    ['maxAnswerTokens', maxTokens],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 1))
      throw new RangeError(`${name} must be a positive integer (got ${value})`);
  }
  if (options.instruction.trim() === '') throw new RangeError('The instruction is empty.');
  const acceptable = options.acceptable ?? [];
  const judged = acceptable.length > 0;
  const initPrompt = icnPrompt(options.instruction, []);
  const initIds = model.tokenize(initPrompt);
  const probes: IcnProbe[] = [];
  const unique = new Set<string>();
  const uniqueCorrect = new Set<string>();
  const record = (firstToken: string, expanded: { answer: string; finished: boolean }, run: number) => {
    const key = normaliseAnswer(expanded.answer);
    const correct = judged ? isAcceptableAnswer(expanded.answer, acceptable) : null;
    if (key !== '') unique.add(key);
    if (correct) uniqueCorrect.add(key);
    const probe: IcnProbe = {
      firstToken,
      ...expanded,
      correct,
      uniqueAnswers: unique.size,
      uniqueCorrect: uniqueCorrect.size,
      run,
    };
    probes.push(probe);
    options.onProbe?.(probe, probes.length - 1);
  };

  if (options.method === 'temperature') {
    const temperature = options.temperature ?? 1;
    const seed = options.seed ?? 0;
    for (let probe = 0; probe < runs * tolerance; probe++) {
      const rng = createRng(positionSeed(seed, probe));
      const ids = [...initIds];
      let firstToken = '';
      const expanded = await expand(
        model,
        ids,
        ids.length,
        '',
        (logits, step) => {
          const tokenId = sampleToken(softmax(logits, temperature), rng);
          if (step === 0) firstToken = model.decode([tokenId]);
          return tokenId;
        },
        maxTokens,
        options.signal,
      );
      record(firstToken, expanded, 1);
    }
    return probes;
  }

  const explored: string[] = [];
  const probedFirst = new Set<string>();
  for (let run = 1; run <= runs; run++) {
    throwIfAborted(options.signal);
    const rankingIds = options.method === 'icn' ? model.tokenize(icnPrompt(options.instruction, explored)) : initIds;
    const logits = await model.nextLogits(rankingIds);
    // Ranked lazily: a run rarely needs more than a few hundred first tokens.
    let order = topNIndices(logits, 256);
    let left = tolerance;
    for (let i = 0; left > 0 && i < logits.length; i++) {
      if (i === order.length) order = topNIndices(logits, Math.min(logits.length, order.length * 4));
      const s = model.decode([order[i]]);
      if (probedFirst.has(s)) continue;
      probedFirst.add(s);
      // reg=True: the expansion starts from the prompt without the explored list.
      const ids = model.tokenize(initPrompt + s);
      const expanded = await expand(model, ids, ids.length, s, (l) => greedyToken(l), maxTokens, options.signal);
      explored.push(expanded.answer);
      record(s, expanded, run);
      left--;
    }
  }
  return probes;
}
