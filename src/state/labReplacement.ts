/**
 * Putting back what the lab held before a demo script, an experiment or a share link replaced
 * it. The text always comes back; the tree of continuations and the selected position only
 * when the same model is loaded (a tree holds its model's token ids). Putting back swaps the
 * two, so the replacing lab can be had again: nothing the user had is lost. Kept for this page
 * only, like an undo.
 */
import { create } from 'zustand';
import { emptyTree, ROOT_ID, type BranchTree } from '../core/lab/branchTree';
import { restoreLab } from './nextTokenActions';
import { useSession } from './sessionStore';
import { DEFAULT_TEXT } from './settings';

export interface LabContents {
  text: string;
  tree: BranchTree;
  selected: number | null;
  /** The model the tree belongs to. */
  modelKey: string | null;
}

export interface LabReplacement {
  /** What replaced the lab, for the notice: `the demo “Eiffel”`. */
  by: string;
  /** What the other side of the swap holds: the lab before the replacement, or (once put back) the replacing one. */
  other: LabContents;
  /** What the replacement put in the lab: a second replacement over it, untouched, keeps `other` on offer. */
  replacing: LabContents;
  /** Whether the lab holds its earlier contents again (the notice then offers the replacing ones). */
  putBack: boolean;
}

export const useLabReplacement = create<{ replacement: LabReplacement | null }>(() => ({ replacement: null }));

/** What the lab holds now. */
export function labContents(): LabContents {
  const { text, nextToken, model } = useSession.getState();
  return { text, tree: nextToken.tree, selected: nextToken.selected, modelKey: model?.key ?? null };
}

const hasContinuations = (tree: BranchTree) => tree.nodes[ROOT_ID].childIds.length > 0;

/** The same text and the same continuations (trees are small: what a user explored by hand). */
const sameLab = (a: LabContents, b: LabContents) =>
  a.text === b.text && JSON.stringify(a.tree.nodes) === JSON.stringify(b.tree.nodes);

/**
 * Call after something replaced the lab: offers `before` back, unless it held nothing of the
 * user's (an empty or the default text, no continuations) or the lab holds the same now. A
 * replacement of an earlier replacement the user left untouched keeps the user's lab on offer.
 */
export function offerPutBack(before: LabContents, by: string): void {
  const now = labContents();
  const earlier = useLabReplacement.getState().replacement;
  if (earlier && !earlier.putBack && sameLab(earlier.replacing, before)) {
    if (!sameLab(earlier.other, now)) useLabReplacement.setState({ replacement: { ...earlier, by, replacing: now } });
    else dismissLabReplacement();
    return;
  }
  const heldNothing = (before.text.trim() === '' || before.text === DEFAULT_TEXT) && !hasContinuations(before.tree);
  if (heldNothing || sameLab(before, now)) return;
  useLabReplacement.setState({ replacement: { by, other: before, replacing: now, putBack: false } });
}

/** Swaps the lab with the other side of the last replacement. */
export async function swapReplacedLab(): Promise<boolean> {
  const replacement = useLabReplacement.getState().replacement;
  if (!replacement) return false;
  const now = labContents();
  const { other } = replacement;
  const sameModel = other.modelKey !== null && other.modelKey === now.modelKey;
  useLabReplacement.setState({ replacement: { ...replacement, other: now, putBack: !replacement.putBack } });
  const shown = await restoreLab(other.text, sameModel ? other.tree : emptyTree(), sameModel ? other.selected : null);
  // What the lab holds now (a tree from another model is dropped): a later replacement compares with it.
  const current = useLabReplacement.getState().replacement;
  if (current) useLabReplacement.setState({ replacement: { ...current, replacing: labContents() } });
  return shown;
}

export function dismissLabReplacement(): void {
  useLabReplacement.setState({ replacement: null });
}
