/**
 * The next-token lab's actions: score the text (and the explored continuation) through the
 * worker, show the distribution at a position, append candidates, step greedily or by seeded
 * sampling, generate N tokens with a stop, walk the branch tree. The maths of what is drawn
 * is pure core code over the kept logits row; only these actions call the model.
 */
import {
  CNTP_STOP_TEXTS,
  cautiousStopTokenIds,
  logSumExp,
  positionSeed,
  sampleNext,
  type NextTokenMode,
  type SamplingSettings,
} from '../core/distribution';
import { cautiousStep } from '../core/lab/cautiousDecoding';
import { commonPrefixLength } from '../core/context/tokenPrefix';
import { bytesProblem, LIMITS } from '../core/limits';
import { utf8Length } from '../core/tokenizers/words';
import { appendStep, emptyTree, moveTo, pathTokens, type BranchTree, type StepKind } from '../core/lab/branchTree';
import { EngineCallError, WorkerRestartedError } from '../worker/client';
import { engineClient } from './engineClient';
import { useSession, type NextTokenLabState } from './sessionStore';
import { storeText, type Settings } from './settings';
import { messageOf } from '../core/messageOf';
import { lenientUtf8Decoder } from '../core/tokenization/utf8Decoders';

const set = useSession.setState;
const get = useSession.getState;

let analysisController: AbortController | null = null;
let analysisTimer: ReturnType<typeof setTimeout> | null = null;
let rowController: AbortController | null = null;
let stopRequested = false;
/** The text the lab's textIds were tokenized from. */
let tokenizedText: string | null = null;
/** A branch tree and selection to put back once the restored text is tokenized (opening an experiment). */
let pendingRestore: { text: string; tree: BranchTree; selected: number | null } | null = null;
/** CNTP's punctuation stop set for the loaded tokenizer (first ids of . , \n ? ! : ; ) ] }). */
let stopTokenIds: Set<number> | null = null;

function patchLab(patch: Partial<NextTokenLabState> | ((lab: NextTokenLabState) => Partial<NextTokenLabState>)): void {
  set((s) => ({ nextToken: { ...s.nextToken, ...(typeof patch === 'function' ? patch(s.nextToken) : patch) } }));
}

export function samplingSettingsOf(settings: Settings): SamplingSettings {
  return { temperature: settings.temperature, topK: settings.topK, topP: settings.topP, minP: settings.minP };
}

/** All ids of the lab's sequence: the text's, then the current continuation's. */
export function labIds(lab: NextTokenLabState): number[] {
  return [...lab.textIds, ...pathTokens(lab.tree)];
}

/**
 * How much of the shown analysis still describes the lab's current ids: the unchanged prefix
 * (the metric at i depends on ids[0..i] only) and whether that prefix is all of it.
 */
export function analysisFreshness(lab: NextTokenLabState): { validPrefix: number; current: boolean } {
  if (!lab.analysis) return { validPrefix: 0, current: false };
  const ids = labIds(lab);
  const validPrefix = commonPrefixLength(lab.analysedIds, ids);
  return { validPrefix, current: validPrefix === ids.length && validPrefix === lab.analysedIds.length };
}

/** The kept logits row when it still describes the current text (its context and actual token unchanged): no figure mixes two texts. */
export function currentRow(lab: NextTokenLabState, freshness = analysisFreshness(lab)): NextTokenLabState['row'] {
  if (!lab.row) return null;
  return freshness.current || lab.row.position < freshness.validPrefix ? lab.row : null;
}

/** The lab with no text: what a new model or a refused text leaves. */
function noTextLab(): Partial<NextTokenLabState> {
  return {
    textIds: [],
    textTokens: [],
    tree: emptyTree(),
    continuationTokens: [],
    analysis: null,
    analysedIds: [],
    row: null,
    selected: null,
    cautiousSteps: [],
  };
}

/**
 * A text the lab refuses before tokenizing (too long): nothing of the previous text stays
 * on screen under it. The text itself is kept by the caller.
 */
