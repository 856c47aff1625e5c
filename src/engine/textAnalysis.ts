/**
 * Scoring a whole text for the next-token lab: every position's distribution in one forward
 * pass (sliding windows past the context), per-token metrics, and the logits rows kept so a
 * click on any token shows its distribution without running the model again.
 *
 * Editing a text changes only the positions after the edit: rows before it are kept and the
 * KV cache is cut back to the unchanged prefix, so only the tokens after the edit run.
 */
import { lastContextWindow } from '../core/context/slidingWindow';
import { entropyNats, softmax } from '../core/distribution';
import { positionMetrics } from '../core/lab/positionMetrics';
import { EngineError, throwIfCancelled } from './errors';
import { commonPrefixLength, forwardAll, windowTokensFor, type RunnableModel, type StepCache } from './inference';
import type { AnalyzeResult, PositionMetrics, RowResult, WindowProgress } from './types';

/** Texts longer than this are refused: scoring them would take minutes and the view could not show them. */
export const MAX_ANALYSIS_TOKENS = 20_000;

/** Logits rows kept for clicks, in floats (64 MB); past it rows are recomputed on demand. */
const KEPT_ROWS_BUDGET_FLOATS = 16 * 1024 * 1024;

interface Analysis {
  /** Start token + text ids. */
  sequence: number[];
  /** rows[i]: logits after sequence[0..i] (predicting sequence[i + 1]); null when not kept. */
  rows: (Float32Array | null)[];
  metrics: PositionMetrics[];
}

export class TextAnalyzer {
  private last: Analysis | null = null;

  constructor(private readonly runnable: RunnableModel, private readonly stepCache: StepCache, private readonly startTokenId: number) {}

  async analyze(ids: readonly number[], options: { strideTokens?: number; signal?: AbortSignal; onProgress?: (progress: WindowProgress) => void } = {}): Promise<AnalyzeResult> {
    if (ids.length > MAX_ANALYSIS_TOKENS) {
      throw new EngineError('bad-request', `The text has ${ids.length.toLocaleString('en-US')} tokens; the lab scores at most ${MAX_ANALYSIS_TOKENS.toLocaleString('en-US')} at once. Shorten it (or use the CLI's score command for long files).`);
    }
    const started = performance.now();
    const sequence = [this.startTokenId, ...ids];
    const vocab = this.runnable.vocabSize;
    const windowTokens = windowTokensFor(this.runnable.contextTokens, vocab);
    const previous = this.last;
    const unchanged = previous ? commonPrefixLength(previous.sequence, sequence) : 0;
    // Computed rows: logits[r] is the row of position firstPosition + r.
    let computed: { logits: Float32Array; firstPosition: number };
    let computedTokens: number;
    let windowCount = 1;
    if (sequence.length <= windowTokens) {
      // One window: keep the rows before the edit, run the rest on the cut-back KV cache.
      const keptRows = previous ? firstMissing(previous.rows, unchanged) : 0;
      const run = await this.stepCache.run(sequence, { maxReuse: keptRows });
      computed = run;
      computedTokens = run.rowCount;
      options.onProgress?.({ doneWindows: 1, totalWindows: 1 });
    } else {
      const result = await forwardAll(this.runnable, sequence, { strideTokens: options.strideTokens, signal: options.signal, onProgress: options.onProgress });
      computed = { logits: result.logits, firstPosition: 0 };
      computedTokens = result.processedTokens;
      windowCount = result.windowCount;
    }
    throwIfCancelled(options.signal, 'Scoring');
    const { firstPosition } = computed;
    const rowAt = (position: number): Float32Array =>
      position < firstPosition ? previous!.rows[position]! : computed.logits.subarray((position - firstPosition) * vocab, (position - firstPosition + 1) * vocab);
    // Row i predicts ids[i] = sequence[i + 1]: its metrics carry over only when that token is unchanged too.
    const metrics: PositionMetrics[] = [];
    for (let i = 0; i < ids.length; i++) {
      const carried = previous && i < firstPosition && i + 1 < unchanged ? previous.metrics[i] : undefined;
      metrics.push(carried ?? positionMetrics(rowAt(i), ids[i]));
    }
    // Rows are kept for clicks while they fit the budget; the last row (the next token) always.
    const keepAll = sequence.length * vocab <= KEPT_ROWS_BUDGET_FLOATS;
    const rows = sequence.map((_, position) =>
      keepAll || position === sequence.length - 1 ? (position < firstPosition ? rowAt(position) : rowAt(position).slice()) : null);
    this.last = { sequence, rows, metrics };
    return {
      startTokenId: this.startTokenId,
      positions: metrics,
      nextEntropyNats: entropyNats(softmax(rows[sequence.length - 1]!)),
      reusedPositions: firstPosition,
      computedTokens,
      windowCount,
      windowTokens,
      elapsedMs: performance.now() - started,
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
    const kept = this.last && commonPrefixLength(this.last.sequence, sequence) > position ? this.last.rows[position] : null;
    if (kept) return { logits: kept.slice(), vocabSize: this.runnable.vocabSize, position, contextTokens: position + 1 - start };
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
