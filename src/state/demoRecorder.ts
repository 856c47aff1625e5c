/**
 * Recording a demo: while on, what the user does (text, settings, tokens appended, the branch
 * walked back to, the position selected, views opened, the key-space token, the bias prompt)
 * becomes steps; stopping turns them into a script to edit, play or save.
 */
import {
  changedSettings,
  recordAction,
  DEMO_FORMAT,
  DEMO_FORMAT_VERSION,
  DEMO_LIMITS,
  DEMO_SETTING_KEYS,
  type DemoScript,
  type DemoSettings,
  type DemoStep,
  type RecordedAction,
} from '../core/demoScripts';
import { pathTokens, ROOT_ID, type BranchTree } from '../core/lab/branchTree';
import { useBiasLens } from './biasLensStore';
import { useDemoScript } from './demoScriptStore';
import { useKeySpace } from './keySpaceStore';
import { useSession, type SessionState } from './sessionStore';
import { useView } from './viewStore';

let steps: DemoStep[] = [];
let start: DemoScript['start'] | null = null;
let modelId: string | null = null;
let unsubscribes: (() => void)[] = [];

function scriptSettings(settings: SessionState['settings']): DemoSettings {
  return Object.fromEntries(DEMO_SETTING_KEYS.map((key) => [key, settings[key]])) as DemoSettings;
}

function push(action: RecordedAction): void {
  steps = recordAction(steps, action);
}

function tokenText(session: SessionState, tokenId: number): string {
  return session.vocabulary?.tokens[tokenId] ?? '';
}

/** A move in the tree of continuations as steps: one append, or back to the text and every token of the new path. */
function recordTreeMove(session: SessionState, before: BranchTree): void {
  const tree = session.nextToken.tree;
  if (tree.currentId === before.currentId) return;
  const node = tree.nodes[tree.currentId];
  if (node.parentId === before.currentId) {
    push({ kind: 'append', tokenId: node.tokenId, text: tokenText(session, node.tokenId) });
    return;
  }
  push({ kind: 'backToText' });
  if (tree.currentId === ROOT_ID) return;
  for (const tokenId of pathTokens(tree)) push({ kind: 'append', tokenId, text: tokenText(session, tokenId) });
}

/** Starts recording from what is on screen now; false (with the reason in the store) when it cannot. */
export function startRecording(): boolean {
  const session = useSession.getState();
  const source = session.model?.source;
  if (!source || source.kind !== 'embedded') {
    useDemoScript.setState({ error: 'Recording needs one of the embedded models loaded (a script names its model).' });
    return false;
  }
  stopListening();
  modelId = source.id;
  steps = [];
  start = { text: session.text, settings: scriptSettings(session.settings), biasPrompt: useBiasLens.getState().prompt };
  unsubscribes = [
    useSession.subscribe((now, before) => {
      if (now.model?.key !== before.model?.key) return;
      if (now.text !== before.text) push({ kind: 'text', text: now.text });
      const settings = changedSettings(
        scriptSettings(before.settings),
        scriptSettings(now.settings),
        DEMO_SETTING_KEYS,
      );
      if (Object.keys(settings).length > 0) push({ kind: 'settings', settings });
      const lab = now.nextToken;
      const wasLab = before.nextToken;
      // A new text starts a new tree: that is the text's step, not a move in the tree.
      const treeReset = lab.tree !== wasLab.tree && lab.tree.nextId === 1;
      if (lab.tree !== wasLab.tree && !treeReset) recordTreeMove(now, wasLab.tree);
      else if (lab.selected !== wasLab.selected && lab.tree === wasLab.tree)
        push({ kind: 'select', position: lab.selected });
    }),
    useView.subscribe((now, before) => {
      if (now.view !== before.view) push({ kind: 'view', view: now.view });
    }),
    useKeySpace.subscribe((now, before) => {
      if (now.focusTokenId !== null && now.focusTokenId !== before.focusTokenId)
        push({ kind: 'keySpace', tokenId: now.focusTokenId, text: tokenText(useSession.getState(), now.focusTokenId) });
    }),
    useBiasLens.subscribe((now, before) => {
      if (now.prompt !== before.prompt && now.prompt) push({ kind: 'biasPrompt', prompt: now.prompt });
    }),
  ];
  useDemoScript.setState({ recording: true, error: null });
  return true;
}

/** Stops recording; the steps become the loaded script, with the screen where the recording left it. */
export function stopRecording(): DemoScript | null {
  stopListening();
  useDemoScript.setState({ recording: false });
  if (!start || !modelId) return null;
  const script: DemoScript = {
    format: DEMO_FORMAT,
    version: DEMO_FORMAT_VERSION,
    title: 'Recorded demo',
    description: `Recorded on ${new Date().toISOString().slice(0, 10)}.`,
    model: modelId,
    start,
    steps: steps.slice(0, DEMO_LIMITS.steps),
  };
  start = null;
  const cut = steps.length > DEMO_LIMITS.steps;
  useDemoScript.setState({
    script,
    source: 'recording',
    played: script.steps.length,
    fingerprints: [],
    error: cut ? `The recording had ${steps.length} steps; a script keeps the first ${DEMO_LIMITS.steps}.` : null,
  });
  return script;
}

function stopListening(): void {
  unsubscribes.forEach((u) => u());
  unsubscribes = [];
}
