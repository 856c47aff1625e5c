/**
 * The offline app on the page's side: registers /sw.js (production build only, where the
 * browser has service workers), follows its life (installing → ready; a new version waiting →
 * update ready), asks it to cache the files the loaded model needed, and keeps what its caches
 * hold for the header's badge (src/app/OfflineBadge.tsx). The worker: src/serviceWorker/sw.ts.
 */
import { create } from 'zustand';
import { summarizeCache, type CacheSummary } from '../core/offline/cacheSummary';
import { filesInUse } from '../core/offline/filesInUse';
import {
  FILES_CACHED_MESSAGE,
  type OfflineCacheResult,
  type OfflineContents,
  type OfflineRequest,
} from '../core/offline/messages';
import { messageOf } from '../core/messageOf';
import type { ModelInfo } from '../protocol/model';
import { useSession } from './sessionStore';

export type OfflineStatus = 'unsupported' | 'installing' | 'ready' | 'update-ready' | 'error';

export interface OfflineState {
  status: OfflineStatus;
  /** Why the offline copy failed, as a sentence. */
  error: string | null;
  /** The version the page runs on (null until the worker answers). */
  version: string | null;
  /** The shell and the files cached so far. */
  summary: CacheSummary | null;
}

export const useOfflineApp = create<OfflineState>(() => ({
  status: 'unsupported',
  error: null,
  version: null,
  summary: null,
}));

/** How long the worker may take to answer a message before the page stops waiting. */
const ANSWER_TIMEOUT_MS = 60_000;
/** Files arrive one after another while a model loads: one summary for the lot. */
const SUMMARY_DELAY_MS = 300;

let waiting: ServiceWorker | null = null;

/** Registers the worker and follows it; call once, after the first render. */
export async function startOfflineApp(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const container = navigator.serviceWorker;
  const controlledAtStart = container.controller !== null;
  useOfflineApp.setState({ status: controlledAtStart ? 'ready' : 'installing' });
  container.addEventListener('controllerchange', () => {
    // The first install takes the page (nothing to mix). A newer version taking over a page of the
    // older one (its "reload" chosen here or in another tab) reloads, so no page runs half of each.
    if (controlledAtStart || waiting !== null) location.reload();
    else void whenControlled();
  });
  container.addEventListener('message', (event) => {
    if (event.data === FILES_CACHED_MESSAGE) scheduleSummary();
  });
  let registration: ServiceWorkerRegistration | undefined;
  try {
    registration = await container.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
  } catch (error) {
    // Offline, an existing registration still controls the page; only a first install fails here.
    if (!controlledAtStart) return fail(`the offline copy could not be set up: ${messageOf(error)}`);
  }
  // A test harness that blocks service workers answers register() with nothing.
  if (!registration && !controlledAtStart) return useOfflineApp.setState({ status: 'unsupported' });
  if (registration) followUpdates(registration, controlledAtStart);
  if (controlledAtStart) void whenControlled();
}

/** Lets the waiting version take over; every page of the old one reloads on `controllerchange`. */
export function applyUpdate(): void {
  waiting?.postMessage({ type: 'skip-waiting' } satisfies OfflineRequest);
}

function followUpdates(registration: ServiceWorkerRegistration, controlledAtStart: boolean): void {
  const showWaiting = () => {
    if (registration.waiting && navigator.serviceWorker.controller) {
      waiting = registration.waiting;
      useOfflineApp.setState({ status: 'update-ready' });
    }
  };
  showWaiting();
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') showWaiting();
      // A failed update leaves the running version as it was; a failed first install is an error.
      if (installing.state === 'redundant' && !controlledAtStart && !navigator.serviceWorker.controller) {
        fail('the offline copy could not be saved (a file of the app failed to download)');
      }
    });
  });
}

function fail(reason: string): void {
  useOfflineApp.setState({ status: 'error', error: reason });
}

/**
 * Once the worker controls the page: the files the loaded model needed are cached (on the first
 * visit they were fetched before the worker took over), then the copy is ready; later models are
 * cached as they load, through the worker.
 */
async function whenControlled(): Promise<void> {
  const model = await firstModelOrNone();
  if (model) await cacheModelFiles(model);
  await refreshSummary();
  if (useOfflineApp.getState().status === 'installing') useOfflineApp.setState({ status: 'ready' });
  useSession.subscribe((state, previous) => {
    if (state.model && state.model !== previous.model) void cacheModelFiles(state.model);
  });
}

/** The loaded model, or null once loading failed or the engine stopped. */
function firstModelOrNone(): Promise<ModelInfo | null> {
  const settled = (s: ReturnType<typeof useSession.getState>) =>
    s.model !== null || s.load.status === 'error' || s.workerHealth === 'failed';
  return new Promise((resolve) => {
    if (settled(useSession.getState())) return resolve(useSession.getState().model);
    const stop = useSession.subscribe((state) => {
      if (!settled(state)) return;
      stop();
      resolve(state.model);
    });
  });
}

async function cacheModelFiles(model: ModelInfo): Promise<void> {
  const paths = filesInUse({
    embeddedId: model.source.kind === 'embedded' ? model.source.id : null,
    files: model.files,
    backend: model.backend,
  });
  try {
    const result = await ask<OfflineCacheResult>({ type: 'cache-paths', paths });
    if (result.failed.length > 0) console.warn(`Not cached for offline use: ${result.failed.join(', ')}`);
  } catch (error) {
    console.warn(`Caching the model for offline use failed: ${messageOf(error)}`);
  }
}

let summaryTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleSummary(): void {
  clearTimeout(summaryTimer);
  summaryTimer = setTimeout(() => void refreshSummary(), SUMMARY_DELAY_MS);
}

/** Asks the controlling worker what its caches hold. */
export async function refreshSummary(): Promise<void> {
  try {
    const contents = await ask<OfflineContents>({ type: 'contents' });
    useOfflineApp.setState({
      version: contents.version,
      summary: summarizeCache([...contents.shell, ...contents.files]),
    });
  } catch (error) {
    console.warn(`Reading the offline copy failed: ${messageOf(error)}`);
  }
}

/** One request to the controlling worker, answered on a port of its own. */
function ask<T>(request: OfflineRequest): Promise<T> {
  const worker = navigator.serviceWorker.controller;
  if (!worker) return Promise.reject(new Error('no service worker controls this page'));
  return new Promise<T>((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => reject(new Error('the service worker did not answer')), ANSWER_TIMEOUT_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data as T);
    };
    worker.postMessage(request, [channel.port2]);
  });
}
