/**
 * Whole-text scoring's per-position statistics for one window's kept rows: on the generated
 * graph (core/scoring/scoreGraph.ts) in the model's own ONNX Runtime when it opens, else
 * `scorePosition` in float64 JavaScript (the reference the graph is tested against).
 */
import type { PreTrainedModel } from '@huggingface/transformers';
import { SCORE_GRAPH, scoreGraphSpec, scoresFromGraph } from '../core/scoring/scoreGraph';
import { scorePosition, type PositionScore } from '../core/scoring/positionStats';
import type { GeneratedGraph } from './generatedGraph';
import { generatedGraphOnce } from './generatedGraphCache';

/** Rows per graph run, as floats of one [rows × V] intermediate (8 MB): 256 at an 8k vocabulary. */
const SCORE_RUN_FLOATS = 2 * 1024 * 1024;

/** The scoring graph for a model, opened once in its runtime; null when that runtime is not reachable. */
export function scoreGraphFor(model: PreTrainedModel, vocabSize: number): Promise<GeneratedGraph | null> {
  return generatedGraphOnce(model, `score ${vocabSize}`, model, () => scoreGraphSpec(vocabSize));
}

/** Scores of rows [0, targets.length) of `logits` ([rows × V]) in float64 JavaScript. */
export function scoreRowsInJs(
  logits: Float32Array,
  vocabSize: number,
  targets: readonly number[],
  topK: number,
): PositionScore[] {
  return targets.map((tokenId, r) => scorePosition(logits.subarray(r * vocabSize, (r + 1) * vocabSize), tokenId, topK));
}

/** The same scores as `scoreRowsInJs`, the pass over the vocabulary on the graph (float32 terms, float64 sums). */
export async function scoreRowsOnGraph(
  graph: GeneratedGraph,
  logits: Float32Array,
  vocabSize: number,
  targets: readonly number[],
  topK: number,
): Promise<PositionScore[]> {
  const k = Math.min(topK, vocabSize);
  // TopK needs k ≥ 1 here; no top ids asked for is rare enough for JavaScript.
  if (k < 1) return scoreRowsInJs(logits, vocabSize, targets, topK);
  const g = SCORE_GRAPH;
  const rowsPerRun = Math.max(1, Math.floor(SCORE_RUN_FLOATS / vocabSize));
  const scores: PositionScore[] = [];
  for (let from = 0; from < targets.length; from += rowsPerRun) {
    const block = targets.slice(from, from + rowsPerRun);
    const rows = logits.subarray(from * vocabSize, (from + block.length) * vocabSize);
    const outputs = await graph.run({
      [g.logits]: { values: rows, dims: [block.length, vocabSize] },
      [g.targets]: { ids: block, dims: [block.length, 1] },
      [g.k]: { ids: [k], dims: [1] },
    });
    const data = (name: string) => outputs[name].data;
    scores.push(
      ...scoresFromGraph(rows, vocabSize, block, topK, {
        maxLogit: data(g.maxLogit) as Float32Array,
        expSum: data(g.expSum) as Float32Array,
        weighted: data(g.weighted) as Float32Array,
        above: data(g.above) as Float32Array,
        topIds: data(g.topIds) as BigInt64Array,
        k,
      }),
    );
  }
  return scores;
}
