/**
 * The bigram view's comparison of a stretch of positions: on the generated graph
 * (core/bigram/bigramCompareGraph.ts) in the model's own ONNX Runtime when it is reachable and
 * its outputs are all finite, else core/bigram/compare.ts's float64 JavaScript (the reference).
 * Measured on 1,000 positions at an 8k vocabulary: ~100 ms on the graph against ~250 ms in
 * JavaScript under Node, ~170 against ~200 ms in Chromium's WASM (2 threads).
 */
import type { PreTrainedModel } from '@huggingface/transformers';
import { compareStretch, type BigramPositionComparison } from '../core/bigram/compare';
import {
  BIGRAM_COMPARE_GRAPH,
  bigramCompareGraphSpec,
  comparisonFromGraph,
  graphOutputsFinite,
  scanRow,
} from '../core/bigram/bigramCompareGraph';
import { throwIfCancelled } from './errors';
import type { GeneratedGraph } from './generatedGraph';
import { generatedGraphOnce } from './generatedGraphCache';

/** Positions per graph run, as floats of one [positions × V] intermediate (8 MB): 256 at an 8k vocabulary. */
const COMPARE_RUN_FLOATS = 2 * 1024 * 1024;

/** The comparison graph for a model, opened once in its runtime; null when that runtime is not reachable. */
export function bigramCompareGraphFor(model: PreTrainedModel, vocabSize: number): Promise<GeneratedGraph | null> {
  return generatedGraphOnce(model, `bigram comparison ${vocabSize}`, model, () => bigramCompareGraphSpec(vocabSize));
}

export interface StretchRows {
  ids: readonly number[];
  /** Positions [from, to) of `ids` to compare. */
  from: number;
  to: number;
  /** The full-context logits after token p. */
  fullRow: (position: number) => Float32Array;
  /** The context-1 logits of a token. */
  bigramRow: (tokenId: number) => Float32Array;
  vocabSize: number;
  signal?: AbortSignal;
}

/**
 * Every position of the stretch on the graph, in float32; null when the graph's outputs are
 * not all finite (a masked token, or a token both rows make vanishingly unlikely), for the
 * caller to compare in float64 instead.
 */
export async function compareStretchOnGraph(
  graph: GeneratedGraph,
  stretch: StretchRows,
): Promise<BigramPositionComparison[] | null> {
  const { ids, from, to, vocabSize: V } = stretch;
  const nextOf = (p: number) => (p + 1 < ids.length ? ids[p + 1] : null);
  const g = BIGRAM_COMPARE_GRAPH;
  const perRun = Math.max(1, Math.floor(COMPARE_RUN_FLOATS / V));
  const rows: BigramPositionComparison[] = [];
  for (let start = from; start < to; start += perRun) {
    throwIfCancelled(stretch.signal, 'The bigram predictions');
    const end = Math.min(to, start + perRun);
    const n = end - start;
    const full = new Float32Array(n * V);
    const rowIndex = new Map<number, number>();
    const rowOf: number[] = [];
    for (let p = start; p < end; p++) {
      full.set(stretch.fullRow(p), (p - start) * V);
      if (!rowIndex.has(ids[p])) rowIndex.set(ids[p], rowIndex.size);
      rowOf.push(rowIndex.get(ids[p])!);
    }
    const bigramRows = new Float32Array(rowIndex.size * V);
    for (const [id, row] of rowIndex) bigramRows.set(stretch.bigramRow(id), row * V);
    const outputs = await graph.run({
      [g.full]: { values: full, dims: [n, V] },
      [g.rows]: { values: bigramRows, dims: [rowIndex.size, V] },
      [g.rowOf]: { ids: rowOf, dims: [n] },
      // Where there is no next token any id will do: its figures are left out.
      [g.next]: { ids: Array.from({ length: n }, (_, i) => nextOf(start + i) ?? 0), dims: [n, 1] },
    });
    const kl = outputs[g.klNats].data as Float32Array;
    const js = outputs[g.jsNats].data as Float32Array;
    const fullNext = outputs[g.fullNextLogProb].data as Float32Array;
    const bigramNext = outputs[g.bigramNextLogProb].data as Float32Array;
    if (!graphOutputsFinite(kl, js, fullNext, bigramNext)) return null;
    for (let i = 0; i < n; i++) {
      const p = start + i;
      const fullScan = scanRow(stretch.fullRow(p), nextOf(p));
      const bigramScan = scanRow(stretch.bigramRow(ids[p]), nextOf(p));
      rows.push(
        comparisonFromGraph(p, ids[p], nextOf(p), fullScan, bigramScan, {
          klNats: kl[i],
          jsNats: js[i],
          fullNextLogProb: fullNext[i],
          bigramNextLogProb: bigramNext[i],
        }),
      );
    }
  }
  return rows;
}

/** The stretch on the model's graph when it can, else in float64 JavaScript. */
export async function compareStretchOnModel(
  model: PreTrainedModel,
  stretch: StretchRows,
): Promise<BigramPositionComparison[]> {
  const graph = await bigramCompareGraphFor(model, stretch.vocabSize);
  const onGraph = graph ? await compareStretchOnGraph(graph, stretch) : null;
  return onGraph ?? compareStretch(stretch.ids, stretch.from, stretch.to, stretch.fullRow, stretch.bigramRow);
}
