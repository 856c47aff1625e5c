/**
 * Moving through a script: which steps to play to get from where the player is to where the
 * speaker asked. Going back replays from the start (a step cannot be undone, but a replay of
 * the same inputs gives the same screen), going forward plays only the steps in between.
 */

/** What to do: restart (put the script's start back first), then play these step indices in order. */
export interface DemoMove {
  restart: boolean;
  steps: number[];
  /** Steps played once the move is done. */
  played: number;
}

/** The move from `played` steps done to `target` steps done, or null when there is nowhere to go. */
export function planDemoMove(played: number, target: number, stepCount: number): DemoMove | null {
  if (target < 0 || target > stepCount || target === played) return null;
  const restart = target < played;
  const from = restart ? 0 : played;
  return { restart, steps: Array.from({ length: target - from }, (_, i) => from + i), played: target };
}

/** One key press: the next step (1) or back to the step before (−1). */
export function planDemoStep(played: number, direction: 1 | -1, stepCount: number): DemoMove | null {
  return planDemoMove(played, played + direction, stepCount);
}
