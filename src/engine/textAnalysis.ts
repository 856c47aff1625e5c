/**
 * Scoring a whole text for the next-token lab: every position's distribution in one forward
 * pass (sliding windows past the context), per-token metrics, and the logits rows kept so a
 * click on any token shows its distribution without running the model again.
 *
 * Editing a text changes only the positions after the edit: rows before it are kept and the
 * KV cache is cut back to the unchanged prefix, so only the tokens after the edit run.
 */
import { range } from 'd3';
import {
  lastContextWindow,
  planSlidingWindows,
  windowedTokenCost,
  type ContextWindow,
} from '../core/context/slidingWindow';
import { commonPrefixLength } from '../core/context/tokenPrefix';
import { entropyNats, softmax } from '../core/distribution';
import { positionMetrics } from '../core/lab/positionMetrics';
import { LIMITS, tokensProblem } from '../core/limits';
import { cancellationPoint, EngineError, throwIfCancelled } from './errors';
import {
  defaultStride,
  forwardAll,
  forwardWindow,
  windowTokensFor,
  type RunnableModel,
  type StepCache,
} from './inference';
import type { AnalyzeResult, PositionMetrics, RowResult, WindowProgress } from '../protocol/nextToken';

/** Logits rows kept for clicks, in floats (64 MB); past it rows are recomputed on demand. */
const KEPT_ROWS_BUDGET_FLOATS = 16 * 1024 * 1024;

interface Analysis {
  /** Start token + text ids. */
  sequence: number[];
  /** rows[i]: logits after sequence[0..i] (predicting sequence[i + 1]); null when not kept. */
  rows: (Float32Array | null)[];
  metrics: PositionMetrics[];
  /** windowStarts[i]: the first token of the window whose pass computed row i (0 within one window). */
  windowStarts: Int32Array;
}

interface ScoredText {
  analysis: Analysis;
  reusedPositions: number;
  computedTokens: number;
  windowCount: number;
}

export class TextAnalyzer {
  private last: Analysis | null = null;

  constructor(
    private readonly runnable: RunnableModel,
    private readonly stepCache: StepCache,
    private readonly startTokenId: number,
  ) {}

  async analyze(
    ids: readonly number[],
    options: { strideTokens?: number; signal?: AbortSignal; onProgress?: (progress: WindowProgress) => void } = {},
  ): Promise<AnalyzeResult> {
    const tooMany = tokensProblem(LIMITS.nextTokenLab, ids.length);
    if (tooMany)
      throw new EngineError(
        'bad-request',
        `${tooMany} Shorten it, or score the whole file with the CLI's score command.`,
      );
    const started = performance.now();
    const sequence = [this.startTokenId, ...ids];
    const windowTokens = windowTokensFor(this.runnable.contextTokens, this.runnable.vocabSize);
    const scored =
      sequence.length <= windowTokens
        ? await this.analyzeOneWindow(sequence, options)
        : await this.analyzeWindows(
            sequence,
            windowTokens,
            Math.min(options.strideTokens ?? defaultStride(windowTokens), windowTokens),
            options,
          );
    throwIfCancelled(options.signal, 'Scoring');
    this.last = scored.analysis;
    const { rows, metrics } = scored.analysis;
    return {
      startTokenId: this.startTokenId,
      positions: metrics,
      nextEntropyNats: entropyNats(softmax(rows[sequence.length - 1]!)),
      reusedPositions: scored.reusedPositions,
      computedTokens: scored.computedTokens,
      windowCount: scored.windowCount,
      windowTokens,
      elapsedMs: performance.now() - started,
    };
  }

  /** A text within one window: rows before the edit are kept, the rest runs on the cut-back KV cache. */
  private async analyzeOneWindow(
    sequence: number[],
    options: { onProgress?: (progress: WindowProgress) => void },
  ): Promise<ScoredText> {
    const vocab = this.runnable.vocabSize;
    const previous = this.last;
    const unchanged = previous ? commonPrefixLength(previous.sequence, sequence) : 0;
    const keptRows = previous ? firstMissing(previous.rows, unchanged) : 0;
    const run = await this.stepCache.run(sequence, { maxReuse: keptRows });
    options.onProgress?.({ doneWindows: 1, totalWindows: 1 });
    const { firstPosition } = run;
    const rowAt = (position: number): Float32Array =>
      position < firstPosition
        ? previous!.rows[position]!
        : run.logits.subarray((position - firstPosition) * vocab, (position - firstPosition + 1) * vocab);
    // Row i predicts sequence[i + 1]: its metrics carry over only when that token is unchanged too.
    const metrics: PositionMetrics[] = [];
    for (let i = 0; i + 1 < sequence.length; i++) {
      const carried = previous && i < firstPosition && i + 1 < unchanged ? previous.metrics[i] : undefined;
      metrics.push(carried ?? positionMetrics(rowAt(i), sequence[i + 1]));
    }
    const keepAll = sequence.length * vocab <= KEPT_ROWS_BUDGET_FLOATS;
    const rows = sequence.map((_, position) =>
      keepAll || position === sequence.length - 1
        ? position < firstPosition
          ? rowAt(position)
          : rowAt(position).slice()
        : null,
    );
    const windowStarts = new Int32Array(sequence.length);
    return {
      analysis: { sequence, rows, metrics, windowStarts },
      reusedPositions: firstPosition,
      computedTokens: run.rowCount,
      windowCount: 1,
    };
  }

