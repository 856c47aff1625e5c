/**
 * The presenter's keys on the whole page while presenter mode is on: a clicker's PageDown /
 * PageUp (and the arrows, Space, N, P) step the lab and walk the views. A key that the focused
 * element uses itself (typing, a select, Space on a button, arrows in the chips or the bars)
 * is left to it.
 */
import { useEffect } from 'react';
import { presenterActionOf, runPresenterAction } from '../../state/presenterSteps';

/**
 * Elements that use every key they get: text fields, selects, editable content. Widgets that use
 * only some keys (the chips' and the bars' arrows) mark those as handled (defaultPrevented), so a
 * clicker's PageDown still steps after a chip was clicked.
 */
const USES_EVERY_KEY = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';
/** Elements that use Space and Enter (they are pressed with them). */
const PRESSED_WITH_SPACE = 'button, [role="button"], a[href], summary';

export function keyBelongsToTarget(key: string, target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest(USES_EVERY_KEY)) return true;
  return (key === ' ' || key === 'Enter') && target.closest(PRESSED_WITH_SPACE) !== null;
}

export function usePresenterKeys(presenting: boolean): void {
  useEffect(() => {
    if (!presenting) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      const action = presenterActionOf(event);
      if (!action || keyBelongsToTarget(event.key, event.target)) return;
      // Consumed even when the lab cannot step now: the page must not scroll instead.
      runPresenterAction(action);
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [presenting]);
}
