/**
 * The card's markup (the server renderer: no layout, so the card is not placed yet; zustand
 * gives it the stores' initial state, closed). Placement, focus, opening and the first-visit
 * start run in the browser: e2e/first-visit.spec.ts.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { FirstVisitTour, TourCard } from './FirstVisitTour';
import { TourButton } from './TourButton';
import { closeTour } from './tourStore';
import { TOUR_STEPS } from './tourSteps';

const card = (stepIndex: number) => renderToStaticMarkup(createElement(TourCard, { stepIndex }));

describe('FirstVisitTour', () => {
  afterEach(closeTour);

  it('renders nothing while closed', () => {
    expect(renderToStaticMarkup(createElement(FirstVisitTour))).toBe('');
  });

  it('is a labelled, non-modal dialog with Skip, Back and Next', () => {
    const markup = card(0);
    expect(markup).toMatch(/role="dialog"/);
    expect(markup).toMatch(/aria-modal="false"/);
    const labelledBy = /aria-labelledby="([^"]+)"/.exec(markup)![1].split(' ');
    expect(labelledBy).toHaveLength(2);
    for (const id of labelledBy) expect(markup).toContain(`id="${id}"`);
    expect(markup).toContain(`step 1 of ${TOUR_STEPS.length}`);
    expect(markup).toContain(TOUR_STEPS[0].title);
    expect(markup).toMatch(/data-testid="tour.back"[^>]*disabled=""/);
    expect(markup).toMatch(/data-testid="tour.next"[^>]*>Next</);
    expect(markup).toMatch(/data-testid="tour.skip"[^>]*>Skip tour</);
  });

  it('says Done on the last step, with Back enabled', () => {
    const markup = card(TOUR_STEPS.length - 1);
    expect(markup).toContain(TOUR_STEPS.at(-1)!.title);
    expect(markup).toMatch(/data-testid="tour.next"[^>]*>Done</);
    expect(markup).not.toMatch(/data-testid="tour.back"[^>]*disabled/);
  });

  it('has a Tour button for the header', () => {
    expect(renderToStaticMarkup(createElement(TourButton))).toMatch(
      /<button type="button" data-testid="nav.tour" aria-pressed="false"[^>]*>Tour<\/button>/,
    );
  });
});
