/**
 * The precomputed first view (src/core/lab/firstView.ts). A page that opens on the default model
 * and the default text (no share or demo link, no kept tree of continuations to put back) draws
 * the shipped analysis at once, labelled as precomputed, while the model loads. The live model's
 * first analysis of that text is then compared with it figure by figure (a difference beyond the
 * digits shown is reported on the console and on screen) and replaces it. Anything that changes
 * what the first screen describes (another text, model, selected position or continuation, a
 * link opened, a failed or cancelled load) drops it at once, so it never stands for anything else.
 */
import { create } from 'zustand';
import firstViewFile from '../core/lab/firstView.json';
import { ROOT_ID } from '../core/lab/branchTree';
import { figureDifferences, firstScreenOf, shownFigures, type FirstViewData } from '../core/lab/firstView';
import type { PositionMetrics } from '../core/lab/positionMetrics';
import type { VocabularyResult } from '../protocol/nextToken';
import { sourceKey, sourceLabel } from '../protocol/modelSources';
import { DEFAULT_MODEL_ID } from './engineActions';
import { hasLabDraftFor } from './nextTokenDraftActions';
import { EMPTY_LAB, useSession, type NextTokenLabState, type SessionState } from './sessionStore';
import { DEFAULT_SETTINGS } from './settings';

/** What the lab draws instead of the session's lab while the precomputed view is shown. */
export interface FirstView {
  lab: NextTokenLabState;
  /** Labels of the tokens the first screen can name (a sparse list: other ids fall back to #id). */
  vocabulary: VocabularyResult;
  modelLabel: string;
}

/** How the live model's first answer compared with the precomputed figures. */
export type FirstViewCheck = { status: 'equal' } | { status: 'different'; differences: string[] };

export const useFirstView = create<{ shown: FirstView | null; check: FirstViewCheck | null }>(() => ({
  shown: null,
  check: null,
}));

const MARKS = { any: 'tokenscope:first-distribution', live: 'tokenscope:first-live-distribution' } as const;

/**
 * Marks (once per page) that a distribution is on screen: the first one, precomputed or live, and
 * the live model's first (tools/bench reads both).
 */
export function markDistributionShown(live: boolean): void {
  const markOnce = (name: string) => {
    if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
  };
  markOnce(MARKS.any);
  if (live) markOnce(MARKS.live);
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function firstViewOf(file: FirstViewData): FirstView {
  const screen = firstScreenOf(file);
  const ids = [...screen.ids];
  const tokens: string[] = [];
  for (const [id, label] of Object.entries(file.labels)) tokens[Number(id)] = label;
  return {
    lab: {
      ...EMPTY_LAB,
      textIds: ids,
      textTokens: file.tokens,
      status: 'ready',
      analysis: { ...file.analysis },
      analysedIds: ids,
      row: { position: file.row.position, logits: screen.logits as Float32Array, contextTokens: screen.contextTokens },
    },
    vocabulary: { tokens, ...file.vocabulary },
    modelLabel: file.modelId,
  };
}

/**
 * Shows the precomputed first view when the page starts on exactly what it describes; call it
 * before the first render. Returns whether it is shown.
 */
export function startFirstView(hash = location.hash, file = firstViewFile as FirstViewData): boolean {
  const modelKey = sourceKey({ kind: 'embedded', id: DEFAULT_MODEL_ID });
  const modelLabel = sourceLabel({ kind: 'embedded', id: DEFAULT_MODEL_ID });
  const { text } = useSession.getState();
  const opensSomethingElse =
    file.modelId !== DEFAULT_MODEL_ID ||
    text !== file.text ||
    /(?:^#|&)(?:share|demo)=/.test(hash) ||
    hasLabDraftFor(modelKey, text);
  if (opensSomethingElse) return false;
  const shown = firstViewOf(file);
  useFirstView.setState({ shown, check: null });

  let loadStarted = false;
  const describesSomethingElse = (state: SessionState) =>
    state.text !== file.text ||
    // A load that ended without a model (cancelled): "the model is loading" would no longer be true.
    (loadStarted && state.load.status !== 'loading' && state.model === null) ||
    state.nextToken.selected !== null ||
    state.nextToken.tree.nodes[ROOT_ID].childIds.length > 0 ||
    state.load.status === 'error' ||
    (state.load.target !== null && state.load.target !== modelLabel) ||
    (state.model !== null && state.model.key !== modelKey);
  const stop = useSession.subscribe((state) => {
    loadStarted ||= state.load.status === 'loading';
    const lab = state.nextToken;
    const live =
      state.model?.key === modelKey && lab.status === 'ready' && lab.analysis !== null && lab.row !== null
        ? { analysis: lab.analysis, row: lab.row }
        : null;
    const describesLive = live !== null && live.row.position === lab.analysedIds.length;
    if (!describesLive && !describesSomethingElse(state)) return;
    stop();
    useFirstView.setState({ shown: null });
    // Checked after the live view is drawn: the comparison need not delay it.
    if (describesLive && !describesSomethingElse(state) && sameIds(lab.analysedIds, shown.lab.analysedIds)) {
      const { analysis, row } = live!;
      setTimeout(() => checkAgainstLive(shown, lab.analysedIds, analysis.positions, row), 0);
    }
  });
  return true;
}

function checkAgainstLive(
  shown: FirstView,
  ids: readonly number[],
  positions: readonly PositionMetrics[],
  row: NonNullable<NextTokenLabState['row']>,
): void {
  const { topN } = DEFAULT_SETTINGS;
  const expected = shownFigures(
    {
      ids: shown.lab.analysedIds,
      positions: shown.lab.analysis!.positions,
      logits: shown.lab.row!.logits,
      contextTokens: shown.lab.row!.contextTokens,
    },
    topN,
  );
  const actual = shownFigures({ ids, positions, logits: row.logits, contextTokens: row.contextTokens }, topN);
  const differences = figureDifferences(expected, actual);
  if (differences.length === 0) {
    useFirstView.setState({ check: { status: 'equal' } });
    return;
  }
  // The shipped file no longer matches the model the page loaded: the live figures are shown.
  console.error(
    `Tokenscope: the precomputed first view differs from the live model in ${differences.length} figures ` +
      `(the live ones are shown; regenerate it with npx tsx tools/vite/firstViewData.ts): ${differences.slice(0, 8).join('; ')}`,
  );
  useFirstView.setState({ check: { status: 'different', differences } });
}
