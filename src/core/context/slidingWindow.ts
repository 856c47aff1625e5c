/**
 * Sliding windows for scoring a sequence longer than a model's context.
 *
 * A model with a context of C tokens cannot see a 2,000-token text at once. We run it over
 * windows of at most C tokens; every position's logits come from exactly one window, and
 * every window after the first keeps only the positions it adds at its end, so each of those
 * positions sees at least C − stride tokens (itself included) of real left context.
 */

export interface ContextWindow {
  /** First token index fed to the model (inclusive). */
  start: number;
  /** One past the last token index fed to the model. */
  end: number;
  /** First position whose logits this window contributes; positions [keepFrom, end) are kept. */
  keepFrom: number;
}

/**
 * Plans the windows that cover `tokenCount` tokens with a context of `contextTokens`, moving
 * by `strideTokens` after the first window. The kept ranges partition [0, tokenCount) in order;
 * the last window always ends at `tokenCount` and is as long as the context allows.
 *
 * @example
 * planSlidingWindows(10, 4, 2)
 * // [{start:0,end:4,keepFrom:0}, {start:2,end:6,keepFrom:4}, {start:4,end:8,keepFrom:6}, {start:6,end:10,keepFrom:8}]
 */
export function planSlidingWindows(tokenCount: number, contextTokens: number, strideTokens: number): ContextWindow[] {
  if (!Number.isInteger(tokenCount) || tokenCount < 0)
    throw new RangeError(`tokenCount must be a non-negative integer, got ${tokenCount}`);
  if (!Number.isInteger(contextTokens) || contextTokens < 1)
    throw new RangeError(`contextTokens must be a positive integer, got ${contextTokens}`);
  if (!Number.isInteger(strideTokens) || strideTokens < 1 || strideTokens > contextTokens) {
    throw new RangeError(`strideTokens must be an integer in [1, ${contextTokens}], got ${strideTokens}`);
  }
  if (tokenCount === 0) return [];
  const windows: ContextWindow[] = [{ start: 0, end: Math.min(tokenCount, contextTokens), keepFrom: 0 }];
  let coveredEnd = windows[0].end;
  while (coveredEnd < tokenCount) {
    const end = Math.min(coveredEnd + strideTokens, tokenCount);
    windows.push({ start: end - contextTokens, end, keepFrom: coveredEnd });
    coveredEnd = end;
  }
  return windows;
}

/**
 * The windows of a plan that keep a position in [from, to): the only ones a caller reading
 * those rows needs to run. Each row then comes from the same window as in the whole plan.
 */
export function windowsKeeping(windows: readonly ContextWindow[], from: number, to: number): ContextWindow[] {
  return from < to ? windows.filter((w) => w.end > from && w.keepFrom < to) : [];
}

/** Total tokens the model processes for a plan: the cost of scoring with these windows. */
export function windowedTokenCost(windows: readonly ContextWindow[]): number {
  return windows.reduce((sum, w) => sum + (w.end - w.start), 0);
}

/**
 * The context the model sees when predicting the token after the last one: the last
 * `contextTokens` ids (the whole sequence when it fits).
 */
export function lastContextWindow(tokenCount: number, contextTokens: number): { start: number; end: number } {
  return { start: Math.max(0, tokenCount - contextTokens), end: tokenCount };
}
