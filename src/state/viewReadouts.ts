/**
 * What the views that keep their results to themselves (bigram, the bias lens, the key-space
 * neighbours) have on screen, as fingerprint text: a demo script waits for it after a step and
 * compares it between replays. A view publishes only a finished result, with the input it is
 * of, and withdraws it when it unmounts, so a waiting step never reads an older screen.
 */
import { create } from 'zustand';

export type ReadoutName = 'bigram' | 'biasLens' | 'neighbours';

export interface ViewReadout {
  /** What the result is of (the text, the prompt, the token id), as the step expects it. */
  input: string;
  status: 'ready' | 'error';
  /** The fingerprint text, or the error's message. */
  text: string;
}

export const useViewReadouts = create<Partial<Record<ReadoutName, ViewReadout>>>(() => ({}));

export function publishViewReadout(name: ReadoutName, readout: ViewReadout | null): void {
  useViewReadouts.setState({ [name]: readout ?? undefined });
}
