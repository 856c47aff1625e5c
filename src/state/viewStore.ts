/**
 * Which main view is on screen. A store rather than App's local state because more than the
 * header switches views: the key-space links, a demo script's "open view" step, the presenter's
 * keyboard stepping.
 */
import { create } from 'zustand';

/** The main views; each lives in src/features/<view>/. */
export type View = 'lab' | 'tokenizers' | 'experiments' | 'keyspace' | 'bigram' | 'corpus' | 'batch';

/** In the order the header lists them (and the presenter's "next view" walks them). */
export const VIEWS: readonly { view: View; label: string }[] = [
  { view: 'lab', label: 'Next token' },
  { view: 'tokenizers', label: 'Tokenizers' },
  { view: 'keyspace', label: 'Key space' },
  { view: 'bigram', label: 'Bigram & layers' },
  { view: 'corpus', label: 'Corpus' },
  { view: 'batch', label: 'Batch' },
  { view: 'experiments', label: 'Experiments' },
];

export const VIEW_IDS: readonly View[] = VIEWS.map((v) => v.view);

interface ViewState {
  view: View;
}

export const useView = create<ViewState>(() => ({ view: 'lab' }));

export function showView(view: View): void {
  useView.setState({ view });
}

/** The view `offset` places after the current one in the header's order, wrapping around. */
export function viewAfter(view: View, offset: number): View {
  const at = VIEW_IDS.indexOf(view);
  const count = VIEW_IDS.length;
  return VIEW_IDS[(((at + offset) % count) + count) % count];
}

export function showNextView(offset = 1): void {
  showView(viewAfter(useView.getState().view, offset));
}