export function refuseText(): void {
  // Forget the running analysis too: a tokenize answer already on its way must not put the old text's chips back.
  analysisController?.abort();
  analysisController = null;
  rowController?.abort();
  rowController = null;
  if (analysisTimer) clearTimeout(analysisTimer);
  tokenizedText = null;
  patchLab({ ...noTextLab(), status: 'idle', error: null, progress: null });
}

export function scheduleAnalysis(delayMs: number): void {
  if (analysisTimer) clearTimeout(analysisTimer);
  // Until it runs, what is on screen belongs to the previous text: say it is being replaced (the chart dims, and nothing reads it as ready).
  if (get().model) patchLab({ status: 'running', error: null });
  analysisTimer = setTimeout(() => void refreshAnalysis(), delayMs);
}

/** After a model change: the old token ids mean nothing to the new tokenizer. */
export function resetLabForModel(): void {
  tokenizedText = null;
  stopTokenIds = null;
  patchLab(noTextLab());
}

/** Scores the text and the continuation, then fetches the shown position's logits. */
export async function refreshAnalysis(): Promise<boolean> {
  const { model, text } = get();
  if (!model) return false;
  // Whatever asks (a typed text, a model load, a restart), a text over the byte limit is not even tokenized.
  if (bytesProblem(LIMITS.nextTokenLab, utf8Length(text))) {
    refuseText();
    return false;
  }
  // A run now supersedes a scheduled one (after a model load, restoreLab runs it at once).
  if (analysisTimer) clearTimeout(analysisTimer);
  analysisController?.abort();
  const controller = new AbortController();
  analysisController = controller;
  const client = engineClient();
  patchLab({ status: 'running', error: null, progress: null });
  try {
    if (text !== tokenizedText) {
      const { ids, tokens } = await client.call('tokenize', { text }, { signal: controller.signal });
      if (analysisController !== controller) return false;
      const sameTokens =
        ids.length === get().nextToken.textIds.length && ids.every((id, i) => id === get().nextToken.textIds[i]);
      tokenizedText = text;
      // A different prompt starts a new tree of continuations, unless an experiment brings its own.
      patchLab(
        sameTokens
          ? { textTokens: tokens }
          : {
              textIds: ids,
              textTokens: tokens,
              tree: emptyTree(),
              continuationTokens: [],
              selected: null,
              cautiousSteps: [],
            },
      );
      if (pendingRestore && pendingRestore.text === text) {
        patchLab({ tree: pendingRestore.tree, selected: pendingRestore.selected });
        pendingRestore = null;
      }
    }
    const lab = get().nextToken;
    const continuation = pathTokens(lab.tree);
    // Views already on screen are kept; only tokens after the common prefix are asked for (one per generated step).
    let known = 0;
    while (
      known < continuation.length &&
      known < lab.continuationTokens.length &&
      lab.continuationTokens[known].id === continuation[known]
    )
      known++;
    const ids = [...lab.textIds, ...continuation];
    const selected = lab.selected !== null && lab.selected <= ids.length ? lab.selected : null;
    const rowPosition = selected ?? ids.length;
    // The new tokens' views and the analysis asked at once, and the shown position's row comes
    // with the analysis: one round trip and one render where there were three.
    const [fresh, { row, ...analysis }] = await Promise.all([
      known < continuation.length
        ? client.call('tokenViews', { ids: continuation.slice(known) }, { signal: controller.signal })
        : [],
      client.call(
        'analyze',
        { ids, rowPosition },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            if (analysisController === controller) patchLab({ progress });
          },
        },
      ),
    ]);
    const continuationTokens = [...lab.continuationTokens.slice(0, known), ...fresh];
    if (analysisController !== controller) return false;
    if (!row) throw new Error('The analysis came back without the row it was asked for.');
    rowController?.abort(); // a row asked for earlier must not replace this one
    patchLab({
      status: 'ready',
      analysis,
      analysedIds: ids,
      continuationTokens,
      progress: null,
      selected,
      row: { position: rowPosition, logits: row.logits, contextTokens: row.contextTokens },
    });
    return true;
  } catch (error) {
    if (analysisController !== controller) return false;
    if (isQuietError(error)) {
      patchLab({ status: 'idle', progress: null });
      return false;
    }
    patchLab({ status: 'error', error: messageOf(error), progress: null });
    return false;
  } finally {
    if (analysisController === controller) analysisController = null;
  }
}

