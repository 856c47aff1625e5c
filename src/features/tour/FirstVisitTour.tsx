/**
 * The first-visit tour: a small card beside one element of the next-token lab at a time
 * (tokens, the distribution, temperature, the other views, models). Not modal: no overlay,
 * the app stays usable around it; while its element is not on screen (another view) it waits
 * in the window's corner. It starts by itself once, after the first distribution is drawn;
 * the header's Tour button (TourButton) opens it again.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { currentRow } from '../../state/nextTokenActions';
import { useSession } from '../../state/sessionStore';
import { useView } from '../../state/viewStore';
import { closeTour, markTourSeen, moveTour, openTour, readTourStored, useTour } from './tourStore';
import {
  placeCard,
  shouldAutoStartTour,
  tourSeen,
  TOUR_STEPS,
  VIEWPORT_MARGIN,
  type Rect,
  type Side,
  type TourStep,
} from './tourSteps';
import './tour.css';

export function FirstVisitTour() {
  const open = useTour((s) => s.open);
  const step = useTour((s) => s.step);
  const labOnScreen = useView((s) => s.view === 'lab');
  // Read once: after the tour has started, the selector below stops looking at the lab.
  const [seenAtLoad] = useState(() => tourSeen(readTourStored()));
  const distributionShown = useSession(
    (s) => !seenAtLoad && s.model !== null && s.nextToken.status === 'ready' && currentRow(s.nextToken) !== null,
  );
  const startedThisPage = useRef(false);
  useEffect(() => {
    if (open) startedThisPage.current = true;
    const stored = readTourStored();
    if (shouldAutoStartTour({ stored, labOnScreen, distributionShown, startedThisPage: startedThisPage.current })) {
      startedThisPage.current = true;
      markTourSeen();
      openTour();
    }
  }, [labOnScreen, distributionShown, open]);
  return open ? <TourCard stepIndex={step} /> : null;
}

/** Where the card goes, and the element's box (null: not on screen, the card waits in the corner). */
interface Layout {
  target: Rect | null;
  left: number;
  top: number;
  side: Side | 'corner';
}

/** The card at one step (exported for its markup test). */
export function TourCard({ stepIndex }: { stepIndex: number }) {
  const step = TOUR_STEPS[stepIndex];
  const last = stepIndex === TOUR_STEPS.length - 1;
  const view = useView((s) => s.view);
  const cardRef = useRef<HTMLDivElement>(null);
  // null until measured: the first render is off screen.
  const [layout, setLayout] = useState<Layout | null>(null);
  const countId = useId();
  const titleId = useId();
  const bodyId = useId();

  // Placed again whenever the page moves under it: scrolling, resizing, content loading, another view.
  useLayoutEffect(() => {
    const element = findTarget(step);
    if (element && !fullyVisible(element.getBoundingClientRect())) element.scrollIntoView({ block: 'center' });
    const place = () => setLayout((previous) => sameLayout(previous, measure(step, cardRef.current)));
    place();
    let frame = 0;
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(place);
    };
    const resizes = new ResizeObserver(schedule);
    resizes.observe(document.body);
    if (element) resizes.observe(element);
    window.addEventListener('scroll', schedule, { capture: true, passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      cancelAnimationFrame(frame);
      resizes.disconnect();
      window.removeEventListener('scroll', schedule, { capture: true });
      window.removeEventListener('resize', schedule);
    };
  }, [step, view]);

  // Focus moves to the card when it first shows (not out of a text box being typed in), and
  // goes back where it was when the tour closes.
  const placed = layout !== null;
  const focusedOnce = useRef(false);
  const returnFocusTo = useRef<Element | null>(null);
  useEffect(() => {
    if (!placed || focusedOnce.current) return;
    focusedOnce.current = true;
    if (typingIn(document.activeElement)) return;
    returnFocusTo.current = document.activeElement;
    cardRef.current?.focus({ preventScroll: true });
  }, [placed]);
  useEffect(
    () => () => {
      const back = returnFocusTo.current;
      const focusLost = document.activeElement === null || document.activeElement === document.body;
      if (focusLost && back instanceof HTMLElement && back.isConnected) back.focus({ preventScroll: true });
    },
    [],
  );
  // Back is disabled on the first step: the focus it held stays in the card.
  useEffect(() => {
    const active = document.activeElement;
    if (returnFocusTo.current !== null && (active === null || active === document.body))
      cardRef.current?.focus({ preventScroll: true });
  }, [stepIndex]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    closeTour();
  };
  return (
    <>
      {layout?.target && (
        <div
          className="tour__highlight"
          aria-hidden="true"
          data-testid="tour.highlight"
          style={{
            left: layout.target.left - 4,
            top: layout.target.top - 4,
            width: layout.target.width + 8,
            height: layout.target.height + 8,
          }}
        />
      )}
      <div
        ref={cardRef}
        className="tour"
        role="dialog"
        aria-modal="false"
        aria-labelledby={`${countId} ${titleId}`}
        aria-describedby={bodyId}
        tabIndex={-1}
        data-testid="tour"
        data-step={step.id}
        data-side={layout?.side ?? ''}
        style={layout ? { left: layout.left, top: layout.top } : { left: -10_000, top: 0 }}
        onKeyDown={onKeyDown}
      >
        <p className="tour__count" id={countId}>
          Tour · step {stepIndex + 1} of {TOUR_STEPS.length}
        </p>
        <h2 className="tour__title" id={titleId}>
          {step.title}
        </h2>
        <p className="tour__body" id={bodyId}>
          {step.body}
        </p>
        <div className="tour__buttons">
          <button type="button" className="tour__skip" data-testid="tour.skip" onClick={closeTour}>
            Skip tour
          </button>
          <button type="button" data-testid="tour.back" disabled={stepIndex === 0} onClick={() => moveTour(-1)}>
            Back
          </button>
          <button type="button" data-testid="tour.next" onClick={() => moveTour(1)}>
            {last ? 'Done' : 'Next'}
          </button>
        </div>
      </div>
    </>
  );
}

/** The step's first element that is laid out (a hidden one has no box), or null. */
function findTarget(step: TourStep): Element | null {
  for (const selector of step.targets) {
    const element = document.querySelector(selector);
    if (element && element.getClientRects().length > 0) return element;
  }
  return null;
}

function measure(step: TourStep, card: HTMLElement | null): Layout | null {
  if (!card) return null;
  const viewport = { width: window.innerWidth, height: window.innerHeight };
  const size = { width: card.offsetWidth, height: card.offsetHeight };
  const element = findTarget(step);
  if (!element) {
    const left = viewport.width - VIEWPORT_MARGIN - size.width;
    const top = viewport.height - VIEWPORT_MARGIN - size.height;
    return { target: null, left, top, side: 'corner' };
  }
  const { left, top, width, height } = element.getBoundingClientRect();
  const target = { left, top, width, height };
  const placement = placeCard(target, size, viewport, step.sides);
  return { target, left: placement.left, top: placement.top, side: placement.side };
}

function fullyVisible(rect: DOMRect): boolean {
  return rect.top >= 0 && rect.left >= 0 && rect.bottom <= window.innerHeight && rect.right <= window.innerWidth;
}

function typingIn(element: Element | null): boolean {
  return (
    element instanceof HTMLTextAreaElement ||
    (element instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range'].includes(element.type)) ||
    (element instanceof HTMLElement && element.isContentEditable)
  );
}

/** Keeps the previous object when nothing moved, so a scroll that changes nothing does not re-render. */
function sameLayout(previous: Layout | null, next: Layout | null): Layout | null {
  return JSON.stringify(previous) === JSON.stringify(next) ? previous : next;
}
