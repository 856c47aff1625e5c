/**
 * Changing saved experiments from the list: reading the notes for the edit form, editing name,
 * tags and notes, duplicating, and deleting with undo. Each change refreshes the list.
 */
import { StaleRevisionError } from '../storage/errors';
import { refreshExperiments, report, repository, useExperiments } from './experimentsStore';

const set = useExperiments.setState;

/** The notes of a saved experiment ('' when it has none or is gone), for the edit form. */
export async function experimentNotes(id: string): Promise<string> {
  return (await (await repository()).get(id))?.experiment.notes ?? '';
}

/**
 * Name, tags (comma-separated) and notes in one write, based on `revision`, the one the edit
 * started from: if another tab changed the experiment since, nothing is overwritten and the
 * notice says so (the list then shows the other tab's version).
 */
export async function editExperiment(
  id: string,
  revision: number,
  changes: { name: string; tagsText: string; notes: string },
): Promise<void> {
  try {
    const repo = await repository();
    const tags = [
      ...new Set(
        changes.tagsText
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    const name = changes.name.trim();
    const saved = await repo.update(id, revision, { ...(name ? { name } : {}), tags, notes: changes.notes });
    set({ notice: { kind: 'info', text: `Saved the changes to “${saved.experiment.name}”.` } });
    await refreshExperiments();
  } catch (error) {
    report(error);
    if (error instanceof StaleRevisionError) await refreshExperiments();
  }
}

export async function duplicateExperiment(id: string): Promise<void> {
  try {
    await (await repository()).duplicate(id);
    await refreshExperiments();
  } catch (error) {
    report(error);
  }
}

export async function deleteExperiment(id: string, name: string): Promise<void> {
  try {
    await (await repository()).delete(id);
    set({ lastDeleted: { id, name }, notice: { kind: 'info', text: `Deleted “${name}”.` } });
    await refreshExperiments();
  } catch (error) {
    report(error);
  }
}

export async function undoDelete(): Promise<void> {
  const deleted = useExperiments.getState().lastDeleted;
  if (!deleted) return;
  try {
    await (await repository()).restore(deleted.id);
    set({ lastDeleted: null, notice: { kind: 'info', text: `Restored “${deleted.name}”.` } });
    await refreshExperiments();
  } catch (error) {
    report(error);
  }
}