/** Puts a saved lab back: the text, then (once it is tokenized) its tree of continuations and the selected position. */
export function restoreLab(text: string, tree: BranchTree, selected: number | null): Promise<boolean> {
  pendingRestore = { text, tree, selected };
  tokenizedText = null;
  set({ text });
  storeText(text);
  return refreshAnalysis();
}

/** Stops scoring a long text. */
export function cancelAnalysis(): void {
  analysisController?.abort();
}

/** The logits at the shown position (from the worker's kept rows: no model run for an analysed text). */
async function loadRow(): Promise<void> {
  const lab = get().nextToken;
  const position = lab.selected ?? lab.analysedIds.length;
  rowController?.abort();
  const controller = new AbortController();
  rowController = controller;
  try {
    const row = await engineClient().call('row', { ids: lab.analysedIds, position }, { signal: controller.signal });
    if (rowController !== controller) return;
    patchLab({ row: { position, logits: row.logits, contextTokens: row.contextTokens } });
  } catch (error) {
    if (rowController !== controller || isQuietError(error)) return;
    patchLab({ status: 'error', error: messageOf(error) });
  } finally {
    if (rowController === controller) rowController = null;
  }
}

/** Shows the distribution at a position (null: after the end of the text). */
export function selectPosition(position: number | null): void {
  const end = get().nextToken.analysedIds.length;
  const next = position === null || position >= end ? null : Math.max(0, position);
  patchLab({ selected: next });
  void loadRow();
}

/** The tree node whose continuation ends at `position` (a position inside the continuation or its end). */
function nodeAtPosition(lab: NextTokenLabState, position: number): number | null {
  const depth = position - lab.textIds.length;
  if (depth < 0) return null;
  let nodeId = lab.tree.currentId;
  let nodeDepth = pathTokens(lab.tree).length;
  while (nodeDepth > depth) {
    nodeId = lab.tree.nodes[nodeId].parentId!;
    nodeDepth--;
  }
  return nodeId;
}

/** Whether candidates at the shown position can be appended (at the end, or inside the continuation). */
export function canAppendAt(lab: NextTokenLabState): boolean {
  return lab.row !== null && lab.row.position >= lab.textIds.length;
}

/**
 * Appends a token at the shown position: at the end it extends the continuation; inside the
 * continuation it branches there. The model's probability is stored on the tree's edge.
 */
export async function appendToken(
  tokenId: number,
  how: StepKind,
  sampledProbability: number | null = null,
  seed: number | null = null,
): Promise<boolean> {
  const lab = get().nextToken;
  if (!lab.row || !canAppendAt(lab)) return false;
  const parentId = nodeAtPosition(lab, lab.row.position);
  if (parentId === null) return false;
  const probability = probabilityOf(lab.row.logits, tokenId);
  const tree: BranchTree = appendStep(moveTo(lab.tree, parentId), {
    tokenId,
    probability,
    sampledProbability,
    how,
    seed,
  });
  patchLab({ tree, selected: null });
  return refreshAnalysis();
}

/** One greedy or seeded-sample step at the shown position (the seed stream of that position). */
export async function stepOnce(mode: NextTokenMode): Promise<boolean> {
  const { nextToken: lab, settings } = get();
  if (!lab.row || !canAppendAt(lab)) return false;
  const depth = lab.row.position - lab.textIds.length;
  const seed = positionSeed(settings.seed, depth);
  const { tokenId, pipeline } = sampleNext(lab.row.logits, samplingSettingsOf(settings), seed, mode);
  return appendToken(tokenId, mode, pipeline.probabilities[tokenId], mode === 'sample' ? seed : null);
}

/**
 * Generates up to `count` tokens from the end, one step at a time (cautious steps may add
 * several), until stopped. Never rejects (the buttons call it without waiting): a failed step
 * ends the generation with the lab's error shown.
 */
