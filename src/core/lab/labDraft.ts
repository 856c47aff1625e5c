/**
 * The lab's unsaved work between visits: the tree of explored continuations and the selected
 * position, for the model and text they belong to. The text and settings already persist on
 * their own (state/settings.ts); without this a reload would lose every branch explored.
 * Stored as JSON and validated with the experiment schema's tree rules on the way back in.
 */
import { z } from 'zod';
import { LIMITS } from '../experiments/bounds';
import { branchTreeSchema } from '../experiments/parts';
import { ROOT_ID, type BranchTree } from './branchTree';
import { treeFromRecord, treeToRecord } from './experimentRecord';

const labDraftSchema = z.object({
  version: z.literal(1),
  /** The model the token ids belong to (ModelInfo.key). */
  modelKey: z.string().min(1).max(2_000),
  text: z.string().max(LIMITS.textLength),
  branches: branchTreeSchema,
  selectedPosition: z.int().min(0).max(LIMITS.positions).nullable(),
});

export type LabDraft = z.output<typeof labDraftSchema>;

export function labDraftOf(
  modelKey: string,
  text: string,
  tree: BranchTree,
  selectedPosition: number | null,
  tokenText: (id: number) => string,
): LabDraft {
  return { version: 1, modelKey, text, branches: treeToRecord(tree, tokenText), selectedPosition };
}

/** A stored draft, or null when there is none or it is unreadable (never throws). */
export function parseLabDraft(raw: string | null): LabDraft | null {
  if (!raw) return null;
  try {
    const parsed = labDraftSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The tree and selection to put back, when the draft belongs to this model and this text
 * and holds more than the bare text; null otherwise (a draft for another text is stale).
 */
export function draftToRestore(
  draft: LabDraft | null,
  modelKey: string,
  text: string,
): { tree: BranchTree; selected: number | null } | null {
  if (!draft || draft.modelKey !== modelKey || draft.text !== text) return null;
  const tree = treeFromRecord(draft.branches);
  if (tree.nodes[ROOT_ID].childIds.length === 0 && draft.selectedPosition === null) return null;
  return { tree, selected: draft.selectedPosition };
}
