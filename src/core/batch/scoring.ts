/**
 * The "scoring" batch: GLTR statistics (docs/PAPERS.md section 6) of every text of a set, per
 * text and over the whole set. Per text: the tokens in each rank bucket (GLTR's thresholds
 * 10 / 100 / 1000, GLTR_DEFAULT_THRESHOLDS, counted by the lab's rankBucketCounts), their
 * fractions, and the mean surprisal in bits (the lab's meanSurprisalBits). Overall: the
 * buckets summed over every token of the set, and the token-weighted mean surprisal (every
 * token counts once, so long texts weigh more), beside the plain mean of the texts' means.
 *
 * The positions come from the engine's `analyze` (the lab's text view: the model's start token
 * first, sliding windows past the context), so a text scores here as it does in the app.
 */
import { z } from 'zod';
import { GLTR_DEFAULT_THRESHOLDS } from '../distribution';
import { rankBucketCounts } from '../lab/gltrPanels';
import { meanSurprisalBits, type PositionMetrics } from '../lab/positionMetrics';

export const scoringSetSchema = z.object({
  version: z.literal(1).default(1),
  name: z.string().min(1).max(300),
  texts: z
    .array(z.object({ id: z.string().min(1).max(100), text: z.string().max(1_000_000) }))
    .min(1)
    .max(100_000)
    .refine((texts) => new Set(texts.map((t) => t.id)).size === texts.length, 'must not use an id twice'),
});

/** A set of texts to score, as JSON: {"version": 1, "name": "…", "texts": [{"id": "…", "text": "…"}]}. */
export type ScoringSet = z.output<typeof scoringSetSchema>;
export type ScoringText = ScoringSet['texts'][number];

/** Validates a scoring set (object or JSON text); the error names the first problem's path. */
export function parseScoringSet(input: unknown, where = 'The scoring set'): ScoringSet {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new Error(`${where} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = scoringSetSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${where} is not a valid scoring set: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
}

export interface TextScore {
  id: string;
  tokens: number;
  /** Tokens of rank ≤ 10, ≤ 100, ≤ 1000, and above (with the default thresholds). */
  bucketCounts: number[];
  /** bucketCounts / tokens (all 0 for an empty text). */
  bucketFractions: number[];
  meanSurprisalBits: number | null;
}

export interface OverallScore {
  texts: number;
  tokens: number;
  bucketCounts: number[];
  bucketFractions: number[];
  /** Over every token of the set. */
  meanSurprisalBits: number | null;
  /** The mean of the texts' means (texts without tokens left out). */
  meanOfTextMeansBits: number | null;
}

const fractions = (counts: readonly number[], total: number) => counts.map((c) => (total > 0 ? c / total : 0));

/** GLTR statistics of one scored text (its positions as the engine's analyze gives them). */
export function textScore(
  id: string,
  positions: readonly PositionMetrics[],
  thresholds: readonly number[] = GLTR_DEFAULT_THRESHOLDS,
): TextScore {
  const bucketCounts = rankBucketCounts(positions, thresholds);
  return {
    id,
    tokens: positions.length,
    bucketCounts,
    bucketFractions: fractions(bucketCounts, positions.length),
    meanSurprisalBits: meanSurprisalBits(positions),
  };
}

/** The set's statistics from its texts' (buckets summed, surprisal pooled by token). */
export function overallScore(scores: readonly TextScore[]): OverallScore {
  const buckets = scores[0]?.bucketCounts.length ?? GLTR_DEFAULT_THRESHOLDS.length + 1;
  const bucketCounts = new Array<number>(buckets).fill(0);
  let tokens = 0;
  let surprisalSum = 0;
  const means: number[] = [];
  for (const s of scores) {
    s.bucketCounts.forEach((c, i) => (bucketCounts[i] += c));
    tokens += s.tokens;
    if (s.meanSurprisalBits !== null) {
      surprisalSum += s.meanSurprisalBits * s.tokens;
      means.push(s.meanSurprisalBits);
    }
  }
  return {
    texts: scores.length,
    tokens,
    bucketCounts,
    bucketFractions: fractions(bucketCounts, tokens),
    meanSurprisalBits: tokens > 0 ? surprisalSum / tokens : null,
    meanOfTextMeansBits: means.length > 0 ? means.reduce((a, b) => a + b, 0) / means.length : null,
  };
}
