/**
 * Whether the tour card is open and at which step. A store because two places use it: the
 * card (FirstVisitTour) and the header's Tour button, which reopens it.
 */
import { create } from 'zustand';
import { showView } from '../../state/viewStore';
import { TOUR_DONE, TOUR_STEPS, TOUR_STORAGE_KEY } from './tourSteps';

interface TourState {
  open: boolean;
  step: number;
}

export const useTour = create<TourState>(() => ({ open: false, step: 0 }));

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Storage disabled (a privacy setting): the tour then starts on every visit (once per page).
    return null;
  }
}

export function readTourStored(): string | null {
  return storage()?.getItem(TOUR_STORAGE_KEY) ?? null;
}

/** Remembered as soon as the tour starts by itself: a visitor who ignores the card is not shown it again. */
export function markTourSeen(): void {
  try {
    storage()?.setItem(TOUR_STORAGE_KEY, TOUR_DONE);
  } catch {
    // Full or refused: nothing else depends on it.
  }
}

/** Opens the tour at its first step, on the lab, where its steps point. */
export function openTour(): void {
  showView('lab');
  useTour.setState({ open: true, step: 0 });
}

export function closeTour(): void {
  useTour.setState({ open: false, step: 0 });
}

/** Moves by `offset` steps; past the last step the tour closes. */
export function moveTour(offset: number): void {
  const next = useTour.getState().step + offset;
  if (next >= TOUR_STEPS.length) closeTour();
  else useTour.setState({ step: Math.max(0, next) });
}