  /**
   * A text past one window, window by window: metrics are computed as each window arrives and
   * only the rows that fit the budget are kept. A position keeps its previous metrics and row
   * when the text up to it is unchanged and the same window computes it, so an edit near the
   * end runs only the windows after it.
   */
  private async analyzeWindows(
    sequence: number[],
    windowTokens: number,
    strideTokens: number,
    options: { signal?: AbortSignal; onProgress?: (progress: WindowProgress) => void },
  ): Promise<ScoredText> {
    const vocab = this.runnable.vocabSize;
    const previous = this.last;
    const unchanged = previous ? commonPrefixLength(previous.sequence, sequence) : 0;
    const last = sequence.length - 1;
    const keepAll = sequence.length * vocab <= KEPT_ROWS_BUDGET_FLOATS;
    const keepsRow = (position: number) => keepAll || position === last;
    const windows = planSlidingWindows(sequence.length, windowTokens, strideTokens);
    const windowStarts = new Int32Array(sequence.length);
    for (const w of windows) windowStarts.fill(w.start, w.keepFrom, w.end);
    const carries = (position: number): boolean =>
      previous !== null &&
      position < unchanged &&
      previous.windowStarts[position] === windowStarts[position] &&
      (position === last || position + 1 < unchanged) &&
      (!keepsRow(position) || previous.rows[position] !== null);
    const metrics: PositionMetrics[] = new Array(last);
    const rows: (Float32Array | null)[] = new Array(sequence.length).fill(null);
    let reusedPositions = 0;
    const toRun: ContextWindow[] = [];
    for (const w of windows) {
      const kept = range(w.keepFrom, w.end);
      if (!kept.every(carries)) {
        toRun.push(w);
        continue;
      }
      for (const p of kept) {
        if (p < last) metrics[p] = previous!.metrics[p];
        rows[p] = keepsRow(p) ? previous!.rows[p] : null;
      }
      reusedPositions += kept.length;
    }
    for (const [index, window] of toRun.entries()) {
      await cancellationPoint(options.signal, 'Scoring');
      const logits = await forwardWindow(this.runnable, sequence, window);
      for (let p = window.keepFrom; p < window.end; p++) {
        const row = logits.subarray((p - window.start) * vocab, (p - window.start + 1) * vocab);
        if (p < last) metrics[p] = positionMetrics(row, sequence[p + 1]);
        if (keepsRow(p)) rows[p] = row.slice();
      }
      options.onProgress?.({ doneWindows: index + 1, totalWindows: toRun.length });
    }
    return {
      analysis: { sequence, rows, metrics, windowStarts },
      reusedPositions,
      computedTokens: windowedTokenCost(toRun),
      windowCount: windows.length,
    };
  }

  /** The logits at one position of a text: from the last analysis when it covered it, else one uncached pass. */
  async row(ids: readonly number[], position: number): Promise<RowResult> {
    if (!Number.isInteger(position) || position < 0 || position > ids.length) {
      throw new EngineError('bad-request', `Position ${position} is outside 0..${ids.length}.`);
    }
    const sequence = [this.startTokenId, ...ids];
    const windowTokens = windowTokensFor(this.runnable.contextTokens, this.runnable.vocabSize);
    const { start } = lastContextWindow(position + 1, windowTokens);
    const kept =
      this.last && commonPrefixLength(this.last.sequence, sequence) > position ? this.last.rows[position] : null;
    if (kept)
      return {
        logits: kept.slice(),
        vocabSize: this.runnable.vocabSize,
        position,
        contextTokens: position + 1 - start,
      };
    const context = sequence.slice(start, position + 1);
    const result = await forwardAll(this.runnable, context, { fromPosition: context.length - 1 });
    return { logits: result.logits, vocabSize: this.runnable.vocabSize, position, contextTokens: context.length };
  }

  reset(): void {
    this.last = null;
  }
}

/** How many leading rows are kept, up to `limit`. */
function firstMissing(rows: readonly (Float32Array | null)[], limit: number): number {
  let i = 0;
  while (i < limit && rows[i]) i++;
  return i;
}
