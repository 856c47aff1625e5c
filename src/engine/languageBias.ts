/**
 * Tokenization bias across languages on the loaded model (core/tokenizers/languageBias.ts):
 * for each mid-word prompt, the naive next character and next byte (one forward pass on the
 * prompt as tokenized) against the exact ones (the lemma), sharing forward passes per prompt.
 */
import {
  midWordPrompts,
  naiveNextCharacters,
  summariseByLanguage,
  topCharacter,
  totalVariation,
  totalVariationAtLeast,
  type LanguageBiasRow,
  type MidWordPrompt,
} from '../core/tokenizers/languageBias';
import { TokenByteIndex } from '../core/tokenizers/tokenByteIndex';

import { naiveNextByteDistribution } from '../core/tokenizers/tokenHealing';

import { asEngineErrors, exactAfter, roundsFor, type BiasLensDeps } from './biasLens';

import { EngineError, throwIfCancelled } from './errors';

import type { LanguageBiasParams, LanguageBiasProgress, LanguageBiasResult } from '../protocol/tokenizerLab';

const MIN_CHARACTER_PROBABILITY = 1e-3;
const encoder = new TextEncoder();

function promptsFor(params: LanguageBiasParams): MidWordPrompt[] {
  const perLanguage = params.perLanguage ?? 3;
  if (!(Number.isInteger(perLanguage) && perLanguage >= 1 && perLanguage <= 6))
    throw new EngineError('bad-request', `Prompts per language must be 1 to 6 (got ${perLanguage}).`);
  const prompts = midWordPrompts(perLanguage);
  if (!params.languages) return prompts;
  const known = new Set(prompts.map((p) => p.language));
  const unknown = params.languages.filter((code) => !known.has(code));
  if (unknown.length > 0)
    throw new EngineError(
      'bad-request',
      `Unknown language code ${unknown.join(', ')}; the parity languages are ${[...known].join(', ')}.`,
    );
  return prompts.filter((p) => params.languages!.includes(p.language));
}

export async function computeLanguageBias(
  params: LanguageBiasParams,
  deps: BiasLensDeps & { onPromptDone?: (progress: LanguageBiasProgress) => void },
): Promise<LanguageBiasResult> {
  const started = performance.now();
  const prompts = promptsFor(params);
  const vocabulary = deps.tokenizer.vocabularyBytes();
  const index = new TokenByteIndex(vocabulary);
  const rows: LanguageBiasRow[] = [];
  for (const prompt of prompts) {
    throwIfCancelled(deps.signal, 'The bias across languages');
    const rounds = roundsFor(deps, vocabulary.length);
    const ids = deps.tokenizer.encode(prompt.text);
    const naiveLog = await asEngineErrors(
      rounds.withModel((lm) => lm(ids)),
      deps.signal,
    );
    const exact = await exactAfter(encoder.encode(prompt.text), deps, rounds, index, MIN_CHARACTER_PROBABILITY);
    const naive = naiveNextCharacters(naiveLog, vocabulary);
    const exactCharacters = {
      probabilities: new Map(exact.characters.map((c) => [c.character, c.probability])),
      otherProbability: exact.otherProbability,
    };
    rows.push({
      ...prompt,
      naiveTop: topCharacter(naive),
      exactTop: topCharacter(exactCharacters),
      naiveSentenceNext: naive.probabilities.get(prompt.nextInSentence) ?? 0,
      exactSentenceNext: exactCharacters.probabilities.get(prompt.nextInSentence) ?? 0,
      characterTvdAtLeast: totalVariationAtLeast(naive, exactCharacters),
      nextByteTvd: totalVariation(naiveNextByteDistribution(naiveLog, vocabulary), exact.probabilities),
      errorBound: exact.errorBound,
      forwardPasses: rounds.forwardPasses(),
    });
    deps.onPromptDone?.({ done: rows.length, total: prompts.length });
  }
  return {
    rows,
    summary: summariseByLanguage(rows),
    minCharacterProbability: MIN_CHARACTER_PROBABILITY,
    elapsedMs: performance.now() - started,
  };
}
