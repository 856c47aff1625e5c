/** The demo script being played or recorded (src/state/demoScriptActions.ts plays it). */
import { create } from 'zustand';
import type { DemoScript } from '../core/demoScripts';

export interface DemoScriptState {
  script: DemoScript | null;
  /** Where it came from, for the panel: a bundled demo's id, 'file', 'link', 'editor' or 'recording'. */
  source: string | null;
  /** Steps played: 0 is the start, script.steps.length the end. */
  played: number;
  /** A move (start, steps) is running. */
  running: boolean;
  error: string | null;
  /** fingerprints[i]: the screen once i steps were played (0: the start); null until played. */
  fingerprints: (string | null)[];
  /** True while user actions are recorded as steps. */
  recording: boolean;
}

export const useDemoScript = create<DemoScriptState>(() => ({
  script: null,
  source: null,
  played: 0,
  running: false,
  error: null,
  fingerprints: [],
  recording: false,
}));
