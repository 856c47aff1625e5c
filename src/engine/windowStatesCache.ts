/**
 * The rows forwards over sliding windows gave (hidden states of every layer and final logits,
 * kept rows only), by window: the bigram comparison's full-context forward runs most of the
 * windows a layer analysis of the same text then needs, so the layer view copies those rows
 * instead of running them again. A window's outputs depend only on the ids it is fed (each
 * window runs from position 0), so a window is reused only where its start, end and every id
 * in it are the same; the numbers are then bit-identical to a fresh forward (tests). The rows
 * must come from the session the layer analysis runs: the caller keeps one cache per session.
 */
import type { ContextWindow } from '../core/context/slidingWindow';

/** Rows of a forward over sliding windows (layerAnalysis.ts reads them; this cache holds them). */
export interface HiddenStates {
  /** Sequence indices [firstIndex, firstIndex + count). */
  firstIndex: number;
  count: number;
  /** Layer → [count × d] row-major. */
  layers: Map<number, Float32Array>;
  /** Final logits rows [count × V], when asked for. */
  logits: Float32Array | null;
}

/**
 * Views of the rows [from, end) of `states` (no copy): the given layers, and the logits unless
 * `withLogits` is false.
 */
export function sliceRows(
  states: HiddenStates,
  from: number,
  end: number,
  layers: Iterable<number> = states.layers.keys(),
  withLogits = true,
): HiddenStates {
  const view = (values: Float32Array) => {
    const width = values.length / states.count;
    return values.subarray((from - states.firstIndex) * width, (end - states.firstIndex) * width);
  };
  const picked = new Map<number, Float32Array>();
  for (const layer of layers) picked.set(layer, view(states.layers.get(layer)!));
  const logits = withLogits && states.logits ? view(states.logits) : null;
  return { firstIndex: from, count: end - from, layers: picked, logits };
}

interface WindowEntry {
  rows: HiddenStates;
  floats: number;
}

/** The window's exact ids (seq[start, end)) and where it sits. */
function windowKey(seq: readonly number[], window: ContextWindow): string {
  return `${window.start}:${window.end}:${seq.slice(window.start, window.end).join(',')}`;
}

export class WindowStatesCache {
  private readonly entries = new Map<string, WindowEntry>();
  private heldFloats = 0;

  /** `budgetFloats`: the most floats (hidden states and logits) held; windows past it are not kept. */
  constructor(private readonly budgetFloats: number) {}

  /** Floats held now. */
  get floats(): number {
    return this.heldFloats;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.heldFloats = 0;
  }

  /**
   * Keeps one window's rows (sequence indices [rows.firstIndex, window.end)), when the budget
   * has room; a window already held with at least these rows is left as it is. The arrays are
   * held as given, not copied (a window's logits are ~8 MB): the caller does not write to them
   * again, and the whole arrays they view stay alive while held (the bigram comparison keeps
   * the windows of its first chunk only, so at most that chunk's arrays).
   */
  put(seq: readonly number[], window: ContextWindow, rows: HiddenStates): void {
    if (rows.firstIndex + rows.count !== window.end || rows.firstIndex < window.start) return;
    const key = windowKey(seq, window);
    const held = this.entries.get(key);
    if (held && held.rows.firstIndex <= rows.firstIndex && held.rows.layers.size >= rows.layers.size) return;
    let floats = rows.logits?.length ?? 0;
    for (const values of rows.layers.values()) floats += values.length;
    const freed = held?.floats ?? 0;
    if (this.heldFloats - freed + floats > this.budgetFloats) return;
    this.entries.set(key, { rows, floats });
    this.heldFloats += floats - freed;
  }

  /**
   * The rows [fromIndex, window.end) of this very window (same start, end and ids), with the
   * given layers (and logits, when asked), as views of the held rows; null when not held.
   */
  rows(
    seq: readonly number[],
    window: ContextWindow,
    fromIndex: number,
    layers: readonly number[],
    withLogits: boolean,
  ): HiddenStates | null {
    const entry = this.entries.get(windowKey(seq, window));
    if (!entry) return null;
    const held = entry.rows;
    if (fromIndex < held.firstIndex || fromIndex >= window.end) return null;
    if (!layers.every((l) => held.layers.has(l)) || (withLogits && !held.logits)) return null;
    return sliceRows(held, fromIndex, window.end, layers, withLogits);
  }
}
