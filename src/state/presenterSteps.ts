/**
 * What the presenter's keys (and a presentation clicker, which sends PageDown / PageUp) do:
 * a pure mapping from a key to an action, and the action on the lab and the view store.
 */
import { playDemoStep } from './demoScriptActions';
import { canAppendAt, selectPosition, showBranch, stepOnce } from './nextTokenActions';
import { useSession } from './sessionStore';
import { showNextView, useView } from './viewStore';

export type PresenterAction = 'forward' | 'back' | 'nextView' | 'previousView';

/** Keys a clicker or keyboard sends, to the action; keys with Ctrl, Alt or Meta are the browser's. */
const ACTION_OF_KEY: Readonly<Record<string, PresenterAction>> = {
  PageDown: 'forward',
  ArrowRight: 'forward',
  ' ': 'forward',
  PageUp: 'back',
  ArrowLeft: 'back',
  ArrowDown: 'nextView',
  n: 'nextView',
  N: 'nextView',
  ArrowUp: 'previousView',
  p: 'previousView',
  P: 'previousView',
};

export function presenterActionOf(event: {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}): PresenterAction | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  return ACTION_OF_KEY[event.key] ?? null;
}

/** Runs an action; returns whether something happened (the key is then consumed). */
export function runPresenterAction(action: PresenterAction): boolean {
  switch (action) {
    case 'nextView':
      showNextView(1);
      return true;
    case 'previousView':
      showNextView(-1);
      return true;
    case 'forward':
      return stepLab(1);
    case 'back':
      return stepLab(-1);
  }
}

/** Forward: the next greedy token; back: undo the last one. Only while the lab is on screen. */
function stepLab(direction: 1 | -1): boolean {
  // A loaded demo script takes the step, in any view (its steps may switch views themselves).
  if (playDemoStep(direction)) return true;
  if (useView.getState().view !== 'lab') return false;
  return direction === 1 ? greedyStep() : undoLastToken();
}

/** Appends the most likely token at the end; a position inside the text is first left for the end. */
function greedyStep(): boolean {
  if (!canAppendAt(useSession.getState().nextToken)) {
    selectPosition(null);
    return true;
  }
  void stepOnce('greedy');
  return true;
}

/** Back to the parent of the current continuation's last token; false at the text itself. */
export function undoLastToken(): boolean {
  const tree = useSession.getState().nextToken.tree;
  const parentId = tree.nodes[tree.currentId]?.parentId ?? null;
  if (parentId === null) return false;
  showBranch(parentId);
  return true;
}
