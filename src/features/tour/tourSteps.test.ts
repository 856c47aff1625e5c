import { describe, expect, it } from 'vitest';
import {
  CARD_GAP,
  overlaps,
  placeCard,
  shouldAutoStartTour,
  TOUR_DONE,
  TOUR_STEPS,
  tourSeen,
  VIEWPORT_MARGIN,
  type Rect,
  type Side,
} from './tourSteps';

describe('the tour steps', () => {
  it('are four or five, each with its own id, words and element', () => {
    expect(TOUR_STEPS.length).toBeGreaterThanOrEqual(4);
    expect(TOUR_STEPS.length).toBeLessThanOrEqual(5);
    expect(new Set(TOUR_STEPS.map((s) => s.id)).size).toBe(TOUR_STEPS.length);
    const targets = TOUR_STEPS.flatMap((s) => s.targets);
    expect(new Set(targets).size).toBe(targets.length);
    for (const step of TOUR_STEPS) {
      expect(step.title).toMatch(/^[A-Z]/);
      expect(step.body.length).toBeGreaterThan(40);
      expect(step.targets.length).toBeGreaterThan(0);
      for (const target of step.targets) expect(target).toMatch(/data-testid="[a-z.]+"/);
      expect(new Set(step.sides).size).toBe(step.sides.length);
    }
  });

  it('explain what a token, the distribution and temperature are, and where the views are', () => {
    expect(TOUR_STEPS.map((s) => s.id)).toEqual(
      expect.arrayContaining(['tokens', 'distribution', 'temperature', 'views']),
    );
  });
});

describe('shouldAutoStartTour', () => {
  const firstVisit = { stored: null, labOnScreen: true, distributionShown: true, startedThisPage: false };

  it('starts on a first visit once the lab shows its first distribution', () => {
    expect(shouldAutoStartTour(firstVisit)).toBe(true);
  });

  it('waits for the distribution and for the lab', () => {
    expect(shouldAutoStartTour({ ...firstVisit, distributionShown: false })).toBe(false);
    expect(shouldAutoStartTour({ ...firstVisit, labOnScreen: false })).toBe(false);
  });

  it('never starts again once seen, nor twice on one page', () => {
    expect(tourSeen(TOUR_DONE)).toBe(true);
    expect(shouldAutoStartTour({ ...firstVisit, stored: TOUR_DONE })).toBe(false);
    expect(shouldAutoStartTour({ ...firstVisit, startedThisPage: true })).toBe(false);
  });

  it('treats any other stored value as not seen (a later tour version writes its own key)', () => {
    expect(tourSeen('')).toBe(false);
    expect(shouldAutoStartTour({ ...firstVisit, stored: 'started' })).toBe(true);
  });
});

describe('placeCard', () => {
  const viewport = { width: 1280, height: 720 };
  const card = { width: 320, height: 180 };
  const inViewport = (p: { left: number; top: number }) =>
    p.left >= VIEWPORT_MARGIN &&
    p.top >= VIEWPORT_MARGIN &&
    p.left + card.width <= viewport.width - VIEWPORT_MARGIN &&
    p.top + card.height <= viewport.height - VIEWPORT_MARGIN;
  const cardRect = (p: { left: number; top: number }): Rect => ({ ...p, ...card });

  it('puts the card on the first side with room, beside the element and aligned with it', () => {
    const target = { left: 20, top: 100, width: 600, height: 300 };
    const placement = placeCard(target, card, viewport, ['right', 'below']);
    expect(placement).toEqual({ left: 620 + CARD_GAP, top: 100, side: 'right', fits: true });
  });

  it('skips a side without room', () => {
    const target = { left: 1000, top: 100, width: 260, height: 200 };
    const placement = placeCard(target, card, viewport, ['right', 'below', 'left']);
    expect(placement.side).toBe('below');
    expect(placement.top).toBe(300 + CARD_GAP);
    // Slid left so it stays on screen.
    expect(placement.left).toBe(viewport.width - VIEWPORT_MARGIN - card.width);
  });

  it('never covers the element nor leaves the window when a side fits', () => {
    const targets: Rect[] = [
      { left: 0, top: 0, width: 1280, height: 60 },
      { left: 900, top: 500, width: 300, height: 40 },
      { left: 40, top: 600, width: 200, height: 100 },
      { left: 500, top: 20, width: 100, height: 690 },
    ];
    const sides: Side[] = ['right', 'left', 'below', 'above'];
    for (const target of targets) {
      const placement = placeCard(target, card, viewport, sides);
      expect(placement.fits).toBe(true);
      expect(overlaps(cardRect(placement), target)).toBe(false);
      expect(inViewport(placement)).toBe(true);
    }
  });

  it('keeps the card on screen when no side has room', () => {
    const target = { left: 10, top: 10, width: 1260, height: 700 };
    const placement = placeCard(target, card, viewport, ['right', 'below']);
    expect(placement.fits).toBe(false);
    expect(inViewport(placement)).toBe(true);
  });
});

describe('overlaps', () => {
  it('counts shared area, not touching edges', () => {
    const a = { left: 0, top: 0, width: 10, height: 10 };
    expect(overlaps(a, { left: 5, top: 5, width: 10, height: 10 })).toBe(true);
    expect(overlaps(a, { left: 10, top: 0, width: 10, height: 10 })).toBe(false);
    expect(overlaps(a, { left: 0, top: 11, width: 10, height: 10 })).toBe(false);
  });
});
