/**
 * Share links: one for the lab on screen, and opening one from the page's URL. A link that
 * cannot open by itself waits for the user (`useShareLink().pending`): its Hub model is on
 * another host than the user's (Load asks first: a link alone never makes the page fetch from
 * a host the user did not choose), the page's Content-Security-Policy refuses that host (it
 * cannot load at all), or its model was a folder from disk, which a link cannot carry (it
 * opens when the user opens a folder of that name).
 */
import { create } from 'zustand';
import { connectRefusal } from './connectPolicy';
import { decodeShareLink, encodeShareLink, type ShareInputs } from '../core/experiments/shareLink';
import { emptyTree } from '../core/lab/branchTree';
import { DEFAULT_HUB_URL, withTrailingSlash } from '../protocol/modelSources';
import { useExperiments } from './experimentsStore';
import { currentModel } from './experimentSaveActions';
import { applySavedSettings, ensureModel, hostOf } from './experimentOpenActions';
import { restoreLab, samplingSettingsOf } from './nextTokenActions';
import { labContents, offerPutBack } from './labReplacement';
import { useSession } from './sessionStore';

export type PendingLink =
  | { kind: 'host'; inputs: ShareInputs; host: string; yourHost: string; refusal: string | null }
  | { kind: 'folder'; inputs: ShareInputs; folderName: string };

export const useShareLink = create<{ pending: PendingLink | null }>(() => ({ pending: null }));

function notify(notice: { kind: 'info' | 'error'; text: string }): void {
  useExperiments.setState({ notice });
}

/** A link that reproduces the lab's inputs (model, text, settings, seed) on another machine. */
export function currentShareLink(): { ok: true; url: string } | { ok: false; error: string } {
  const { text, settings, nextToken: lab, model: loaded } = useSession.getState();
  // File hashes stay in saved records: a link carries inputs only, and text needs the room.
  const model = currentModel([]);
  if (!model || !loaded) return { ok: false, error: 'Load a model first.' };
  // Only a host other than the default goes into the link: most links stay as they were.
  const hubHost =
    loaded.source.kind === 'hub' && hostOf(loaded.source) !== DEFAULT_HUB_URL ? hostOf(loaded.source) : undefined;
  const encoded = encodeShareLink({
    model,
    ...(hubHost ? { hubHost } : {}),
    text,
    settings: {
      ...samplingSettingsOf(settings),
      seed: settings.seed,
      colourMetric: settings.colourMetric,
      view: 'text',
      selectedPosition: lab.selected,
    },
  });
  if (!encoded.ok) return { ok: false, error: `No link: ${encoded.errors.join('; ')}` };
  return { ok: true, url: `${location.origin}${location.pathname}#share=${encoded.value}` };
}

/**
 * Opens the inputs of a share link in the URL (at start-up, after the default model loaded,
 * and when a link is pasted into the tab's address bar). False when nothing was opened, a
 * link that waits for the user included.
 */
export async function applyShareLinkFromLocation(): Promise<boolean> {
  const match = /(?:^#|&)share=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!match) return false;
  const decoded = decodeShareLink(match[1]);
  if (!decoded.ok) {
    notify({ kind: 'error', text: `The share link cannot be opened: ${decoded.errors.join('; ')}` });
    return false;
  }
  dismissPendingLink(); // a link opened later replaces one still waiting
  const inputs = decoded.value;
  const { source } = inputs.model;
  if (source.kind === 'folder') {
    useShareLink.setState({ pending: { kind: 'folder', inputs, folderName: source.folderName } });
    openWhenFolderLoads(source.folderName, inputs);
    return false;
  }
  if (source.kind === 'hub') {
    const host = withTrailingSlash(inputs.hubHost ?? DEFAULT_HUB_URL);
    const yourHost = withTrailingSlash(useSession.getState().settings.hubUrl);
    const refusal = await connectRefusal(host);
    if (refusal || host !== yourHost) {
      useShareLink.setState({ pending: { kind: 'host', inputs, host, yourHost, refusal } });
      return false;
    }
    return openSharedInputs(inputs, host);
  }
  return openSharedInputs(inputs);
}

async function openSharedInputs({ model, text, settings }: ShareInputs, hubHost?: string): Promise<boolean> {
  const before = labContents();
  if (!(await ensureModel(model, hubHost))) return false;
  applySavedSettings(settings);
  await restoreLab(text, emptyTree(), settings.selectedPosition);
  offerPutBack(before, 'a share link');
  useShareLink.setState({ pending: null });
  const from = hubHost && hubHost !== DEFAULT_HUB_URL ? ` (model from ${hubHost})` : '';
  notify({ kind: 'info', text: `Opened the shared analysis: same model, text, settings and seed${from}.` });
  return true;
}

/** The user agreed to load a waiting link's model from the host it names (never one the page's policy refuses). */
export async function loadPendingLink(): Promise<boolean> {
  const pending = useShareLink.getState().pending;
  if (pending?.kind !== 'host' || pending.refusal) return false;
  return openSharedInputs(pending.inputs, pending.host);
}

let stopWaitingForFolder: (() => void) | null = null;

export function dismissPendingLink(): void {
  stopWaitingForFolder?.();
  stopWaitingForFolder = null;
  useShareLink.setState({ pending: null });
}

/**
 * A folder link opens once the user opens a folder of that name, after the load is complete
 * (the vocabulary arrives last), as an opened experiment does after its model loaded.
 */
function openWhenFolderLoads(folderName: string, inputs: ShareInputs): void {
  stopWaitingForFolder = useSession.subscribe((state) => {
    const source = state.model?.source;
    if (source?.kind !== 'folder' || source.name !== folderName || state.vocabulary === null) return;
    stopWaitingForFolder?.();
    stopWaitingForFolder = null;
    void openSharedInputs(inputs);
  });
}
