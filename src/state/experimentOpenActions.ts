/**
 * Opening a saved experiment (its model, settings, text, tree and selection come back to the
 * lab) and re-running one on the model loaded now, against its saved numbers. The settings
 * and model loading here are shared with share links (shareLinkActions).
 */
import type { ExperimentModel, ExperimentSettings } from '../core/experiments/schema';
import { compareExperiments, modelFileDifferences, reproduces } from '../core/experiments/compare';
import { treeFromRecord } from '../core/lab/experimentRecord';
import { COLOUR_METRICS } from '../core/lab/tokenColours';
import { DEFAULT_HUB_URL, withTrailingSlash } from '../protocol/modelSources';
import { loadModel, updateSettings } from './engineActions';
import { restoreLab } from './nextTokenActions';
import { labContents, offerPutBack } from './labReplacement';
import { useSession } from './sessionStore';
import { sideOf } from './experimentComparisonActions';
import { currentDraft, currentModel } from './experimentSaveActions';
import { report, repository, useExperiments } from './experimentsStore';

const set = useExperiments.setState;

/** Opens a saved experiment: the model (if another), the text, settings, seed, tree and selection come back. */
export async function openExperiment(id: string): Promise<boolean> {
  try {
    const stored = await (await repository()).get(id);
    if (!stored) throw new Error('This experiment no longer exists.');
    const { experiment } = stored;
    const before = labContents();
    if (!(await ensureModel(experiment.model))) return false;
    applySavedSettings(experiment.settings);
    await restoreLab(experiment.text, treeFromRecord(experiment.branches), experiment.settings.selectedPosition);
    offerPutBack(before, `the experiment “${experiment.name}”`);
    set({ notice: { kind: 'info', text: `Opened “${experiment.name}”.` } });
    return true;
  } catch (error) {
    report(error);
    return false;
  }
}

/** The sampling settings, seed and (when the lab has it) colour metric of a record or link. */
export function applySavedSettings(saved: ExperimentSettings): void {
  const { temperature, topK, topP, minP, seed, colourMetric } = saved;
  const labMetric = COLOUR_METRICS.find((m) => m.metric === colourMetric)?.metric;
  updateSettings({ temperature, topK, topP, minP, seed, ...(labMetric ? { colourMetric: labMetric } : {}) });
}

/** The Hub host a Hub model was loaded from, with a trailing slash. */
export function hostOf(source: { host?: string }): string {
  return withTrailingSlash(source.host ?? DEFAULT_HUB_URL);
}

/**
 * Loads the experiment's model when another one is loaded (embedded and Hub models; a folder
 * must be opened by hand). A Hub model comes from `hubHost`, by default the user's Hub host
 * (saved records do not keep the host).
 */
export async function ensureModel(
  model: ExperimentModel,
  hubHost = useSession.getState().settings.hubUrl,
): Promise<boolean> {
  // Only the model's id and kind are compared: no file hashes needed.
  const current = currentModel([]);
  const loadedSource = useSession.getState().model?.source;
  const sameHost = loadedSource?.kind !== 'hub' || hostOf(loadedSource) === withTrailingSlash(hubHost);
  if (current && current.id === model.id && current.source.kind === model.source.kind && sameHost) return true;
  if (model.source.kind === 'folder') {
    set({
      notice: {
        kind: 'error',
        text: `This experiment used the local folder “${model.source.folderName}”: open that folder in Models first.`,
      },
    });
    return false;
  }
  const source =
    model.source.kind === 'hub'
      ? { kind: 'hub' as const, id: model.id, revision: model.source.revision, host: withTrailingSlash(hubHost) }
      : { kind: 'embedded' as const, id: model.id };
  const loaded = await loadModel({ source, dtype: 'auto' });
  if (!loaded)
    set({ notice: { kind: 'error', text: `Could not load ${model.id} for this experiment (see the model picker).` } });
  return loaded;
}

/**
 * Re-runs a saved experiment on the model loaded now (which may be another one): its text,
 * tree, settings and selection go to the lab, the analysis runs, and what changed against
 * the saved numbers is shown, with whether they reproduce.
 */
export async function rerunExperiment(id: string): Promise<boolean> {
  try {
    const stored = await (await repository()).get(id);
    if (!stored) throw new Error('This experiment no longer exists.');
    const saved = stored.experiment;
    const before = labContents();
    applySavedSettings(saved.settings);
    const analysed = await restoreLab(saved.text, treeFromRecord(saved.branches), saved.settings.selectedPosition);
    offerPutBack(before, `the re-run of “${saved.name}”`);
    const fresh = await currentDraft(`${saved.name} (re-run)`);
    if (!analysed || !fresh) throw new Error('The re-run did not finish (see the lab for the reason).');
    const model = useSession.getState().model!;
    const comparison = compareExperiments(sideOf(saved), { ...sideOf(fresh), name: `re-run on ${model.label}` });
    const modelFiles = modelFileDifferences(saved.model.source.fileHashes, fresh.model.source.fileHashes);
    set({
      comparison: {
        nameA: saved.name,
        nameB: `re-run on ${model.label} (${model.backend})`,
        verdict: reproduces(comparison),
        modelFiles,
        comparison,
      },
    });
    return true;
  } catch (error) {
    report(error);
    return false;
  }
}
