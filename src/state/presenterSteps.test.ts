/** The presenter's keys: which key does what, and what each action does to the lab and the views. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appendStep, emptyTree, ROOT_ID } from '../core/lab/branchTree';
import { EMPTY_LAB, useSession } from './sessionStore';
import { showView, useView } from './viewStore';

const actions = vi.hoisted(() => ({
  stepOnce: vi.fn(async () => true),
  showBranch: vi.fn(),
  selectPosition: vi.fn(),
}));
vi.mock('./nextTokenActions', () => ({
  ...actions,
  canAppendAt: (lab: { row: { position: number } | null; textIds: number[] }) =>
    lab.row !== null && lab.row.position >= lab.textIds.length,
}));

const { presenterActionOf, runPresenterAction } = await import('./presenterSteps');

function labAt(position: number, steps: number) {
  let tree = emptyTree();
  for (let i = 0; i < steps; i++)
    tree = appendStep(tree, { tokenId: 7 + i, probability: 0.5, sampledProbability: null, how: 'greedy', seed: null });
  return { ...EMPTY_LAB, tree, textIds: [1, 2], row: { position, logits: new Float32Array(4), contextTokens: 2 } };
}

beforeEach(() => {
  Object.values(actions).forEach((fn) => fn.mockClear());
  showView('lab');
  useSession.setState({ nextToken: labAt(2, 0) });
});

describe('presenterActionOf', () => {
  it('maps a clicker and the keyboard to forward, back and the views', () => {
    expect(['PageDown', 'ArrowRight', ' '].map((key) => presenterActionOf({ key }))).toEqual([
      'forward',
      'forward',
      'forward',
    ]);
    expect(['PageUp', 'ArrowLeft'].map((key) => presenterActionOf({ key }))).toEqual(['back', 'back']);
    expect(['ArrowDown', 'n', 'N'].map((key) => presenterActionOf({ key }))).toEqual([
      'nextView',
      'nextView',
      'nextView',
    ]);
    expect(['ArrowUp', 'p', 'P'].map((key) => presenterActionOf({ key }))).toEqual([
      'previousView',
      'previousView',
      'previousView',
    ]);
  });

  it('leaves other keys and browser shortcuts alone', () => {
    expect(presenterActionOf({ key: 'Enter' })).toBeNull();
    expect(presenterActionOf({ key: 'a' })).toBeNull();
    expect(presenterActionOf({ key: 'ArrowLeft', altKey: true })).toBeNull();
    expect(presenterActionOf({ key: 'PageDown', ctrlKey: true })).toBeNull();
    expect(presenterActionOf({ key: 'n', metaKey: true })).toBeNull();
  });
});

describe('runPresenterAction', () => {
  it('forward takes a greedy step at the end of the text', () => {
    expect(runPresenterAction('forward')).toBe(true);
    expect(actions.stepOnce).toHaveBeenCalledWith('greedy');
  });

  it('forward from a position inside the text first shows the end', () => {
    useSession.setState({ nextToken: labAt(1, 0) });
    expect(runPresenterAction('forward')).toBe(true);
    expect(actions.selectPosition).toHaveBeenCalledWith(null);
    expect(actions.stepOnce).not.toHaveBeenCalled();
  });

  it('back walks to the parent of the last token, and does nothing at the text itself', () => {
    useSession.setState({ nextToken: labAt(4, 2) });
    const tree = useSession.getState().nextToken.tree;
    expect(runPresenterAction('back')).toBe(true);
    expect(actions.showBranch).toHaveBeenCalledWith(tree.nodes[tree.currentId].parentId);
    expect(tree.nodes[tree.currentId].parentId).not.toBe(ROOT_ID);

    actions.showBranch.mockClear();
    useSession.setState({ nextToken: labAt(2, 0) });
    expect(runPresenterAction('back')).toBe(false);
    expect(actions.showBranch).not.toHaveBeenCalled();
  });

  it('steps only while the lab is on screen', () => {
    showView('tokenizers');
    expect(runPresenterAction('forward')).toBe(false);
    expect(actions.stepOnce).not.toHaveBeenCalled();
  });

  it('walks the views forward and back, wrapping around', () => {
    runPresenterAction('nextView');
    expect(useView.getState().view).toBe('tokenizers');
    runPresenterAction('previousView');
    runPresenterAction('previousView');
    expect(useView.getState().view).toBe('experiments');
  });
});
