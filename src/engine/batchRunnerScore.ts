/**
 * The scoring batch: GLTR statistics of every text of a set on the loaded model
 * (core/batch/scoring.ts says what is counted). Each text goes through the engine's `analyze`,
 * the lab's own scoring (start token first, sliding windows past the context), so a text
 * scores here exactly as in the app's text view.
 */
import { overallScore, textScore, type ScoringText, type TextScore } from '../core/batch/scoring';
import { GLTR_DEFAULT_THRESHOLDS } from '../core/distribution';

import type { Engine } from './engine';

import { cancellationPoint } from './errors';

import type { ScoreTextsResult } from '../protocol/batch';

export interface ScoreTextsOptions {
  signal?: AbortSignal;
  /** After each text: how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
  thresholds?: readonly number[];
}

/** Scores each text on the engine's loaded model, in order. */
export async function scoreTexts(
  engine: Pick<Engine, 'tokenize' | 'analyze'>,
  texts: readonly ScoringText[],
  options: ScoreTextsOptions = {},
): Promise<ScoreTextsResult> {
  const thresholds = options.thresholds ?? GLTR_DEFAULT_THRESHOLDS;
  const scores: TextScore[] = [];
  for (const { id, text } of texts) {
    await cancellationPoint(options.signal, 'Scoring the texts');
    const { ids } = engine.tokenize({ text });
    const { positions } = await engine.analyze({ ids }, { signal: options.signal });
    scores.push(textScore(id, positions, thresholds));
    options.onProgress?.(scores.length, texts.length);
  }
  return { thresholds: [...thresholds], texts: scores, overall: overallScore(scores) };
}
