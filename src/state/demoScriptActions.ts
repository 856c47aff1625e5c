/**
 * Playing a demo script: put its start on screen (model, text, settings, an empty tree of
 * continuations), then one step per key press. A step is done when its analysis has settled;
 * its fingerprint (src/core/demoScripts/fingerprint.ts) is kept so two replays can be compared.
 * Going back replays from the start: a step cannot be undone, but the same inputs give the
 * same screen.
 */
import {
  planDemoMove,
  planDemoStep,
  type DemoMove,
  type DemoScript,
  type DemoStep,
  DEMO_SETTING_KEYS,
} from '../core/demoScripts';
import { emptyTree, ROOT_ID } from '../core/lab/branchTree';
import { messageOf } from '../core/messageOf';
import { setBiasPrompt, DEFAULT_BIAS_PROMPT } from './biasLensStore';
import { DemoStopped, waitForSettled } from './demoSettle';
import { useDemoScript } from './demoScriptStore';
import { loadModel, setText, updateSettings } from './engineActions';
import { labContents, offerPutBack } from './labReplacement';
import { openKeySpace } from './keySpaceStore';
import { appendToken, restoreLab, selectPosition, showBranch, stepOnce, stopGeneration } from './nextTokenActions';
import { useSession } from './sessionStore';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { showView } from './viewStore';

const set = useDemoScript.setState;
const get = useDemoScript.getState;

let moveController: AbortController | null = null;

/**
 * Opens a script at its start (played 0). Resolves once the start is on screen (false on an
 * error, shown in the store). The lab it replaced can be put back (labReplacement.ts).
 */
export async function loadDemoScript(script: DemoScript, source: string): Promise<boolean> {
  const before = labContents();
  moveController?.abort();
  set({ script, source, played: 0, running: false, error: null, fingerprints: [], recording: false });
  const shown = await runMove({ restart: true, steps: [], played: 0 });
  offerPutBack(before, `the demo “${script.title}”`);
  return shown;
}

/**
 * One key press of the presenter: the next step (1) or back one (−1). False when no script is
 * loaded (the key then does what it does without one); true otherwise, also while a step runs.
 */
export function playDemoStep(direction: 1 | -1): boolean {
  const { script, played, running } = get();
  if (!script) return false;
  if (running) return true;
  const move = planDemoStep(played, direction, script.steps.length);
  if (move) void runMove(move);
  return true;
}

/** Plays or replays to `played` steps (a click in the step list). */
export function playDemoTo(target: number): Promise<boolean> {
  const { script, played, running } = get();
  if (!script || running) return Promise.resolve(false);
  const move = planDemoMove(played, target, script.steps.length);
  return move ? runMove(move) : Promise.resolve(true);
}

export function restartDemo(): Promise<boolean> {
  if (!get().script) return Promise.resolve(false);
  moveController?.abort();
  return runMove({ restart: true, steps: [], played: 0 });
}

/** Stops a running step (generation included); the screen stays where it got to. */
export function stopDemo(): void {
  moveController?.abort();
  stopGeneration();
}

/** Closes the script: the keys go back to their own meaning. */
export function closeDemo(): void {
  stopDemo();
  set({ script: null, source: null, played: 0, running: false, error: null, fingerprints: [] });
}

async function runMove(move: DemoMove): Promise<boolean> {
  const script = get().script;
  if (!script) return false;
  moveController?.abort();
  const controller = new AbortController();
  moveController = controller;
  set({ running: true, error: null });
  let at = move.restart ? 0 : get().played;
  try {
    if (move.restart) {
      // A replay's fingerprints are its own: none is left from before to pass for it.
      set({ fingerprints: [] });
      await applyStart(script);
      recordFingerprint(0, await waitForSettled(controller.signal));
      set({ played: 0 });
    }
    for (const index of move.steps) {
      await playStep(script.steps[index], controller.signal);
      at = index + 1;
      recordFingerprint(at, await waitForSettled(controller.signal));
      set({ played: at });
    }
    return true;
  } catch (error) {
    if (!(error instanceof DemoStopped))
      set({ error: at < script.steps.length ? `Step ${at + 1}: ${messageOf(error)}` : messageOf(error) });
    return false;
  } finally {
    if (moveController === controller) {
      moveController = null;
      set({ running: false });
    }
  }
}

function recordFingerprint(played: number, fingerprint: string): void {
  set((s) => {
    const fingerprints = [...s.fingerprints];
    fingerprints[played] = fingerprint;
    return { fingerprints };
  });
}

/** The script's start: its model, every script setting at its default or the start's value, its text with no continuation. */
async function applyStart(script: DemoScript): Promise<void> {
  stopGeneration();
  const modelKey = `embedded:${script.model}`;
  if (useSession.getState().model?.key !== modelKey) {
    const loaded = await loadModel({ source: { kind: 'embedded', id: script.model }, dtype: 'auto' });
    if (!loaded) throw new Error(useSession.getState().load.error?.message ?? `could not load ${script.model}`);
  }
  const defaults = Object.fromEntries(
    DEMO_SETTING_KEYS.map((key) => [key, DEFAULT_SETTINGS[key]]),
  ) as Partial<Settings>;
  updateSettings({ ...defaults, cautious: false, ...script.start.settings });
  setBiasPrompt(script.start.biasPrompt ?? DEFAULT_BIAS_PROMPT);
  showView('lab');
  await restoreLab(script.start.text, emptyTree(), null);
}

async function playStep(step: DemoStep, signal: AbortSignal): Promise<void> {
  switch (step.kind) {
    case 'setText':
      setText(step.text);
      return;
    case 'setSettings':
      updateSettings(step.settings);
      return;
    case 'appendToken':
      if (!(await appendToken(step.tokenId, 'click')))
        throw new Error('the token cannot be appended here (select the end of the text or of the continuation)');
      return;
    case 'greedyStep':
    case 'sampleStep':
      // One step at a time from the shown position, each position on its own seed stream.
      for (let i = 0; i < (step.count ?? 1); i++) {
        if (signal.aborted) throw new DemoStopped();
        if (!(await stepOnce(step.kind === 'greedyStep' ? 'greedy' : 'sample')))
          throw new Error('no step from here (select the end of the text or of the continuation)');
      }
      return;
    case 'backToText':
      showBranch(ROOT_ID);
      return;
    case 'selectPosition':
      selectPosition(step.position);
      return;
    case 'openView':
      showView(step.view);
      return;
    case 'openKeySpace':
      openKeySpace(step.tokenId);
      showView('keyspace');
      return;
    case 'setBiasPrompt':
      setBiasPrompt(step.prompt);
      showView('tokenizers');
      return;
  }
}
