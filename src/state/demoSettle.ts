/**
 * When a played step is done, and what it left on screen: the lab's analysis and shown row
 * current, and the open view's own result (bigram, bias lens, key-space neighbours) published
 * for the input the step asked for. The fingerprint is read only then.
 */
import { labFingerprint } from '../core/demoScripts';
import { useBiasLens } from './biasLensStore';
import { useKeySpace } from './keySpaceStore';
import { analysisFreshness, labIds, samplingSettingsOf } from './nextTokenActions';
import { useSession } from './sessionStore';
import { useViewReadouts, type ReadoutName } from './viewReadouts';
import { useView } from './viewStore';

/** A step that has not settled by then has failed (the slowest, the bias lens, takes seconds). */
export const STEP_TIMEOUT_MS = 180_000;

export class DemoStopped extends Error {
  constructor() {
    super('Stopped.');
  }
}

/** The open view's readout the step waits for, and the input it must be of; null when the view has none. */
function expectedReadout(): { name: ReadoutName; input: string } | null {
  const { view } = useView.getState();
  const { text, model } = useSession.getState();
  if (view === 'bigram') return text.trim() ? { name: 'bigram', input: text } : null;
  if (view === 'tokenizers') return { name: 'biasLens', input: useBiasLens.getState().prompt };
  if (view === 'keyspace') {
    const { focusTokenId, focusModelKey } = useKeySpace.getState();
    if (focusTokenId === null || focusModelKey !== model?.key) return null;
    return { name: 'neighbours', input: String(focusTokenId) };
  }
  return null;
}

/** The fingerprint when everything on screen is settled; null while something is still working. Throws on an error shown. */
function settledFingerprint(): string | null {
  const { nextToken: lab, settings, load } = useSession.getState();
  if (load.status === 'loading') return null;
  if (lab.status === 'error') throw new Error(lab.error ?? 'The lab failed.');
  const position = lab.selected ?? lab.analysedIds.length;
  if (lab.status !== 'ready' || lab.generation || !analysisFreshness(lab).current) return null;
  if (!lab.row || lab.row.position !== position) return null;
  const labPart = labFingerprint({
    ids: labIds(lab),
    position,
    logits: lab.row.logits,
    sampling: samplingSettingsOf(settings),
  });
  const { view } = useView.getState();
  const expected = expectedReadout();
  if (!expected) return `${view} | ${labPart}`;
  const readout = useViewReadouts.getState()[expected.name];
  if (!readout || readout.input !== expected.input) return null;
  if (readout.status === 'error') throw new Error(readout.text);
  return `${view} | ${labPart} | ${readout.text}`;
}

/** Resolves with the fingerprint once the screen is settled; rejects on an error, a stop or the timeout. */
export function waitForSettled(signal: AbortSignal, timeoutMs = STEP_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const unsubscribes: (() => void)[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const finish = (outcome: () => void) => {
      unsubscribes.forEach((u) => u());
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => finish(() => reject(new DemoStopped()));
    const check = () => {
      try {
        const fingerprint = settledFingerprint();
        if (fingerprint !== null) finish(() => resolve(fingerprint));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    if (signal.aborted) return reject(new DemoStopped());
    signal.addEventListener('abort', onAbort);
    timer = setTimeout(
      () => finish(() => reject(new Error(`nothing settled within ${timeoutMs / 1000} s`))),
      timeoutMs,
    );
    for (const store of [useSession, useView, useViewReadouts, useBiasLens, useKeySpace])
      unsubscribes.push((store.subscribe as (listener: () => void) => () => void)(check));
    // A step may end in a state that is already settled (a setting changed, a view with nothing to wait for).
    queueMicrotask(check);
  });
}