export async function generate(count: number, mode: NextTokenMode): Promise<number> {
  if (get().nextToken.generation) return 0;
  stopRequested = false;
  patchLab({
    generation: { done: 0, total: count },
    selected: null,
    ...(get().settings.cautious ? { cautiousSteps: [] } : {}),
  });
  let done = 0;
  try {
    if (get().nextToken.row?.position !== get().nextToken.analysedIds.length) await loadRow();
    while (done < count && !stopRequested) {
      const added = get().settings.cautious ? await stepCautiously(count - done) : (await stepOnce(mode)) ? 1 : 0;
      if (added === 0) break;
      done += added;
      patchLab({ generation: { done: Math.min(done, count), total: count } });
    }
  } catch (error) {
    if (!isQuietError(error)) patchLab({ status: 'error', error: messageOf(error) });
  } finally {
    patchLab({ generation: null });
  }
  return done;
}

/**
 * One CNTP step at the end: N(H) trials to punctuation on the worker's KV-cached steps, the
 * lowest-perplexity trial appended (each token a 'cautious' edge of the tree), cut to
 * `maxTokens` so "Generate N" ends at N (the trials and the choice are CNTP's, whole).
 * Returns the number of tokens appended.
 */
async function stepCautiously(maxTokens: number): Promise<number> {
  const { nextToken: lab, settings } = get();
  if (!lab.analysis || !lab.row || lab.row.position !== lab.analysedIds.length) return 0;
  const client = engineClient();
  stopTokenIds ??= await loadStopTokenIds();
  const start = lab.analysis.startTokenId;
  const depth = lab.analysedIds.length - lab.textIds.length;
  const seed = positionSeed(settings.seed, depth);
  const result = await cautiousStep({
    nextLogits: async (ids) => (await client.call('step', { ids: [start, ...ids] })).logits,
    context: lab.analysedIds,
    sampling: samplingSettingsOf(settings),
    stopTokenIds,
    seed,
    shouldStop: () => stopRequested,
  });
  // Stopped during the trials: the step is dropped whole (a cut trial is not a CNTP choice).
  if (result.stopped) return 0;
  let tree = get().nextToken.tree;
  const appendedCount = Math.min(result.appended.tokenIds.length, maxTokens);
  result.appended.tokenIds.slice(0, appendedCount).forEach((tokenId, i) => {
    tree = appendStep(tree, {
      tokenId,
      probability: Math.exp(result.appended.rawLogProbs[i]),
      sampledProbability: Math.exp(result.appended.logProbs[i]),
      how: 'cautious',
      seed: i === 0 ? seed : null,
    });
  });
  patchLab((current) => ({
    tree,
    selected: null,
    cautiousSteps: [...current.cautiousSteps, { depth, result, appendedCount }],
  }));
  return (await refreshAnalysis()) ? appendedCount : 0;
}

async function loadStopTokenIds(): Promise<Set<number>> {
  const client = engineClient();
  const encoded = new Map<string, number[]>();
  for (const text of CNTP_STOP_TEXTS) encoded.set(text, (await client.call('tokenize', { text })).ids);
  return cautiousStopTokenIds((text) => encoded.get(text) ?? []);
}

export function stopGeneration(): void {
  stopRequested = true;
}

/** Walks to a node of the branch tree: its continuation is scored and shown. */
export function showBranch(nodeId: number): void {
  patchLab((lab) => ({ tree: moveTo(lab.tree, nodeId), selected: null }));
  void refreshAnalysis();
}

/** The raw UTF-8 bytes of the continuation become part of the text; the tree starts again. */
export function continuationAsText(lab: NextTokenLabState): string {
  const hex = lab.continuationTokens.map((t) => t.bytesHex).join('');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return lenientUtf8Decoder.decode(bytes);
}

function probabilityOf(logits: Float32Array, tokenId: number): number {
  return Math.exp(logits[tokenId] - logSumExp(logits));
}

function isQuietError(error: unknown): boolean {
  return (error instanceof EngineCallError && error.code === 'cancelled') || error instanceof WorkerRestartedError;
}
