/**
 * Autosave of the lab's unsaved tree of continuations (core/lab/labDraft.ts): debounced on
 * every change, flushed on `pagehide`, put back at start-up when the model and text match.
 * localStorage, like the text and settings it belongs with: it is synchronous, so the flush
 * on `pagehide` is written before the page goes, which an IndexedDB transaction may not be.
 */
import { draftToRestore, labDraftOf, parseLabDraft } from '../core/lab/labDraft';
import { createDraftAutosave, flushOnPageHide } from '../storage/draftAutosave';
import { restoreLab } from './nextTokenActions';
import { useSession } from './sessionStore';

const LAB_DRAFT_KEY = 'tokenscope.labDraft.v1';

function readDraft(): string | null {
  try {
    return localStorage.getItem(LAB_DRAFT_KEY);
  } catch {
    return null;
  }
}

/** Puts the saved tree back when it belongs to the loaded model and the current text. */
export async function restoreLabDraft(): Promise<boolean> {
  const { model, text } = useSession.getState();
  if (!model) return false;
  const restore = draftToRestore(parseLabDraft(readDraft()), model.key, text);
  if (!restore) return false;
  return restoreLab(text, restore.tree, restore.selected);
}

/** Whether start-up will put a kept tree or selection back for this model and text (restoreLabDraft). */
export function hasLabDraftFor(modelKey: string, text: string): boolean {
  return draftToRestore(parseLabDraft(readDraft()), modelKey, text) !== null;
}

/** Starts saving the tree and selection on every change (call after restoreLabDraft). */
export function startLabDraftAutosave(): void {
  const autosave = createDraftAutosave<string>({
    delayMs: 500,
    save: async (json) => localStorage.setItem(LAB_DRAFT_KEY, json),
    // Storage full or blocked: the tree stays on screen; saving it as an experiment still works.
    onError: (error) => console.warn('The lab draft could not be kept in localStorage:', error),
  });
  useSession.subscribe((state, previous) => {
    const changed =
      state.nextToken.tree !== previous.nextToken.tree ||
      state.nextToken.selected !== previous.nextToken.selected ||
      state.model !== previous.model ||
      state.nextToken.status !== previous.nextToken.status;
    // Only an analysed lab: while a text is being tokenized or a model loads the tree may be stale or not yet restored.
    if (!changed || !state.model || state.nextToken.status !== 'ready') return;
    const tokens = state.vocabulary?.tokens;
    autosave.schedule(
      JSON.stringify(
        labDraftOf(
          state.model.key,
          state.text,
          state.nextToken.tree,
          state.nextToken.selected,
          (id) => tokens?.[id] ?? `#${id}`,
        ),
      ),
    );
  });
  flushOnPageHide(autosave);
}
