/**
 * Comparing two saved experiments side by side: ticking them for "Compare", showing the
 * comparison and closing it. `sideOf` is shared with the re-run (experimentOpenActions),
 * which shows a saved experiment against its fresh numbers the same way.
 */
import type { Experiment } from '../core/experiments/schema';
import { compareExperiments, type ComparedSide } from '../core/experiments/compare';
import { report, repository, useExperiments } from './experimentsStore';

const set = useExperiments.setState;

/** One side of a comparison: what a record (or a draft) has of name, model, text and results. */
export function sideOf(experiment: Pick<Experiment, 'name' | 'model' | 'text' | 'results'>): ComparedSide {
  return { name: experiment.name, modelId: experiment.model.id, text: experiment.text, results: experiment.results };
}

/** Ticks or unticks an experiment for "Compare"; a third tick drops the oldest. */
export function togglePicked(id: string): void {
  const picked = useExperiments.getState().picked;
  set({ picked: picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id].slice(-2) });
}

/** The two ticked experiments side by side: per position when their tokens agree, summaries otherwise. */
export async function compareSaved(idA: string, idB: string): Promise<void> {
  try {
    const repo = await repository();
    const [a, b] = await Promise.all([repo.get(idA), repo.get(idB)]);
    if (!a || !b) throw new Error('One of the two experiments no longer exists.');
    set({
      comparison: {
        nameA: a.experiment.name,
        nameB: b.experiment.name,
        verdict: null,
        modelFiles: null,
        comparison: compareExperiments(sideOf(a.experiment), sideOf(b.experiment)),
      },
    });
  } catch (error) {
    report(error);
  }
}

export function closeComparison(): void {
  set({ comparison: null });
}
