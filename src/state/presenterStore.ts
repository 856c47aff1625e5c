/**
 * Presenter mode: large type, a high-contrast palette and one view at a time, for showing the
 * lab on a projector. Switched by the header's toggle or by `?present=1` in the page URL (a
 * speaker's bookmark); not persisted, so a reload without the flag is the ordinary app.
 */
import { create } from 'zustand';

interface PresenterState {
  presenting: boolean;
}

/** Whether the page URL asks for presenter mode: `?present=1` (or `true`, or a bare `?present`). */
export function presentingFromQuery(search: string): boolean {
  const params = new URLSearchParams(search);
  if (!params.has('present')) return false;
  return ['', '1', 'true', 'yes', 'on'].includes(params.get('present')!.toLowerCase());
}

export const usePresenter = create<PresenterState>(() => ({
  presenting: typeof location === 'undefined' ? false : presentingFromQuery(location.search),
}));

export function setPresenting(presenting: boolean): void {
  usePresenter.setState({ presenting });
}

export function togglePresenting(): void {
  setPresenting(!usePresenter.getState().presenting);
}

/** Bars the distribution draws in presenter mode: at 24 px type more rows would not fit 720 px. */
export const PRESENTER_TOP_N = 8;
/** The distribution's rows and columns in presenter mode, for its 24 px type (the chart's own is 14 px). */
export const PRESENTER_BAR_SCALE = 1.6;
