/** The header's Tour button: opens the first-visit tour again, on the next-token lab. */
import { openTour, useTour } from './tourStore';

export function TourButton() {
  const open = useTour((s) => s.open);
  return (
    <button
      type="button"
      data-testid="nav.tour"
      aria-pressed={open}
      title="A short tour of the next-token lab: tokens, the distribution, temperature, the other views"
      onClick={openTour}
    >
      Tour
    </button>
  );
}
